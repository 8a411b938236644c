/**
 * The preflight: with the service's own identity (the runtime service account in production, the
 * sandbox's in local mode), try each thing tasuki needs from the configured resources and say,
 * per line, whether it works and — when not — the exact sharing, role or console setting that
 * fixes it. Run by `POST /preflight` (routes/preflight.ts), which `npm run preflight` (local) and
 * `npm run deploy -- --check` (production, also at the end of every deploy) call.
 *
 * Every check is real and leaves nothing behind: a file is created in the projects folder and
 * trashed, a Calendar event inserted and deleted, a Chat message posted and deleted, a task
 * created for tomorrow and deleted; a spreadsheet is read and its Drive capabilities say whether
 * tasuki may write it (a Viewer share reads fine and fails only at the first row written). Google's errors are read by status and reason
 * (storageQuotaExceeded, insufficientFilePermissions, SERVICE_DISABLED, 404 for what is not shared)
 * into plain words. Nothing here throws: a check that cannot run is a failed line.
 */
import { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { portalCredentialVariables } from '../config.js';
import type { GoogleClients } from '../google/clients.js';
import type { JobQueue } from '../queue/queue.js';
import type { Store } from '../store/store.js';
import { googleMessage, statusOf } from '../workspace/googleCall.js';

export type CheckResult = { id: string; what: string; ok: boolean; detail: string; fix?: string };

export type PreflightDeps = {
  config: Config;
  google: () => Promise<GoogleClients>;
  queue: JobQueue;
  store: Store;
  /** The process environment (portal secrets are mounted there). */
  env?: Record<string, string | undefined>;
  now?: () => Date;
};

/** The runtime identity as the fixes name it. */
function runtimeAccount(config: Config): string {
  return config.mode === 'production' ? `tasuki-runtime@${config.project}.iam.gserviceaccount.com (the service's identity)` : 'the sandbox runtime service account';
}

/** A file the runtime may read but not edit (a Viewer or Commenter share). */
class CannotEdit extends Error {}

type GoogleReason = { reason?: string; service?: string };

/** Google's reason (errors[].reason, or ErrorInfo's for SERVICE_DISABLED) and the API service name. */
function reasonOf(err: unknown): GoogleReason {
  const data = (err as { response?: { data?: { error?: { errors?: Array<{ reason?: string }>; details?: Array<{ reason?: string; metadata?: { service?: string } }> } } } })?.response?.data?.error;
  const info = data?.details?.find((d) => d.reason);
  return { reason: info?.reason ?? data?.errors?.[0]?.reason, service: info?.metadata?.service };
}

/** The fix for an API not enabled in the project, or undefined when the error is another one. */
function disabledFix(err: unknown, config: Config): string | undefined {
  const { reason, service } = reasonOf(err);
  if (reason !== 'SERVICE_DISABLED' && reason !== 'accessNotConfigured') return undefined;
  return `enable the API in the project: gcloud services enable ${service ?? '<the API named above>'} --project ${config.project} (npm run deploy enables every API tasuki uses), then wait a few minutes`;
}

export async function runPreflight(deps: PreflightDeps): Promise<CheckResult[]> {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const sa = runtimeAccount(config);
  const results: CheckResult[] = [];
  let google: GoogleClients | undefined;
  try {
    google = await deps.google();
  } catch (err) {
    results.push({ id: 'google-credentials', what: 'Google credentials of the service', ok: false, detail: googleMessage(err), fix: 'the service could not get credentials (Application Default Credentials on Cloud Run: the service account must exist)' });
  }

  async function check(id: string, what: string, run: () => Promise<string>, fix: (err: unknown) => string): Promise<void> {
    try {
      results.push({ id, what, ok: true, detail: await run() });
    } catch (err) {
      results.push({ id, what, ok: false, detail: `${statusOf(err) || 'error'}: ${googleMessage(err).slice(0, 300)}`, fix: disabledFix(err, config) ?? fix(err) });
    }
  }

  if (google) {
    const g = google;
    const driveFix = (name: string, id: string, needs: string) => (err: unknown) => {
      const status = statusOf(err);
      const { reason } = reasonOf(err);
      if (reason === 'storageQuotaExceeded') return `${name} (${id}) is in someone's My Drive, where a service account cannot own files (no storage quota): move it into a shared drive and add ${sa} to that shared drive as Content manager`;
      if (reason === 'insufficientFilePermissions' || status === 403) return `${sa} may see ${name} (${id}) but not ${needs}: make it a Content manager of the shared drive (Manage members)`;
      if (status === 404) return `${name} (${id}) is not visible to ${sa}: add that account to the shared drive holding it as Content manager (shared drive ▸ Manage members). If Drive refuses the address, sharing outside the organization is off: see README "Troubleshooting"`;
      return `check ${name} (${id}) and the Drive API`;
    };

    await check('drive-projects-folder', `Create a file in the projects folder (TASUKI_PROJECTS_FOLDER_ID) and trash it`, async () => {
      const folder = await g.drive.files.get({ fileId: config.projectsFolderId, fields: 'id,name,driveId,mimeType', supportsAllDrives: true });
      // No shortcut on driveId: creating is what fails (storageQuotaExceeded) in a My Drive, and Google's answer says so.
      const made = await g.drive.files.create({
        requestBody: { name: `tasuki preflight ${now().toISOString()}.txt`, parents: [config.projectsFolderId], appProperties: { tasukiPreflight: '1' } },
        media: { mimeType: 'text/plain', body: Readable.from(Buffer.from('tasuki preflight check; trashed at once\n')) },
        fields: 'id', supportsAllDrives: true,
      });
      await g.drive.files.update({ fileId: made.data.id!, requestBody: { trashed: true }, supportsAllDrives: true });
      return `"${folder.data.name}" ${folder.data.driveId ? `in shared drive ${folder.data.driveId}` : 'in a My Drive (not a shared drive)'}: created and trashed a file`;
    }, driveFix('the projects folder', config.projectsFolderId, 'add files to it'));

    await check('drive-template-folder', 'Read the project template folder (TASUKI_TEMPLATE_FOLDER_ID)', async () => {
      const folder = await g.drive.files.get({ fileId: config.templateFolderId, fields: 'id,name,driveId', supportsAllDrives: true });
      const items = await g.drive.files.list({ q: `'${config.templateFolderId}' in parents and trashed = false`, fields: 'files(id)', pageSize: 100, supportsAllDrives: true, includeItemsFromAllDrives: true });
      return `"${folder.data.name}": ${items.data.files?.length ?? 0} item(s)`;
    }, driveFix('the template folder', config.templateFolderId, 'read it'));

    for (const [id, name, docId] of [
      ['docs-estimate-template', 'the estimate template (TASUKI_ESTIMATE_TEMPLATE_DOC_ID)', config.estimateTemplateDocId],
      ['docs-invoice-template', 'the invoice template (TASUKI_INVOICE_TEMPLATE_DOC_ID)', config.invoiceTemplateDocId],
    ] as const) {
      await check(id, `Read ${name}`, async () => {
        const doc = await g.docs.documents.get({ documentId: docId });
        return `"${doc.data.title}"`;
      }, (err) => (statusOf(err) === 404 || statusOf(err) === 403 ? `share ${name.replace(/ \(.*/, '')} (${docId}) with ${sa}: put it in the shared drive where that account is Content manager` : `check ${docId}`));
    }

    for (const [id, name, spreadsheetId] of [
      ['sheets-ledger', 'the ledger spreadsheet (TASUKI_LEDGER_SPREADSHEET_ID)', config.ledgerSpreadsheetId],
      ['sheets-schedule', 'the schedule spreadsheet (TASUKI_SCHEDULE_SPREADSHEET_ID)', config.scheduleSpreadsheetId],
    ] as const) {
      await check(id, `Read ${name} and check it may be written`, async () => {
        const ss = await g.sheets.spreadsheets.get({ spreadsheetId, fields: 'properties.title,sheets.properties.title' });
        // Reading works for a Viewer too; tasuki writes rows, which a Viewer share refuses only later.
        const file = await g.drive.files.get({ fileId: spreadsheetId, fields: 'capabilities(canEdit)', supportsAllDrives: true });
        if (file.data.capabilities?.canEdit === false) throw new CannotEdit(`may read "${ss.data.properties?.title}" but not edit it`);
        return `"${ss.data.properties?.title}": ${(ss.data.sheets ?? []).map((s) => s.properties?.title).join(', ')}; editable`;
      }, (err) => `${err instanceof CannotEdit ? `${sa} is a Viewer or Commenter: ` : ''}share ${name.replace(/ \(.*/, '')} (${spreadsheetId}) with ${sa} as Editor (or keep it in the shared drive where that account is Content manager). If Sheets refuses the address, sharing outside the organization is off: see README "Troubleshooting"`);
    }

    await check('calendar', 'Create and delete an event in the office calendar (TASUKI_CALENDAR_ID)', async () => {
      const day = new Date(now().getTime() + 24 * 3600_000).toISOString().slice(0, 10);
      const next = new Date(now().getTime() + 48 * 3600_000).toISOString().slice(0, 10);
      const event = await g.calendar.events.insert({ calendarId: config.calendarId, requestBody: { summary: 'tasuki preflight (deleted at once)', start: { date: day }, end: { date: next }, transparency: 'transparent' } });
      await g.calendar.events.delete({ calendarId: config.calendarId, eventId: event.data.id! });
      return `created and deleted an event on ${day}`;
    }, (err) => {
      const status = statusOf(err);
      if (status === 404) return `share the calendar ${config.calendarId} with ${sa}: Google Calendar ▸ the calendar's Settings and sharing ▸ Share with specific people ▸ Add, permission "Make changes to events". If Calendar refuses the address, external sharing is off: see README "Troubleshooting"`;
      if (status === 403) return `${sa} may only read ${config.calendarId}: change its permission to "Make changes to events"`;
      return `check TASUKI_CALENDAR_ID ${config.calendarId}`;
    });

    await check('chat-space', 'Post and delete a message in the team space (TASUKI_CHAT_SPACE)', async () => {
      const msg = await g.chat.spaces.messages.create({ parent: config.chatSpace, requestBody: { text: 'tasuki preflight: checking that I can post here (deleted at once)' } });
      await g.chat.spaces.messages.delete({ name: msg.data.name! });
      return `posted and deleted ${msg.data.name}`;
    }, (err) => {
      const status = statusOf(err);
      if (status === 403 || status === 404) return `add the tasuki Chat app to ${config.chatSpace}: in Google Chat open the space ▸ Apps & integrations ▸ Add apps ▸ tasuki. If the app is not listed, the Chat API configuration is missing or not built as a Workspace add-on in this project: npm run chat-config prints every setting`;
      return `check the Chat API configuration (npm run chat-config)`;
    });
  }

  await check('queue', `Create and delete a task with an OIDC token for ${config.invokerServiceAccount} (Cloud Tasks queue ${config.tasksQueue})`, async () => {
    const jobId = `preflight-${now().getTime().toString(36)}`;
    const { taskName } = await deps.queue.enqueue({ jobId, generation: 1, notBefore: new Date(now().getTime() + 24 * 3600_000) });
    await deps.queue.cancel(taskName);
    return `created and deleted ${taskName.split('/').pop()}`;
  }, (err) => {
    const text = googleMessage(err);
    if (/actAs|serviceAccountUser|iam\.serviceAccounts/i.test(text)) return `let the runtime account act as ${config.invokerServiceAccount}: gcloud iam service-accounts add-iam-policy-binding ${config.invokerServiceAccount} --member=serviceAccount:<runtime account> --role=roles/iam.serviceAccountUser (npm run deploy does this)`;
    if (/NOT_FOUND|not found/i.test(text)) return `create the queue ${config.tasksQueue} in ${config.tasksLocation} (npm run deploy does)`;
    return `give the runtime account roles/cloudtasks.enqueuer and roles/cloudtasks.taskDeleter (npm run deploy does) and check the queue ${config.tasksQueue}`;
  });

  await check('store', `Read the job store (${config.store}${config.store === 'firestore' ? `, database ${config.firestoreDatabase}` : ''})`, async () => {
    await deps.store.getJob('preflight-check');
    return 'reachable';
  }, () => (config.store === 'firestore' ? `give the runtime account roles/datastore.user and create the Firestore database ${config.firestoreDatabase} in native mode (npm run deploy does both)` : 'check TASUKI_DATA_DIR'));

  const env = deps.env ?? process.env;
  for (const portal of config.portals.filter((p) => p.login)) {
    const vars = Object.values(portalCredentialVariables(portal.id));
    const missing = vars.filter((v) => !env[v]);
    results.push({
      id: `portal-secret-${portal.id}`,
      what: `Credentials of portal "${portal.id}" (${vars.join(', ')})`,
      ok: missing.length === 0,
      detail: missing.length ? `missing: ${missing.join(', ')}` : 'present',
      ...(missing.length ? { fix: `create the Secret Manager secrets and map them under "secrets" in deploy.config.json (README: Deploy step 3), then npm run deploy` } : {}),
    });
  }
  return results;
}
