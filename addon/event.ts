/**
 * The event objects Google passes to add-on functions (PLATFORM.md §2), typed by hand where
 * @types/google-apps-script has no type (the `chat` field, Editor add-on menu events), and the
 * accessors every handler uses. Accessors never throw on a missing part: a handler that needs a
 * field asks for it with `required…`, which raises a localized "the event has no …" error.
 */
import { UserFacingError } from './errors.js';
import { localeFrom, type Locale } from '../shared/locale.js';

export type FormInput = {
  stringInputs?: { value?: string[] };
  dateInput?: { msSinceEpoch?: number | string };
  dateTimeInput?: { msSinceEpoch?: number | string; hasDate?: boolean; hasTime?: boolean };
};

export type ChatSpace = { name?: string; type?: string; spaceType?: string; displayName?: string; singleUserBotDm?: boolean };
export type ChatUser = { name?: string; displayName?: string; email?: string; type?: string };
export type ChatMessage = {
  name?: string;
  text?: string;
  argumentText?: string;
  thread?: { name?: string };
  sender?: ChatUser;
  slashCommand?: { commandId?: string };
};
export type ChatPayload = {
  space?: ChatSpace;
  message?: ChatMessage;
  isDialogEvent?: boolean;
  dialogEventType?: string;
  appCommandMetadata?: { appCommandId?: number | string; appCommandType?: string };
  configCompleteRedirectUri?: string;
};
export type ChatEvent = {
  user?: ChatUser;
  eventTime?: string;
  messagePayload?: ChatPayload;
  appCommandPayload?: ChatPayload;
  buttonClickedPayload?: ChatPayload;
  addedToSpacePayload?: ChatPayload;
  removedFromSpacePayload?: ChatPayload;
};

export type AddonEvent = {
  commonEventObject?: {
    hostApp?: string;
    platform?: string;
    userLocale?: string;
    timeZone?: { id?: string; offset?: number };
    parameters?: Record<string, string>;
    formInputs?: Record<string, FormInput>;
    invokedFunction?: string;
  };
  gmail?: { messageId?: string; threadId?: string; accessToken?: string };
  chat?: ChatEvent;
  /** Editor add-on (menu) events. */
  authMode?: GoogleAppsScript.Script.AuthMode | string;
  /** Legacy top-level fields some hosts still send. */
  parameters?: Record<string, string>;
  userLocale?: string;
  userTimezone?: { id?: string };
};

export type Host = 'GMAIL' | 'CHAT' | 'SHEETS' | 'OTHER';

export function hostOf(e: AddonEvent | undefined): Host {
  const host = e?.commonEventObject?.hostApp;
  if (host === 'GMAIL' || host === 'CHAT' || host === 'SHEETS') return host;
  if (e?.chat) return 'CHAT';
  if (e?.gmail) return 'GMAIL';
  return 'OTHER';
}

export function localeOf(e: AddonEvent | undefined): Locale {
  const tag = e?.commonEventObject?.userLocale ?? e?.userLocale;
  if (tag) return localeFrom(tag);
  try {
    return localeFrom(Session.getActiveUserLocale());
  } catch {
    return 'en';
  }
}

/** The user's time zone: from the event, else the script's. */
export function timeZoneOf(e: AddonEvent | undefined): string {
  const id = e?.commonEventObject?.timeZone?.id ?? e?.userTimezone?.id;
  if (id) return id;
  try {
    return Session.getScriptTimeZone();
  } catch {
    return 'Asia/Tokyo';
  }
}

export function param(e: AddonEvent | undefined, name: string): string | undefined {
  const value = e?.commonEventObject?.parameters?.[name] ?? e?.parameters?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function requiredParam(e: AddonEvent | undefined, name: string): string {
  const value = param(e, name);
  if (value === undefined) throw new UserFacingError('errMissingField', { field: `parameters.${name}` });
  return value;
}

/** A form field's text (first string input), trimmed; '' when absent. Date inputs as YYYY-MM-DD (UTC). */
export function formValue(e: AddonEvent | undefined, name: string): string {
  const input = e?.commonEventObject?.formInputs?.[name];
  const text = input?.stringInputs?.value?.[0];
  if (typeof text === 'string') return text.trim();
  const ms = input?.dateInput?.msSinceEpoch ?? input?.dateTimeInput?.msSinceEpoch;
  if (ms !== undefined && ms !== '') {
    const d = new Date(Number(ms));
    if (!isNaN(d.getTime())) return d.toISOString().slice(0, 10);
  }
  return '';
}

/** The Chat payload of whichever kind this event carries. */
export function chatPayload(e: AddonEvent | undefined): ChatPayload | undefined {
  const chat = e?.chat;
  return (
    chat?.appCommandPayload ??
    chat?.buttonClickedPayload ??
    chat?.messagePayload ??
    chat?.addedToSpacePayload ??
    chat?.removedFromSpacePayload
  );
}
