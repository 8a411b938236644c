/**
 * Who may touch what in the sandbox, as a real Workspace domain decides it for tasuki's service
 * account (the runtime identity). People of the domain (delegated users) see everything: they own
 * the office. The service account sees only what was shared with it:
 *
 * - Drive, My Drive: files it owns, and files whose `permissions` (or an ancestor folder's) name
 *   it. Shared drives (`drive/drive` resources): every item of a drive whose `members` name it,
 *   with that member's role. Roles rank reader < commenter < writer (Contributor) < fileOrganizer
 *   (Content manager) < organizer (Manager). Not visible → 404 "File not found"; visible but too
 *   low a role → 403 insufficientFilePermissions.
 * - A service account has no Drive storage: a file it would own in a My Drive (a folder of a
 *   person's My Drive, or no parent at all) is refused with Google's 403 storageQuotaExceeded,
 *   whatever the folder's sharing says. In a shared drive the drive owns the file, so it works.
 * - Sheets and Docs: the same Drive rules on the spreadsheet's or document's file (read for GET,
 *   write otherwise); refused with 403 PERMISSION_DENIED "The caller does not have permission".
 * - Calendar: the calendar's `acl` (reader / writer / owner); not in it → 404 Not Found, a reader
 *   writing → 403 requiredAccessLevel.
 *
 * The error texts and shapes are Google's, so the service and its preflight see exactly what a
 * misconfigured domain would answer.
 */
import type { RequestHandler } from 'express';
import type { Principal } from './auth.js';
import { GoogleError } from './googleError.js';
import type { SandboxState } from './sandboxState.js';

export type DriveRole = 'reader' | 'commenter' | 'writer' | 'fileOrganizer' | 'organizer' | 'owner';
const RANK: Record<DriveRole, number> = { reader: 1, commenter: 2, writer: 3, fileOrganizer: 4, organizer: 5, owner: 6 };

export type SharedDrive = {
  kind: 'drive#drive';
  id: string;
  name: string;
  members: Array<{ email: string; role: Exclude<DriveRole, 'owner'> }>;
  /** "Allow people outside the organization": false blocks adding outside members (service accounts are outside). */
  restrictions?: { domainUsersOnly?: boolean };
};

/** The parts of a Drive file the rules read. */
export type AccessibleFile = {
  id: string;
  parents: string[];
  driveId?: string;
  owners?: Array<{ emailAddress: string }>;
  permissions?: Array<{ type: 'user'; emailAddress: string; role: Exclude<DriveRole, 'owner'> }>;
};

export const STORAGE_QUOTA_MESSAGE =
  'Service Accounts do not have storage quota. Leverage shared drives (https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth delegation (http://support.google.com/a/answer/7281227) instead.';

export function storageQuotaExceeded(): GoogleError {
  return new GoogleError(403, STORAGE_QUOTA_MESSAGE, { reason: 'storageQuotaExceeded', domain: 'usageLimits' });
}

export function fileNotFound(id: string): GoogleError {
  return new GoogleError(404, `File not found: ${id}.`, { reason: 'notFound' });
}

export function insufficientFilePermissions(): GoogleError {
  return new GoogleError(403, 'The user does not have sufficient permissions for this file.', { reason: 'insufficientFilePermissions' });
}

export const outranks = (role: DriveRole | null, needed: DriveRole): boolean => role !== null && RANK[role] >= RANK[needed];

/**
 * The subset of Drive's `capabilities` tasuki reads (files.get fields=capabilities(...)): what the
 * caller may do with the file, from its role. A shared drive's Contributor (writer) may edit and
 * add; trashing there takes a Content manager (fileOrganizer), in a My Drive the owner.
 */
export function capabilitiesOf(role: DriveRole, file: { driveId?: string; mimeType?: string }): Record<string, boolean> {
  const canEdit = outranks(role, 'writer');
  return {
    canEdit,
    canAddChildren: canEdit && file.mimeType === 'application/vnd.google-apps.folder',
    canTrash: outranks(role, file.driveId ? 'fileOrganizer' : 'owner'),
    canComment: outranks(role, 'commenter'),
  };
}

/**
 * The caller's role on a Drive file, or null when the file is invisible to them. `cache` memoizes
 * the drive and folder reads for one request (a files.list asks about every file).
 */
export function driveRole(state: SandboxState, principal: Principal, file: AccessibleFile, cache = new Map<string, unknown>()): DriveRole | null {
  if (principal.kind === 'user') return 'owner';
  const me = principal.email.toLowerCase();
  const read = <T>(kind: string, id: string): T | undefined => {
    const key = `${kind}/${id}`;
    if (!cache.has(key)) cache.set(key, state.get<T>('drive', kind, id));
    return cache.get(key) as T | undefined;
  };
  if (file.driveId) {
    const drive = read<SharedDrive>('drive', file.driveId);
    return drive?.members.find((m) => m.email.toLowerCase() === me)?.role ?? null;
  }
  let best: DriveRole | null = null;
  const seen = new Set<string>();
  for (let f: AccessibleFile | undefined = file; f && !seen.has(f.id); f = f.parents[0] ? read<AccessibleFile>('file', f.parents[0]) : undefined) {
    seen.add(f.id);
    if (f.owners?.some((o) => o.emailAddress.toLowerCase() === me)) return 'owner';
    const granted = f.permissions?.find((p) => p.emailAddress.toLowerCase() === me)?.role;
    if (granted && (!best || RANK[granted] > RANK[best])) best = granted;
  }
  return best;
}

/**
 * Sheets, Docs and Calendar calls checked against the Drive file / calendar they name (mounted
 * after authentication, before the API's router). Ids without a Drive file or calendar pass
 * through, so the API answers its own 404.
 */
export function workspaceAccess(api: 'sheets' | 'docs' | 'calendar', state: SandboxState): RequestHandler {
  const pattern = api === 'sheets' ? /\/v4\/spreadsheets\/([^/:]+)/ : api === 'docs' ? /\/v1\/documents\/([^/:]+)/ : /\/calendar\/v3\/calendars\/([^/]+)/;
  return (req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    const id = pattern.exec(req.path)?.[1];
    if (!principal || !id) return next();
    const writing = req.method !== 'GET';
    const key = decodeURIComponent(id);
    if (api === 'calendar') {
      const cal = state.get<{ acl?: Array<{ email: string; role: 'reader' | 'writer' | 'owner' }> }>('calendar', 'calendar', key);
      if (!cal || principal.kind === 'user' || !cal.acl) return next();
      const role = cal.acl.find((a) => a.email.toLowerCase() === principal.email.toLowerCase())?.role;
      if (!role) return next(new GoogleError(404, 'Not Found', { reason: 'notFound' }));
      if (writing && role === 'reader') return next(new GoogleError(403, 'You need to have writer access to this calendar.', { reason: 'requiredAccessLevel' }));
      return next();
    }
    const file = state.get<AccessibleFile>('drive', 'file', key);
    if (!file) return next();
    if (!outranks(driveRole(state, principal, file), writing ? 'writer' : 'reader')) {
      return next(new GoogleError(403, 'The caller does not have permission', { status: 'PERMISSION_DENIED' }));
    }
    next();
  };
}
