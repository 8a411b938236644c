/**
 * Wraps every function Apps Script calls so that nothing thrown reaches the user as a stack
 * trace: the error becomes a localized message in the shape the host expects (an error card for
 * Gmail/Sheets triggers, a notification for card actions, a Chat message for Chat events, an
 * alert for Sheets menu items). Details go to the Apps Script log only. Each call first tells
 * the service client the user's language, so what the service renders for them is in it.
 */
import { buildErrorCard, notify } from './cards/jobCards.js';
import { privateMessage } from './chat/handlers.js';
import { UserFacingError, userMessage } from './errors.js';
import { hostOf, localeOf, type AddonEvent } from './event.js';
import { useLocale } from './serviceClient.js';

type Handler<R> = (e: AddonEvent) => R;

function log(fn: string, err: unknown): void {
  if (err instanceof UserFacingError) {
    console.warn(`tasuki ${fn}: ${err.key} ${JSON.stringify(err.vars)}`);
  } else {
    console.error(`tasuki ${fn}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  }
}

/** Triggers that must return a card (homepage, contextual). */
export function cardTrigger(name: string, fn: Handler<GoogleAppsScript.Card_Service.Card | GoogleAppsScript.Card_Service.Card[]>) {
  return (e: AddonEvent) => {
    try {
      useLocale(localeOf(e));
      return fn(e ?? {});
    } catch (err) {
      log(name, err);
      return buildErrorCard(userMessage(err, localeOf(e)), localeOf(e));
    }
  };
}

/** Card actions and Chat events: the error in the host's own response shape. */
export function hostAction(name: string, fn: Handler<unknown>) {
  return (e: AddonEvent) => {
    try {
      useLocale(localeOf(e));
      return fn(e ?? {});
    } catch (err) {
      log(name, err);
      const message = userMessage(err, localeOf(e));
      // In Chat the error concerns the person who asked: shown to them alone in a shared space.
      return hostOf(e) === 'CHAT' ? privateMessage(e ?? {}, { text: `⚠️ ${message}` }) : notify(message);
    }
  };
}

/** Sheets menu items (Editor add-on): there is no card to return, so the user gets an alert. */
export function menuItem(name: string, fn: () => void) {
  return () => {
    try {
      useLocale(localeOf(undefined));
      fn();
    } catch (err) {
      log(name, err);
      const message = userMessage(err, localeOf(undefined));
      try {
        SpreadsheetApp.getUi().alert(`tasuki: ${message}`);
      } catch {
        // No UI (e.g. run from the editor's debugger): the log has it.
      }
    }
  };
}
