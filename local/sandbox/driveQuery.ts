/**
 * Drive v3 search queries (`files.list?q=`), the subset tasuki writes:
 *
 *   '<id>' in parents            name = '…'   name != '…'   name contains '…'
 *   mimeType = '…'   mimeType != '…'   trashed = true|false   starred = true|false
 *   appProperties has { key='k' and value='v' }   properties has { key='k' and value='v' }
 *   modifiedTime > '2026-01-01T00:00:00'  (also <, >=, <=; createdTime too)
 *   combined with and / or / not and parentheses; strings in single quotes with \' and \\ escapes.
 *
 * Anything else is Drive's 400 "Invalid Value" on parameter q, with what was not understood.
 */
import { GoogleError } from './googleError.js';

export type QueryFile = {
  name: string;
  mimeType: string;
  parents?: string[];
  trashed?: boolean;
  starred?: boolean;
  appProperties?: Record<string, string>;
  properties?: Record<string, string>;
  modifiedTime?: string;
  createdTime?: string;
};

type Token = { t: 'str' | 'word' | 'op' | 'punct'; v: string; at: number };

function invalid(q: string, why: string): GoogleError {
  return new GoogleError(400, `Invalid Value: q: ${why} (in: ${q})`, { reason: 'invalid' });
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let v = '';
      const at = i++;
      while (i < q.length && q[i] !== "'") {
        if (q[i] === '\\' && i + 1 < q.length) i++;
        v += q[i++];
      }
      if (q[i] !== "'") throw invalid(q, `unterminated string starting at ${at}`);
      i++;
      out.push({ t: 'str', v, at });
    } else if ('(){}'.includes(c)) {
      out.push({ t: 'punct', v: c, at: i++ });
    } else if (/[=<>!]/.test(c)) {
      const two = q.slice(i, i + 2);
      const v = ['!=', '<=', '>='].includes(two) ? two : c;
      if (v === '!') throw invalid(q, `unexpected "!" at ${i}`);
      out.push({ t: 'op', v, at: i });
      i += v.length;
    } else if (/[A-Za-z0-9_.:-]/.test(c)) {
      const at = i;
      while (i < q.length && /[A-Za-z0-9_.:-]/.test(q[i]!)) i++;
      out.push({ t: 'word', v: q.slice(at, i), at });
    } else {
      throw invalid(q, `unexpected "${c}" at ${i}`);
    }
  }
  return out;
}

type Pred = (f: QueryFile) => boolean;

/** Offsets where a word starts: 0 and after every space, underscore, hyphen, dot or bracket. */
function wordStarts(name: string): number[] {
  const out = [0];
  for (let i = 1; i < name.length; i++) if (/[\s_\-.()[\]【】「」　]/.test(name[i - 1]!)) out.push(i);
  return out;
}

/** Compiles a q string into a predicate over files. */
export function compileDriveQuery(q: string): Pred {
  const toks = tokenize(q);
  let i = 0;
  const peek = () => toks[i];
  const word = (v: string) => peek()?.t === 'word' && peek()!.v.toLowerCase() === v;
  const expect = (t: Token['t'], v?: string): Token => {
    const tok = toks[i];
    if (!tok || tok.t !== t || (v !== undefined && tok.v.toLowerCase() !== v)) {
      throw invalid(q, `expected ${v ?? t} ${tok ? `at ${tok.at}, found "${tok.v}"` : 'at the end'}`);
    }
    i++;
    return tok;
  };

  function orExpr(): Pred {
    let left = andExpr();
    while (word('or')) {
      i++;
      const l = left, r = andExpr();
      left = (f) => l(f) || r(f);
    }
    return left;
  }
  function andExpr(): Pred {
    let left = notExpr();
    while (word('and')) {
      i++;
      const l = left, r = notExpr();
      left = (f) => l(f) && r(f);
    }
    return left;
  }
  function notExpr(): Pred {
    if (word('not')) {
      i++;
      const inner = notExpr();
      return (f) => !inner(f);
    }
    if (peek()?.t === 'punct' && peek()!.v === '(') {
      i++;
      const inner = orExpr();
      expect('punct', ')');
      return inner;
    }
    return term();
  }
  function bool(): boolean {
    const tok = expect('word');
    if (tok.v === 'true') return true;
    if (tok.v === 'false') return false;
    throw invalid(q, `expected true or false at ${tok.at}`);
  }
  function hasClause(field: 'appProperties' | 'properties'): Pred {
    expect('word', 'has');
    expect('punct', '{');
    expect('word', 'key');
    expect('op', '=');
    const key = expect('str').v;
    expect('word', 'and');
    expect('word', 'value');
    expect('op', '=');
    const value = expect('str').v;
    expect('punct', '}');
    return (f) => f[field]?.[key] === value;
  }
  function term(): Pred {
    const tok = peek();
    if (!tok) throw invalid(q, 'the query ends where a term was expected');
    if (tok.t === 'str') {
      i++;
      expect('word', 'in');
      const coll = expect('word').v;
      if (coll !== 'parents') throw invalid(q, `"in ${coll}" is not supported; only '<id>' in parents`);
      return (f) => (f.parents ?? []).includes(tok.v);
    }
    const field = expect('word').v;
    switch (field) {
      case 'name':
      case 'mimeType': {
        const op = peek();
        if (op?.t === 'word' && op.v === 'contains') {
          i++;
          const v = expect('str').v;
          if (field === 'mimeType') return (f) => f.mimeType.includes(v);
          // Drive's `name contains` matches prefixes only ('Hello' finds HelloWorld, 'World' does
          // not); here a prefix of the name or of any word in it, so a job relying on substring
          // matching fails locally as it would on Google.
          return (f) => wordStarts(f.name).some((i) => f.name.slice(i).toLowerCase().startsWith(v.toLowerCase()));
        }
        const o = expect('op').v;
        const v = expect('str').v;
        if (o === '=') return (f) => f[field] === v;
        if (o === '!=') return (f) => f[field] !== v;
        throw invalid(q, `operator ${o} is not supported for ${field}`);
      }
      case 'trashed':
      case 'starred': {
        const o = expect('op').v;
        const v = bool();
        if (o === '=') return (f) => (f[field] ?? false) === v;
        if (o === '!=') return (f) => (f[field] ?? false) !== v;
        throw invalid(q, `operator ${o} is not supported for ${field}`);
      }
      case 'appProperties':
      case 'properties':
        return hasClause(field);
      case 'modifiedTime':
      case 'createdTime': {
        const o = expect('op').v;
        const t = Date.parse(expect('str').v);
        if (Number.isNaN(t)) throw invalid(q, `${field} needs an RFC 3339 time`);
        return (f) => {
          const x = Date.parse(f[field] ?? '');
          return o === '>' ? x > t : o === '<' ? x < t : o === '>=' ? x >= t : o === '<=' ? x <= t : o === '=' ? x === t : x !== t;
        };
      }
      default:
        throw invalid(q, `the field "${field}" is not supported by the sandbox`);
    }
  }

  const pred = orExpr();
  if (i !== toks.length) throw invalid(q, `unexpected "${toks[i]!.v}" at ${toks[i]!.at}`);
  return pred;
}
