/**
 * Google Drive API v3, the subset tasuki uses, mounted at `<sandbox>/drive/`:
 *
 *   POST   drive/v3/files                       files.create (metadata only: folders, empty Docs/Sheets)
 *   POST   upload/drive/v3/files?uploadType=multipart|media   files.create with content
 *   GET    drive/v3/files?q&fields&pageSize&pageToken&orderBy files.list (q subset: driveQuery.ts)
 *   GET    drive/v3/files/{id}?fields&alt=media files.get (metadata — with the caller's capabilities when asked — or the content with alt=media)
 *   PATCH  drive/v3/files/{id}?addParents&removeParents        files.update (name, appProperties, trashed…)
 *   PATCH  upload/drive/v3/files/{id}           files.update with new content
 *   POST   drive/v3/files/{id}/copy             files.copy (Docs and Sheets copy their content; folders cannot be copied, as in Drive)
 *   GET    drive/v3/files/{id}/export?mimeType  files.export (Docs → application/pdf | text/plain; Sheets → text/csv)
 *   DELETE drive/v3/files/{id}                  files.delete
 *
 * Responses honour `fields` like Drive: without it, files carry only kind, id, name, mimeType.
 * Creating a file with mimeType application/vnd.google-apps.document makes an (empty, or
 * converted from uploaded text) document that the Docs API reads; …spreadsheet likewise for Sheets.
 */
import express, { type Request, type Response, type Router } from 'express';
import * as z from 'zod';
import { capabilitiesOf, driveRole, fileNotFound, insufficientFilePermissions, outranks, storageQuotaExceeded, type DriveRole } from './access.js';
import type { Principal } from './auth.js';
import { documentText, normalizeBlocks, type StoredDocument } from './docsModel.js';
import { compileDriveQuery } from './driveQuery.js';
import { applyFieldMask, parseFieldMask } from './fieldMask.js';
import { GoogleError, badRequest, notFound } from './googleError.js';
import { driveFileId } from './ids.js';
import { checkQuery, paginate, parseBody, q, qInt } from './requestShape.js';
import { Routes, nowRfc3339 } from './routes.js';
import type { SandboxState } from './sandboxState.js';
import { newSheet, readRange, type StoredSpreadsheet, userEntered } from './sheetsModel.js';

const API = 'drive';
export const FOLDER = 'application/vnd.google-apps.folder';
export const GOOGLE_DOC = 'application/vnd.google-apps.document';
export const GOOGLE_SHEET = 'application/vnd.google-apps.spreadsheet';

export type DriveUser = { kind: 'drive#user'; displayName: string; emailAddress: string; me?: boolean };
export type DriveFile = {
  kind: 'drive#file';
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  appProperties?: Record<string, string>;
  properties?: Record<string, string>;
  description?: string;
  starred: boolean;
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  version: string;
  size?: string;
  webViewLink: string;
  iconLink: string;
  owners: DriveUser[];
  lastModifyingUser: DriveUser;
  originalFilename?: string;
  /** Set for items of a shared drive (the drive owns them; see access.ts). */
  driveId?: string;
  /** Who else may use a My Drive item (and, for a folder, everything in it). */
  permissions?: Array<{ type: 'user'; emailAddress: string; role: Exclude<DriveRole, 'owner'> }>;
};

const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
const DEFAULT_LIST_FIELDS = 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)';
const COMMON_PARAMS = ['supportsAllDrives', 'supportsTeamDrives', 'includePermissionsForView', 'includeLabels'];

const Props = z.record(z.string(), z.string().nullable());
const FileBody = z.strictObject({
  name: z.string().optional(),
  mimeType: z.string().optional(),
  parents: z.array(z.string()).optional(),
  appProperties: Props.optional(),
  properties: Props.optional(),
  description: z.string().optional(),
  starred: z.boolean().optional(),
  trashed: z.boolean().optional(),
  originalFilename: z.string().optional(),
  // Accepted by Drive and harmless here.
  folderColorRgb: z.string().optional(),
  writersCanShare: z.boolean().optional(),
  copyRequiresWriterPermission: z.boolean().optional(),
  viewersCanCopyContent: z.boolean().optional(),
  contentHints: z.strictObject({ indexableText: z.string().optional() }).optional(),
  modifiedTime: z.string().optional(),
  createdTime: z.string().optional(),
});
type FileBody = z.infer<typeof FileBody>;

