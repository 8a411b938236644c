/**
 * Seeded malformed request bodies for the service's two doors: `/v1/jobs` (EnqueueRequest) and
 * `/tasks/run` (TaskPayload). Each is a valid body of some job kind broken one way — a value of
 * the wrong type at any depth, a missing or unknown key (the schemas are strict), a wrong kind,
 * prototype keys (`__proto__`, `constructor`), non-object JSON, truncated or invalid JSON, bad
 * UTF-8, a wrong content type, an empty body, deep nesting, a body over the size limit — and is
 * checked against the shared schema before it is sent: anything the schema would accept is not
 * malformed and is never counted as such.
 */
import { EnqueueRequest, TaskPayload } from '../../shared/api.js';
import type { SeededRandom } from '../chaos/seededRandom.js';

export type MalformedBody = {
  /** What was broken, for the summary's examples. */
  how: string;
  contentType: string | undefined;
  body: string | Buffer;
};

/** A valid request of every kind, to be broken. */
const VALID_JOBS: readonly object[] = [
  { kind: 'system.echo', input: { message: 'hello', steps: 2 }, locale: 'ja' },
  {
    kind: 'project.create',
    input: {
      source: 'gmail',
      client: { name: '株式会社アクメ', email: 'tanaka@acme.example', company: 'Acme' },
      title: 'ポスター',
      due: '2026-12-20',
      amount: 300000,
      request: { subject: '【ご依頼】', from: 'tanaka@acme.example', body: 'お願いします', attachments: [{ name: 'a.pdf', mimeType: 'application/pdf', size: 10 }] },
    },
    reply: { chat: { space: 'spaces/AAAAtasukiTeam' } },
    idempotencyKey: 'gmail:m-1:project',
  },
  { kind: 'billing.document', input: { type: 'invoice', projectNumber: 'P-2026-001', items: [{ description: 'デザイン', quantity: 1, unitPrice: 1000 }], emailDraft: { to: 'a@b.example' } } },
  { kind: 'ledger.summarize', input: { client: 'アクメ', from: '2026-01', to: '2026-12' } },
  { kind: 'ledger.search', input: { words: 'ポスター' } },
  { kind: 'schedule.sync', input: { sheetName: 'Schedule' }, reply: { sheet: { spreadsheetId: 'sheet-schedule', sheetName: 'Schedule', row: 2 } } },
  { kind: 'portal.scrape', input: { portal: 'acme' } },
];

const VALID_TASK = { jobId: 'j-0123456789abcdef0123456789abcdef', generation: 1 };

const WRONG_VALUES: readonly unknown[] = [null, 42, -1, 1.5, true, '', 'x'.repeat(5000), [], [1, 2], {}, { $gt: '' }, '2026-13-45', 'spaces/../../etc', 'P-2026-01\n', '\u0000', 1e21];

type Json = Record<string, unknown> | unknown[];

/** Every path to a value inside `value` (keys of objects, indexes of arrays). */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => paths(v, [...at, k]))];
}

function parentOf(root: Json, path: Array<string | number>): Record<string | number, unknown> {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  return node as Record<string | number, unknown>;
}

