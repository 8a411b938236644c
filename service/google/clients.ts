/**
 * Google port: the official per-API clients (@googleapis/*), built lazily (each costs start-up
 * time and memory, and Cloud Run pays that on every cold start).
 *
 * One code path for both modes; only the endpoint and the credentials differ:
 * - local: rootUrl = TASUKI_GOOGLE_ROOT_URL + '/' (the Workspace sandbox serves Google's paths from its root;
 *   googleapis-common drops a rootUrl's own path), credentials =
 *   a service-account key generated in the data folder, exchanged at the sandbox's OAuth token
 *   endpoint (a real JWT-bearer flow).
 * - production: Google's endpoints, Application Default Credentials of the runtime service
 *   account (Chat with the chat.bot scope), Gmail through optional domain-wide delegation.
 *
 * The implementation lives in service/google/createGoogleClients.ts.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { chat_v1 } from '@googleapis/chat';
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import type { gmail_v1 } from '@googleapis/gmail';
import type { sheets_v4 } from '@googleapis/sheets';

export interface GoogleClients {
  readonly chat: chat_v1.Chat;
  readonly drive: drive_v3.Drive;
  readonly sheets: sheets_v4.Sheets;
  readonly docs: docs_v1.Docs;
  readonly calendar: calendar_v3.Calendar;
  /** Gmail acting as `userEmail` (domain-wide delegation); null when Gmail access is not configured. */
  gmailFor(userEmail: string): gmail_v1.Gmail | null;
}
