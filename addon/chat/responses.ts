/**
 * Chat add-on responses as plain JSON (PLATFORM.md §2): messages under
 * `hostAppDataAction.chatDataAction`, dialogs under `action.navigations`. CardService is not
 * available to Chat add-ons, so every Chat card is Card v2 JSON (validated by shared/cardV2.ts
 * in the tests).
 */
import type { CardV2 } from '../../shared/cardV2.js';

export type ChatMessageBody = {
  text?: string;
  cardsV2?: Array<{ cardId?: string | null; card?: unknown }>;
  /** Only this user sees the message (Chat accepts it when a message is created, not updated). */
  privateMessageViewer?: { name: string };
};

export type ChatResponse =
  | { hostAppDataAction: { chatDataAction: { createMessageAction: { message: ChatMessageBody } } } }
  | { hostAppDataAction: { chatDataAction: { updateMessageAction: { message: ChatMessageBody } } } }
  | { action: { navigations: Array<Record<string, unknown>>; notification?: { text: string } } };

export function createMessage(message: ChatMessageBody): ChatResponse {
  return { hostAppDataAction: { chatDataAction: { createMessageAction: { message } } } };
}

export function updateMessage(message: ChatMessageBody): ChatResponse {
  return { hostAppDataAction: { chatDataAction: { updateMessageAction: { message } } } };
}

export function textMessage(text: string): ChatResponse {
  return createMessage({ text });
}

export function openDialog(card: CardV2): ChatResponse {
  return { action: { navigations: [{ pushCard: card }] } };
}

export function updateDialog(card: CardV2): ChatResponse {
  return { action: { navigations: [{ updateCard: card }] } };
}

export function closeDialog(notification?: string): ChatResponse {
  const response: ChatResponse = { action: { navigations: [{ endNavigation: { action: 'CLOSE_DIALOG' } }] } };
  if (notification) response.action.notification = { text: notification };
  return response;
}