/** One structural mutation of a deep copy of `valid`, described. */
function mutate(rnd: SeededRandom, valid: object): { how: string; value: unknown } {
  const root = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  const candidates = paths(root).filter((p) => p.length > 0);
  const path = rnd.pick(candidates);
  const parent = parentOf(root, path);
  const key = path[path.length - 1]!;
  const where = path.join('.');
  switch (rnd.int(0, 5)) {
    case 0: {
      const value = rnd.pick(WRONG_VALUES);
      parent[key] = value;
      return { how: `${where} = ${JSON.stringify(value)?.slice(0, 30)}`, value: root };
    }
    case 1:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return { how: `${where} removed`, value: root };
    case 2: {
      const objects = paths(root).filter((p) => {
        const v = p.length ? parentOf(root, p)[p[p.length - 1]!] : root;
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      const at = rnd.pick(objects);
      const target = (at.length ? parentOf(root, at)[at[at.length - 1]!] : root) as Record<string, unknown>;
      const extra = rnd.pick(['extra', 'isAdmin', 'requestedBy', 'status', 'steps', 'version', '__proto__', 'constructor']);
      // JSON text, so that __proto__ stays an own key (as JSON.parse makes it on the server).
      Object.defineProperty(target, extra, { value: rnd.pick(WRONG_VALUES.slice(0, 5)), enumerable: true, configurable: true, writable: true });
      return { how: `${at.join('.') || '(body)'}.${extra} added`, value: root };
    }
    case 3:
      root.kind = rnd.pick(['system.echo ', 'System.Echo', 'project', 'job.delete', '../project.create', '']);
      return { how: `kind = ${JSON.stringify(root.kind)}`, value: root };
    case 4:
      return { how: 'not an object', value: rnd.pick([[root], 'project.create', 7, null, true]) };
    default: {
      let nested: unknown = 'deep';
      for (let i = 0; i < 2000; i++) nested = [nested];
      parent[key] = nested;
      return { how: `${where} nested 2000 deep`, value: root };
    }
  }
}

/** Byte-level breakage of a valid body's JSON text. */
function rawBreak(rnd: SeededRandom, valid: object, limitBytes: number): MalformedBody {
  const text = JSON.stringify(valid);
  const json = 'application/json';
  switch (rnd.int(0, 6)) {
    case 0:
      return { how: 'truncated JSON', contentType: json, body: text.slice(0, rnd.int(1, text.length - 2)) };
    case 1: {
      const at = rnd.int(0, text.length - 1);
      return { how: 'a stray byte in the JSON', contentType: json, body: `${text.slice(0, at)}${rnd.pick(['}', '{', '"', ',', ':', '\\'])}${text.slice(at)}` };
    }
    case 2:
      return { how: 'invalid UTF-8', contentType: json, body: Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('}')]) };
    case 3:
      return { how: 'JSON sent as text/plain', contentType: rnd.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']), body: text };
    case 4:
      return { how: 'empty body', contentType: rnd.pick([json, undefined]), body: '' };
    case 5:
      return { how: `body over the ${limitBytes}-byte limit`, contentType: json, body: JSON.stringify({ ...valid, pad: 'x'.repeat(limitBytes + 10) }) };
    default:
      return { how: 'JSON with a comment', contentType: json, body: `/* hi */${text}` };
  }
}

/** A stray byte can land inside a string and leave the JSON valid: such a body is not malformed. */
function parsesAndAccepted(body: string | Buffer, accepts: (value: unknown) => boolean): boolean {
  try {
    return accepts(JSON.parse(body.toString()));
  } catch {
    return false;
  }
}

function malformed(rnd: SeededRandom, valid: readonly object[], accepts: (value: unknown) => boolean, limitBytes: number): MalformedBody {
  for (;;) {
    const base = rnd.pick(valid);
    if (rnd.next() < 0.3) {
      const raw = rawBreak(rnd, base, limitBytes);
      if (raw && !(raw.contentType === 'application/json' && parsesAndAccepted(raw.body, accepts))) return raw;
      continue;
    }
    const { how, value } = mutate(rnd, base);
    const body = JSON.stringify(value);
    // Only what the schema refuses counts as malformed (removing an optional key is not).
    if (body !== undefined && !accepts(JSON.parse(body))) return { how, contentType: 'application/json', body };
  }
}

/** Malformed /v1/jobs bodies. */
export function malformedJobBody(rnd: SeededRandom, limitBytes = 100 * 1024): MalformedBody {
  return malformed(rnd, VALID_JOBS, (v) => EnqueueRequest.safeParse(v).success, limitBytes);
}

/** Malformed /tasks/run bodies. */
export function malformedTaskBody(rnd: SeededRandom, limitBytes = 100 * 1024): MalformedBody {
  return malformed(rnd, [VALID_TASK], (v) => TaskPayload.safeParse(v).success, limitBytes);
}
