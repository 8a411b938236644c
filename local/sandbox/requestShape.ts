/**
 * Google-style checking of requests: bodies are parsed with strict zod schemas and the first
 * problem becomes the 400 Google would send, naming the field (`Invalid JSON payload received.
 * Unknown name "colour" at 'message.cardsV2[0].card': Cannot find field.`); query parameters
 * outside a method's list get Google's "Cannot bind query parameter" 400.
 */
import type { Request } from 'express';
import type * as z from 'zod';
import { formatPath } from '../../shared/cardV2.js';
import { badRequest } from './googleError.js';

/** System parameters every Google API accepts (googleapis sends some of them). */
const SYSTEM_PARAMS = ['alt', 'fields', 'prettyPrint', 'quotaUser', 'key', 'uploadType', '$.xgafv', 'access_token', 'callback', 'upload_protocol', 'userIp'];

export function parseBody<T>(schema: z.ZodType<T>, body: unknown, root: string): T {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0 && body.constructor !== Object)) {
    body = {};
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const at = formatPath(issue.path, root);
    throw badRequest(`Invalid JSON payload received. Unknown name "${issue.keys[0]}" at '${at}': Cannot find field.`);
  }
  const at = formatPath(issue.path, root);
  if (issue.code === 'invalid_type') {
    throw badRequest(`Invalid value at '${at}' (${issue.expected}): ${issue.message}`);
  }
  throw badRequest(`Invalid value at '${at}': ${issue.message}`);
}

/** Rejects query parameters the method does not define, like Google's front end does. */
export function checkQuery(req: Request, allowed: readonly string[]): void {
  for (const name of Object.keys(req.query)) {
    if (!allowed.includes(name) && !SYSTEM_PARAMS.includes(name)) {
      throw badRequest(`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`);
    }
  }
}

/** A single-valued query parameter as a string (arrays take the last value, as Google does). */
export function q(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return v === undefined ? undefined : String(v);
}

/** A repeated query parameter (`ranges=A&ranges=B`). */
export function qAll(req: Request, name: string): string[] {
  const v = req.query[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function qBool(req: Request, name: string): boolean | undefined {
  const v = q(req, name);
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`Invalid value at '${name}' (TYPE_BOOL), "${v}"`);
}

export function qInt(req: Request, name: string, min: number, max: number): number | undefined {
  const v = q(req, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`Invalid value at '${name}' (TYPE_INT32), "${v}"`);
  return Math.min(Math.max(n, min), max);
}

/** Opaque page tokens: the offset, base64url-encoded (Google's are opaque too). */
export function pageTokenOffset(token: string | undefined): number {
  if (!token) return 0;
  const n = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, ''));
  if (!Number.isInteger(n) || n < 0) throw badRequest('Invalid page token.');
  return n;
}

export function makePageToken(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

/** Slices a list into a page and the next page token (undefined at the end). */
export function paginate<T>(items: T[], pageToken: string | undefined, pageSize: number): { page: T[]; nextPageToken?: string } {
  const start = pageTokenOffset(pageToken);
  const page = items.slice(start, start + pageSize);
  return start + pageSize < items.length ? { page, nextPageToken: makePageToken(start + pageSize) } : { page };
}