export function webViewLink(id: string, mimeType: string): string {
  if (mimeType === FOLDER) return `https://drive.google.com/drive/folders/${id}`;
  if (mimeType === GOOGLE_DOC) return `https://docs.google.com/document/d/${id}/edit?usp=drivesdk`;
  if (mimeType === GOOGLE_SHEET) return `https://docs.google.com/spreadsheets/d/${id}/edit?usp=drivesdk`;
  return `https://drive.google.com/file/d/${id}/view?usp=drivesdk`;
}

function driveUser(email: string): DriveUser {
  return { kind: 'drive#user', displayName: email.split('@')[0]!, emailAddress: email };
}

/** A new file record (used by the API and by the seed). */
export function makeDriveFile(opts: { id?: string; name: string; mimeType: string; parents?: string[]; owner: string; appProperties?: Record<string, string>; properties?: Record<string, string>; description?: string; size?: number; at?: string; driveId?: string }): DriveFile {
  const id = opts.id ?? driveFileId();
  const at = opts.at ?? nowRfc3339();
  const owner = driveUser(opts.owner);
  return {
    kind: 'drive#file', id, name: opts.name, mimeType: opts.mimeType, parents: opts.parents ?? [],
    ...(opts.appProperties ? { appProperties: opts.appProperties } : {}),
    ...(opts.properties ? { properties: opts.properties } : {}),
    ...(opts.description ? { description: opts.description } : {}),
    starred: false, trashed: false, createdTime: at, modifiedTime: at, version: '1',
    ...(opts.size !== undefined ? { size: String(opts.size) } : {}),
    webViewLink: webViewLink(id, opts.mimeType),
    iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${opts.mimeType}`,
    owners: [owner], lastModifyingUser: owner,
    ...(opts.driveId ? { driveId: opts.driveId } : {}),
  };
}

function mergeProps(current: Record<string, string> | undefined, patch: Record<string, string | null> | undefined): Record<string, string> | undefined {
  if (!patch) return current;
  const out = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function checkProps(props: Record<string, string | null> | undefined, field: string): void {
  for (const [k, v] of Object.entries(props ?? {})) {
    if (Buffer.byteLength(k) + Buffer.byteLength(v ?? '') > 124) {
      throw badRequest(`Invalid value at '${field}.${k}': a property's key and value together are at most 124 bytes.`, 'invalidProperty');
    }
  }
}

