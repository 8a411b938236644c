/**
 * The small Apps Script services for the shim: Session, ScriptApp, PropertiesService,
 * CacheService, Utilities, Logger/console, HtmlService. State (properties, caches) lives in the
 * shim instance, per user where Apps Script keeps it per user.
 */
/// <reference types="google-apps-script" />
import { createHash, randomUUID } from 'node:crypto';
import { signedBytes } from './blob.js';
import type { SubsetOf } from './cardService.js';

/** Who is running the add-on right now, set by the worker before each call. */
export type CallContext = { user: string; locale: string; timeZone: string };

export class PropertiesShim {
  constructor(private readonly map: Map<string, string>) {}
  getProperty(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setProperty(key: string, value: string): this {
    this.map.set(key, String(value));
    return this;
  }
  deleteProperty(key: string): this {
    this.map.delete(key);
    return this;
  }
  getProperties(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
  setProperties(props: Record<string, string>, deleteAllOthers?: boolean): this {
    if (deleteAllOthers) this.map.clear();
    for (const [k, v] of Object.entries(props)) this.map.set(k, String(v));
    return this;
  }
  getKeys(): string[] {
    return [...this.map.keys()];
  }
  deleteAllProperties(): this {
    this.map.clear();
    return this;
  }
}

export class CacheShim {
  private readonly entries = new Map<string, { value: string; until: number }>();
  get(key: string): string | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (Date.now() > e.until) {
      this.entries.delete(key);
      return null;
    }
    return e.value;
  }
  put(key: string, value: string, expirationInSeconds = 600): void {
    this.entries.set(key, { value: String(value), until: Date.now() + Math.min(expirationInSeconds, 21600) * 1000 });
  }
  remove(key: string): void {
    this.entries.delete(key);
  }
  getAll(keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of keys) {
      const v = this.get(k);
      if (v !== null) out[k] = v;
    }
    return out;
  }
  putAll(values: Record<string, string>, expirationInSeconds?: number): void {
    for (const [k, v] of Object.entries(values)) this.put(k, v, expirationInSeconds);
  }
  removeAll(keys: string[]): void {
    for (const k of keys) this.entries.delete(k);
  }
}

function perUser<T>(make: () => T): (user: string) => T {
  const byUser = new Map<string, T>();
  return (user) => {
    let v = byUser.get(user);
    if (!v) byUser.set(user, (v = make()));
    return v;
  };
}

export function createPropertiesService(ctx: () => CallContext, scriptProps: Map<string, string>) {
  const script = new PropertiesShim(scriptProps);
  const user = perUser(() => new PropertiesShim(new Map()));
  const doc = new PropertiesShim(new Map());
  return {
    getScriptProperties: () => script,
    getUserProperties: () => user(ctx().user),
    getDocumentProperties: () => doc,
  };
}

export function createCacheService(ctx: () => CallContext) {
  const script = new CacheShim();
  const doc = new CacheShim();
  const user = perUser(() => new CacheShim());
  return { getScriptCache: () => script, getUserCache: () => user(ctx().user), getDocumentCache: () => doc };
}

export function createSession(ctx: () => CallContext) {
  const userOf = () => ({ getEmail: () => ctx().user });
  return {
    getActiveUser: userOf,
    getEffectiveUser: userOf,
    getActiveUserLocale: () => ctx().locale,
    getScriptTimeZone: () => ctx().timeZone,
    getTemporaryActiveUserKey: () => createHash('sha256').update(ctx().user).digest('hex').slice(0, 32),
  };
}

export function createScriptApp(tokens: { identity: () => string; oauth: () => string }) {
  return {
    getIdentityToken: () => tokens.identity(),
    getOAuthToken: () => tokens.oauth(),
    AuthMode: { NONE: 'NONE', CUSTOM_FUNCTION: 'CUSTOM_FUNCTION', LIMITED: 'LIMITED', FULL: 'FULL' },
  };
}

/** Java-style signed bytes, as Apps Script's Utilities return them. */

function toBuffer(data: string | number[]): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.map((b) => (b + 256) % 256));
}

const DIGESTS: Record<string, string> = { MD2: 'md2', MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };

/** Apps Script's SimpleDateFormat subset: yyyy MM dd HH mm ss, literal text in quotes. */
function formatDate(date: Date, timeZone: string, pattern: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return pattern.replace(/'([^']*)'|yyyy|MM|dd|HH|mm|ss/g, (token, literal: string | undefined) => {
    if (literal !== undefined) return literal;
    return { yyyy: parts.year, MM: parts.month, dd: parts.day, HH: parts.hour, mm: parts.minute, ss: parts.second }[token] ?? token;
  });
}

export function createUtilities() {
  return {
    formatDate,
    computeDigest: (algorithm: string, value: string | number[]) => {
      const alg = DIGESTS[String(algorithm)];
      if (!alg) throw new Error(`Utilities.computeDigest: unknown algorithm ${String(algorithm)}`);
      return signedBytes(createHash(alg).update(toBuffer(value)).digest());
    },
    base64Encode: (data: string | number[]) => toBuffer(data).toString('base64'),
    base64EncodeWebSafe: (data: string | number[]) => toBuffer(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
    base64Decode: (encoded: string) => signedBytes(Buffer.from(encoded, 'base64')),
    base64DecodeWebSafe: (encoded: string) => signedBytes(Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64')),
    getUuid: () => randomUUID(),
    DigestAlgorithm: Object.fromEntries(Object.keys(DIGESTS).map((k) => [k, k])),
    Charset: { UTF_8: 'UTF_8', US_ASCII: 'US_ASCII' },
  };
}

export class HtmlOutputShim {
  private title = '';
  private width = 0;
  private height = 0;
  constructor(private content: string) {}
  setWidth(width: number): this {
    this.width = width;
    return this;
  }
  setHeight(height: number): this {
    this.height = height;
    return this;
  }
  setTitle(title: string): this {
    this.title = title;
    return this;
  }
  getTitle(): string {
    return this.title;
  }
  getWidth(): number {
    return this.width;
  }
  getHeight(): number {
    return this.height;
  }
  getContent(): string {
    return this.content;
  }
  append(html: string): this {
    this.content += html;
    return this;
  }
}

export function createHtmlService() {
  return { createHtmlOutput: (html = '') => new HtmlOutputShim(String(html)) };
}

export function createLogger(sink: (line: string) => void) {
  const logger = {
    log(format: unknown, ...values: unknown[]) {
      sink(values.length ? `${String(format)} ${values.map((v) => JSON.stringify(v)).join(' ')}` : String(format));
      return logger;
    },
  };
  const consoleShim = {
    log: (...a: unknown[]) => sink(a.map(String).join(' ')),
    info: (...a: unknown[]) => sink(a.map(String).join(' ')),
    warn: (...a: unknown[]) => sink(`WARN ${a.map(String).join(' ')}`),
    error: (...a: unknown[]) => sink(`ERROR ${a.map(String).join(' ')}`),
  };
  return { Logger: logger, console: consoleShim };
}

const checks: [
  SubsetOf<GoogleAppsScript.Properties.Properties, PropertiesShim>,
  SubsetOf<GoogleAppsScript.Properties.PropertiesService, ReturnType<typeof createPropertiesService>>,
  SubsetOf<GoogleAppsScript.Cache.Cache, CacheShim>,
  SubsetOf<GoogleAppsScript.Cache.CacheService, ReturnType<typeof createCacheService>>,
  SubsetOf<GoogleAppsScript.Base.Session, ReturnType<typeof createSession>>,
  SubsetOf<GoogleAppsScript.Script.ScriptApp, ReturnType<typeof createScriptApp>>,
  SubsetOf<GoogleAppsScript.Utilities.Utilities, ReturnType<typeof createUtilities>>,
  SubsetOf<GoogleAppsScript.HTML.HtmlOutput, HtmlOutputShim>,
  SubsetOf<GoogleAppsScript.HTML.HtmlService, ReturnType<typeof createHtmlService>>,
  SubsetOf<GoogleAppsScript.Base.Logger, ReturnType<typeof createLogger>['Logger']>,
] = [true, true, true, true, true, true, true, true, true, true];
void checks;
