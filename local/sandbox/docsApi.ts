/**
 * Google Docs API v1, the subset tasuki uses, mounted at `<sandbox>/docs/` (client paths `v1/…`):
 *
 *   GET  v1/documents/{id}              documents.get (body.content with Google's indexes)
 *   POST v1/documents/{id}:batchUpdate  documents.batchUpdate: replaceAllText, insertText,
 *                                       deleteContentRange, insertTableRow, deleteTableRow
 *   POST v1/documents                   documents.create (title only, as Google)
 *
 * Documents are also created by Drive (files.create with the Docs mimeType, files.copy of a Doc)
 * and share its ids. A batchUpdate applies all requests or none; `writeControl.requiredRevisionId`
 * is honoured (a stale revision is Google's 400).
 */
import express, { type Request, type Response, type Router } from 'express';
import * as z from 'zod';
import type { Principal } from './auth.js';
import { applyDocRequest, normalizeBlocks, toDocsJson, type StoredDocument } from './docsModel.js';
import { GOOGLE_DOC, makeDriveFile } from './driveApi.js';
import { applyFieldMask, parseFieldMask } from './fieldMask.js';
import { badRequest, notFound } from './googleError.js';
import { checkQuery, parseBody, q } from './requestShape.js';
import { Routes } from './routes.js';
import type { SandboxState } from './sandboxState.js';

const API = 'docs';

const BatchUpdate = z.strictObject({
  requests: z.array(z.record(z.string(), z.record(z.string(), z.unknown()))).optional(),
  writeControl: z.strictObject({ requiredRevisionId: z.string().optional(), targetRevisionId: z.string().optional() }).optional(),
});
const CreateBody = z.strictObject({ title: z.string().optional(), documentId: z.string().optional(), body: z.unknown().optional() });

export function docsRouter(opts: { state: SandboxState }): Router {
  const { state } = opts;
  const routes = new Routes();

  const load = (id: string) => {
    const doc = state.get<StoredDocument>(API, 'document', id);
    if (!doc) throw notFound(`Requested entity was not found. (document ${id})`);
    return doc;
  };

  routes.on('GET', /^\/v1\/documents\/([^/:]+)$/, (req: Request, _res, [id]) => {
    checkQuery(req, ['suggestionsViewMode', 'includeTabsContent']);
    const out = toDocsJson(load(id!));
    const fields = q(req, 'fields');
    return fields ? applyFieldMask(out, parseFieldMask(fields)) : out;
  });

  routes.on('POST', /^\/v1\/documents$/, (req: Request, res: Response) => {
    checkQuery(req, []);
    const body = parseBody(CreateBody, req.body, 'document');
    if (body.body !== undefined || body.documentId !== undefined) throw badRequest('documents.create uses only the title; other fields are ignored by Google and refused here.');
    const p = res.locals.principal as Principal;
    const file = makeDriveFile({ name: body.title ?? 'Untitled document', mimeType: GOOGLE_DOC, owner: p.email });
    const doc: StoredDocument = { documentId: file.id, title: file.name, revision: 1, blocks: normalizeBlocks([]) };
    state.transaction(() => {
      state.put('drive', 'file', file.id, file, '');
      state.put(API, 'document', doc.documentId, doc);
    });
    return toDocsJson(doc);
  });

  routes.on('POST', /^\/v1\/documents\/([^/:]+):batchUpdate$/, (req: Request, _res, [id]) => {
    checkQuery(req, []);
    const body = parseBody(BatchUpdate, req.body, 'batch_update_document_request');
    const doc = load(id!);
    const required = body.writeControl?.requiredRevisionId;
    if (required && required !== `rev-${doc.revision}`) {
      throw badRequest(`The required revision ID ${required} does not match the latest revision rev-${doc.revision}.`);
    }
    const working: StoredDocument = structuredClone(doc);
    const replies = (body.requests ?? []).map((r, i) => applyDocRequest(working, r, String(i)));
    working.blocks = normalizeBlocks(working.blocks);
    working.revision = doc.revision + 1;
    state.put(API, 'document', working.documentId, working);
    return { documentId: working.documentId, replies, writeControl: { requiredRevisionId: `rev-${working.revision}` } };
  });

  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));
  router.use(routes.handler());
  return router;
}
