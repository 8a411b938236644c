/**
 * Partial responses: the `fields` system parameter every Google API accepts
 * (`fields=files(id,name,appProperties),nextPageToken`, `sheets.properties`, `id,webViewLink`).
 * Applied to a JSON response, it keeps only the selected paths; arrays apply the selection to
 * each element. A malformed mask is Google's 400 naming `fields`.
 */
import { badRequest } from './googleError.js';

type Selection = Map<string, Selection | true>;

export function parseFieldMask(mask: string): Selection | true {
  let i = 0;
  const src = mask.replace(/\s+/g, '');
  function list(): Selection {
    const sel: Selection = new Map();
    for (;;) {
      const start = i;
      while (i < src.length && /[A-Za-z0-9_*/.]/.test(src[i]!)) i++;
      const path = src.slice(start, i);
      if (!path) throw badRequest(`Invalid field selection "${mask}": expected a field name at position ${start}.`, 'invalidParameter');
      let leaf: Selection | true = true;
      if (src[i] === '(') {
        i++;
        leaf = list();
        if (src[i] !== ')') throw badRequest(`Invalid field selection "${mask}": missing ")".`, 'invalidParameter');
        i++;
      }
      // a/b and a.b both mean nested selection.
      const parts = path.split(/[/.]/);
      let cur = sel;
      for (let p = 0; p < parts.length - 1; p++) {
        const existing = cur.get(parts[p]!);
        if (existing === true) break;
        const next: Selection = existing ?? new Map();
        cur.set(parts[p]!, next);
        cur = next;
      }
      const last = parts[parts.length - 1]!;
      const prev = cur.get(last);
      if (prev instanceof Map && leaf instanceof Map) for (const [k, v] of leaf) prev.set(k, v);
      else cur.set(last, prev === true ? true : leaf);
      if (src[i] === ',') {
        i++;
        continue;
      }
      return sel;
    }
  }
  if (src === '' || src === '*') return true;
  const sel = list();
  if (i !== src.length) throw badRequest(`Invalid field selection "${mask}": unexpected "${src[i]}".`, 'invalidParameter');
  return sel;
}

export function applyFieldMask(value: unknown, sel: Selection | true): unknown {
  if (sel === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => applyFieldMask(v, sel));
  if (sel.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of sel) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = applyFieldMask(v, sub);
  }
  return out;
}