/** Splits a multipart/related body into its JSON metadata and its media. */
function parseMultipart(req: Request): { metadata: unknown; media: Buffer; mediaType: string } {
  const type = req.headers['content-type'] ?? '';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary || !Buffer.isBuffer(req.body)) throw badRequest('Multipart upload needs a multipart/related body with a boundary.');
  const body = req.body as Buffer;
  const delim = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delim);
  while (at !== -1) {
    const start = at + delim.length;
    if (body.slice(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    parts.push(body.subarray(start, next));
    at = next;
  }
  if (parts.length !== 2) throw badRequest(`Multipart upload must have 2 parts (metadata and media); found ${parts.length}.`);
  const split = (p: Buffer) => {
    const headEnd = p.indexOf('\r\n\r\n');
    const head = p.subarray(0, headEnd).toString('utf8');
    let content = p.subarray(headEnd + 4);
    if (content.subarray(content.length - 2).toString() === '\r\n') content = content.subarray(0, content.length - 2);
    return { type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream', content };
  };
  const meta = split(parts[0]!);
  const media = split(parts[1]!);
  let metadata: unknown;
  try {
    metadata = JSON.parse(meta.content.toString('utf8'));
  } catch {
    throw badRequest('Invalid JSON payload received in the metadata part of the multipart upload.', 'parseError');
  }
  return { metadata, media: media.content, mediaType: media.type };
}

export function driveRouter(opts: { state: SandboxState }): Router {
  const { state } = opts;
  const routes = new Routes();
  const principalOf = (res: Response) => res.locals.principal as Principal;

  function send(req: Request, file: DriveFile | Record<string, unknown>, defaults = DEFAULT_FILE_FIELDS): unknown {
    return applyFieldMask(file, parseFieldMask(q(req, 'fields') ?? defaults));
  }

  /** The file, if the caller can see it (access.ts); else Google's 404, as for a missing file. */
  function getFile(res: Response, id: string, needed: DriveRole = 'reader'): DriveFile {
    const file = state.get<DriveFile>(API, 'file', id);
    const role = file ? driveRole(state, principalOf(res), file) : null;
    if (!file || !role) throw fileNotFound(id);
    if (!outranks(role, needed)) throw insufficientFilePermissions();
    return file;
  }

  /** Parents a file is put into: visible folders the caller may add to. */
  function checkParents(res: Response, parents: string[]): DriveFile[] {
    return parents.map((p) => {
      const parent = getFile(res, p, 'writer');
      if (parent.mimeType !== FOLDER) throw badRequest(`The parent ${p} is not a folder.`, 'invalidParent');
      return parent;
    });
  }

  /**
   * Where a new file lives: its parent's shared drive, or a My Drive. A service account owns
   * what it creates in a My Drive and has no storage there: Google's storageQuotaExceeded.
   */
  function placement(res: Response, parents: DriveFile[]): { driveId?: string } {
    const driveId = parents[0]?.driveId;
    if (!driveId && principalOf(res).kind === 'serviceAccount') throw storageQuotaExceeded();
    return driveId ? { driveId } : {};
  }

  /** files.list's default corpus (user) holds no shared-drive items; a parent query or corpora=drive|allDrives does. */
  function listable(req: Request, file: DriveFile, query: string | undefined): boolean {
    if (!file.driveId) return true;
    const corpora = q(req, 'corpora');
    if (corpora === 'allDrives') return true;
    if (corpora === 'drive') return q(req, 'driveId') === file.driveId;
    return Boolean(query && /'[^']*'\s+in\s+parents/.test(query));
  }

  /** Creates the Docs/Sheets content behind a Google-type file, converting uploaded text. */
  function createBacking(file: DriveFile, media?: { data: Buffer; type: string }): void {
    if (file.mimeType === GOOGLE_DOC) {
      const text = media ? media.data.toString('utf8') : '';
      const doc: StoredDocument = { documentId: file.id, title: file.name, revision: 1, blocks: normalizeBlocks(text ? [{ type: 'paragraph', text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') }] : []) };
      state.put('docs', 'document', file.id, doc);
    } else if (file.mimeType === GOOGLE_SHEET) {
      const rows = media ? media.data.toString('utf8').split(/\r?\n/).filter(Boolean).map((line) => line.split(',').map((v) => userEntered(v))) : [];
      const ss: StoredSpreadsheet = {
        spreadsheetId: file.id,
        properties: { title: file.name, locale: 'ja_JP', timeZone: 'Asia/Tokyo', autoRecalc: 'ON_CHANGE' },
        sheets: [newSheet('Sheet1', 0, 0, rows)],
      };
      state.put('sheets', 'spreadsheet', file.id, ss);
    } else if (media) {
      state.putBlob(file.id, media.data);
      file.size = String(media.data.length);
    }
  }

  function create(req: Request, res: Response, metadata: unknown, media?: { data: Buffer; type: string }): unknown {
    checkQuery(req, [...COMMON_PARAMS, 'fields', 'uploadType', 'keepRevisionForever', 'ocrLanguage', 'useContentAsIndexableText', 'ignoreDefaultVisibility', 'enforceSingleParent']);
    const body = parseBody(FileBody, metadata, 'file');
    checkProps(body.appProperties, 'appProperties');
    checkProps(body.properties, 'properties');
    const parents = body.parents ?? [];
    if (parents.length > 1) throw badRequest('A file can only have one parent.', 'cannotAddParent');
    const where = placement(res, checkParents(res, parents));
    const mimeType = body.mimeType ?? (media ? media.type : 'application/octet-stream');
    if (mimeType === FOLDER && media) throw badRequest('A folder cannot have content.');
    const file = makeDriveFile({
      name: body.name ?? 'Untitled',
      mimeType,
      parents,
      owner: principalOf(res).email,
      appProperties: mergeProps(undefined, body.appProperties),
      properties: mergeProps(undefined, body.properties),
      description: body.description,
      ...where,
    });
    if (body.starred) file.starred = true;
    if (body.originalFilename) file.originalFilename = body.originalFilename;
    state.transaction(() => {
      createBacking(file, media);
      state.put(API, 'file', file.id, file, parents[0] ?? '');
    });
    return send(req, file);
  }

  routes.on('POST', /^\/drive\/v3\/files$/, (req, res) => create(req, res, req.body));

  routes.on('POST', /^\/upload\/drive\/v3\/files$/, (req, res) => {
    const uploadType = q(req, 'uploadType');
    if (uploadType === 'multipart') {
      const { metadata, media, mediaType } = parseMultipart(req);
      return create(req, res, metadata, { data: media, type: mediaType });
    }
    if (uploadType === 'media') {
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return create(req, res, {}, { data, type: String(req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]! });
    }
    throw badRequest(`Invalid uploadType "${uploadType ?? ''}"; the sandbox supports multipart and media.`, 'invalidParameter');
  });

  routes.on('GET', /^\/drive\/v3\/files$/, (req, res) => {
    checkQuery(req, [...COMMON_PARAMS, 'q', 'fields', 'pageSize', 'pageToken', 'orderBy', 'spaces', 'corpora', 'corpus', 'driveId', 'includeItemsFromAllDrives', 'includeTeamDriveItems', 'teamDriveId']);
    const query = q(req, 'q');
    const me = principalOf(res);
    const cache = new Map<string, unknown>();
    let files = state.list<DriveFile>(API, 'file').filter((f) => listable(req, f, query) && driveRole(state, me, f, cache) !== null);
    if (query) {
      const pred = compileDriveQuery(query);
      files = files.filter(pred);
    }
    const orderBy = q(req, 'orderBy');
    if (orderBy) files = sortFiles(files, orderBy);
    const { page, nextPageToken } = paginate(files, q(req, 'pageToken'), qInt(req, 'pageSize', 1, 1000) ?? 100);
    return send(req, { kind: 'drive#fileList', incompleteSearch: false, files: page, ...(nextPageToken ? { nextPageToken } : {}) }, DEFAULT_LIST_FIELDS);
  });

  routes.on('GET', /^\/drive\/v3\/files\/([^/]+)$/, (req, res) => {
    checkQuery(req, [...COMMON_PARAMS, 'fields', 'acknowledgeAbuse']);
    const file = getFile(res, decodeURIComponent(req.path.split('/').pop()!));
    if (q(req, 'alt') === 'media') {
      if (file.mimeType.startsWith('application/vnd.google-apps.')) {
        throw new GoogleError(403, 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', { reason: 'fileNotDownloadable' });
      }
      res.setHeader('Content-Type', file.mimeType);
      res.send(state.blob(file.id) ?? Buffer.alloc(0));
      return;
    }
    // capabilities are the caller's, computed per request (never stored with the file).
    return send(req, { ...file, capabilities: capabilitiesOf(driveRole(state, principalOf(res), file)!, file) });
  });

  function update(req: Request, res: Response, id: string, metadata: unknown, media?: { data: Buffer; type: string }): unknown {
    checkQuery(req, [...COMMON_PARAMS, 'fields', 'addParents', 'removeParents', 'uploadType', 'keepRevisionForever', 'ocrLanguage', 'useContentAsIndexableText', 'enforceSingleParent']);
    const file = getFile(res, id, 'writer');
    const body = parseBody(FileBody, metadata, 'file');
    // Trashing a shared-drive item takes a Content manager (fileOrganizer) or more.
    if (body.trashed !== undefined && file.driveId && !outranks(driveRole(state, principalOf(res), file), 'fileOrganizer')) throw insufficientFilePermissions();
    if (body.parents) throw badRequest("The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.", 'fieldNotWritable');
    if (body.mimeType && body.mimeType !== file.mimeType && (file.mimeType === FOLDER || body.mimeType === FOLDER)) throw badRequest('A file\'s mimeType cannot change between folder and file.', 'fieldNotWritable');
    checkProps(body.appProperties, 'appProperties');
    checkProps(body.properties, 'properties');
    const add = (q(req, 'addParents') ?? '').split(',').filter(Boolean);
    const remove = (q(req, 'removeParents') ?? '').split(',').filter(Boolean);
    const added = checkParents(res, add);
    if (added.some((p) => p.driveId !== file.driveId)) throw badRequest('The sandbox moves files within one drive only.', 'invalidParent');
    for (const p of remove) if (!file.parents.includes(p)) throw badRequest(`${p} is not a parent of ${id}.`, 'invalidParent');
    let parents = file.parents.filter((p) => !remove.includes(p));
    for (const p of add) if (!parents.includes(p)) parents.push(p);
    if (parents.length > 1) throw badRequest('Increasing the number of parents is not allowed: a file can only have one parent.', 'cannotAddParent');
    if (add.some((p) => p === id || ancestors(p).includes(id))) throw badRequest('A folder cannot be moved into itself or its descendants.', 'invalidParent');
    const me = principalOf(res).email;
    const next: DriveFile = {
      ...file,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.starred !== undefined ? { starred: body.starred } : {}),
      ...(body.trashed !== undefined ? { trashed: body.trashed } : {}),
      ...(body.mimeType !== undefined ? { mimeType: body.mimeType } : {}),
      parents,
      modifiedTime: nowRfc3339(),
      version: String(Number(file.version) + 1),
      lastModifyingUser: driveUser(me),
    };
    const appProperties = mergeProps(file.appProperties, body.appProperties);
    const properties = mergeProps(file.properties, body.properties);
    if (appProperties) next.appProperties = appProperties;
    else delete next.appProperties;
    if (properties) next.properties = properties;
    else delete next.properties;
    state.transaction(() => {
      if (media) {
        if (file.mimeType.startsWith('application/vnd.google-apps.')) throw badRequest('The sandbox replaces content of binary files only.');
        state.putBlob(file.id, media.data);
        next.size = String(media.data.length);
      }
      if (body.name !== undefined && next.mimeType === GOOGLE_DOC) {
        const doc = state.get<StoredDocument>('docs', 'document', id);
        if (doc) state.put('docs', 'document', id, { ...doc, title: body.name });
      }
      if (body.name !== undefined && next.mimeType === GOOGLE_SHEET) {
        const ss = state.get<StoredSpreadsheet>('sheets', 'spreadsheet', id);
        if (ss) state.put('sheets', 'spreadsheet', id, { ...ss, properties: { ...ss.properties, title: body.name } });
      }
      state.put(API, 'file', id, next, parents[0] ?? '');
    });
    return send(req, next);
  }

  function ancestors(id: string): string[] {
    const out: string[] = [];
    let cur = state.get<DriveFile>(API, 'file', id);
    while (cur && cur.parents[0] && !out.includes(cur.parents[0])) {
      out.push(cur.parents[0]);
      cur = state.get<DriveFile>(API, 'file', cur.parents[0]);
    }
    return out;
  }

  routes.on('PATCH', /^\/drive\/v3\/files\/([^/]+)$/, (req, res, [id]) => update(req, res, id!, req.body));
  routes.on('PATCH', /^\/upload\/drive\/v3\/files\/([^/]+)$/, (req, res, [id]) => {
    const uploadType = q(req, 'uploadType');
    if (uploadType === 'multipart') {
      const { metadata, media, mediaType } = parseMultipart(req);
      return update(req, res, id!, metadata, { data: media, type: mediaType });
    }
    if (uploadType === 'media') return update(req, res, id!, {}, { data: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), type: 'application/octet-stream' });
    throw badRequest(`Invalid uploadType "${uploadType ?? ''}"; the sandbox supports multipart and media.`, 'invalidParameter');
  });

  routes.on('POST', /^\/drive\/v3\/files\/([^/]+)\/copy$/, (req, res, [id]) => {
    checkQuery(req, [...COMMON_PARAMS, 'fields', 'keepRevisionForever', 'ocrLanguage', 'ignoreDefaultVisibility', 'enforceSingleParent']);
    const source = getFile(res, id!);
    if (source.mimeType === FOLDER) {
      throw new GoogleError(403, 'This file cannot be copied by the user: folders cannot be copied; create a folder and copy its files.', { reason: 'cannotCopyFile' });
    }
    const body = parseBody(FileBody, req.body, 'file');
    checkProps(body.appProperties, 'appProperties');
    const parents = body.parents ?? source.parents;
    if (parents.length > 1) throw badRequest('A file can only have one parent.', 'cannotAddParent');
    const where = placement(res, checkParents(res, parents));
    const copy = makeDriveFile({
      name: body.name ?? `Copy of ${source.name}`,
      mimeType: source.mimeType,
      parents,
      owner: principalOf(res).email,
      // Drive copies properties unless the request sets them.
      appProperties: mergeProps(source.appProperties, body.appProperties),
      properties: mergeProps(source.properties, body.properties),
      description: body.description ?? source.description,
      size: source.size !== undefined ? Number(source.size) : undefined,
      ...where,
    });
    state.transaction(() => {
      if (source.mimeType === GOOGLE_DOC) {
        const doc = state.get<StoredDocument>('docs', 'document', source.id);
        state.put('docs', 'document', copy.id, { ...(doc ?? { blocks: normalizeBlocks([]) }), documentId: copy.id, title: copy.name, revision: 1 });
      } else if (source.mimeType === GOOGLE_SHEET) {
        const ss = state.get<StoredSpreadsheet>('sheets', 'spreadsheet', source.id);
        if (ss) state.put('sheets', 'spreadsheet', copy.id, { ...ss, spreadsheetId: copy.id, properties: { ...ss.properties, title: copy.name } });
      } else {
        const blob = state.blob(source.id);
        if (blob) state.putBlob(copy.id, blob);
      }
      state.put(API, 'file', copy.id, copy, parents[0] ?? '');
    });
    return send(req, copy);
  });

  routes.on('GET', /^\/drive\/v3\/files\/([^/]+)\/export$/, async (req, res, [id]) => {
    checkQuery(req, ['mimeType']);
    const file = getFile(res, id!);
    const mimeType = q(req, 'mimeType');
    if (!mimeType) throw badRequest("Required parameter: mimeType", 'required');
    if (file.mimeType === GOOGLE_DOC) {
      const doc = state.get<StoredDocument>('docs', 'document', id!);
      if (!doc) throw notFound(`Document ${id} has no content.`);
      if (mimeType === 'application/pdf') {
        const { documentToPdf } = await import('./pdfExport.js');
        res.setHeader('Content-Type', 'application/pdf');
        res.send(Buffer.from(await documentToPdf(doc)));
        return;
      }
      if (mimeType === 'text/plain') {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.send(documentText(doc));
        return;
      }
    }
    if (file.mimeType === GOOGLE_SHEET && mimeType === 'text/csv') {
      const ss = state.get<StoredSpreadsheet>('sheets', 'spreadsheet', id!);
      const sheet = ss?.sheets[0];
      const values = sheet ? readRange({ sheet }, 'FORMATTED_VALUE', 'ROWS').values ?? [] : [];
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.send(values.map((r) => r.map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(',')).join('\n'));
      return;
    }
    if (!file.mimeType.startsWith('application/vnd.google-apps.')) {
      throw new GoogleError(403, 'Export only supports Docs Editors files.', { reason: 'fileNotExportable' });
    }
    throw badRequest(`The requested conversion is not supported: ${file.mimeType} to ${mimeType} (the sandbox exports Docs as application/pdf or text/plain, Sheets as text/csv).`, 'badRequest');
  });

  routes.on('DELETE', /^\/drive\/v3\/files\/([^/]+)$/, (req, res, [id]) => {
    checkQuery(req, [...COMMON_PARAMS, 'enforceSingleParent']);
    // Permanent deletion: the owner in a My Drive; in a shared drive, an organizer (Manager).
    const file = getFile(res, id!);
    if (!outranks(driveRole(state, principalOf(res), file), file.driveId ? 'organizer' : 'owner')) throw insufficientFilePermissions();
    state.transaction(() => {
      const doomed = [id!];
      for (let i = 0; i < doomed.length; i++) {
        for (const child of state.list<DriveFile>(API, 'file', doomed[i]!)) doomed.push(child.id);
      }
      for (const d of doomed) {
        state.delete(API, 'file', d);
        state.delete('docs', 'document', d);
        state.delete('sheets', 'spreadsheet', d);
      }
    });
    return undefined;
  });

  const router = express.Router();
  router.use('/upload', express.raw({ type: () => true, limit: '50mb' }));
  router.use('/drive', express.json({ limit: '5mb' }));
  router.use(routes.handler());
  return router;
}

function sortFiles(files: DriveFile[], orderBy: string): DriveFile[] {
  const keys = orderBy.split(',').map((k) => {
    const [field, dir] = k.trim().split(/\s+/);
    const allowed = ['name', 'createdTime', 'modifiedTime', 'folder', 'starred', 'name_natural'];
    if (!allowed.includes(field!)) throw new GoogleError(400, `Invalid Value: orderBy: "${field}" (supported: ${allowed.join(', ')})`, { reason: 'invalid' });
    return { field: field!, desc: dir?.toLowerCase() === 'desc' };
  });
  return [...files].sort((a, b) => {
    for (const { field, desc } of keys) {
      const av = field === 'folder' ? String(a.mimeType !== FOLDER) : String((a as Record<string, unknown>)[field === 'name_natural' ? 'name' : field] ?? '');
      const bv = field === 'folder' ? String(b.mimeType !== FOLDER) : String((b as Record<string, unknown>)[field === 'name_natural' ? 'name' : field] ?? '');
      const c = av.localeCompare(bv, 'ja');
      if (c) return desc ? -c : c;
    }
    return 0;
  });
}
