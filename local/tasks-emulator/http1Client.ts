/**
 * The HTTP/1.1 client the dispatcher delivers tasks with: one request per connection at a time,
 * connections kept alive and reused per origin (at most `maxSocketsPerOrigin` open, further
 * requests wait their turn), the response head parsed and its body read and discarded
 * (Content-Length, chunked, or until the server closes).
 *
 * Why not node:http: with a keep-alive Agent it cost ~0.15 ms of CPU per request on this
 * machine against ~0.05 ms here, and delivery is most of what the emulator does (issue 15: the
 * emulator must cost under 0.5 ms per task). The wire format is the same: the request head is
 * written as node:http writes it (latin1, the caller's header names as given, `Host` from the
 * URL, `Connection: keep-alive`, Content-Length for a body and for POST/PUT/PATCH), and header
 * values node:http would refuse are refused here too.
 *
 * Idle connections do not keep the process alive, and are closed one second before the
 * server's `Keep-Alive: timeout=N` hint (or after 4 s without one) so a request is not written
 * into a connection the server is closing. Hop-by-hop headers of the caller (Connection,
 * Keep-Alive, Transfer-Encoding) are not sent: the client owns the framing.
 *
 * request() calls back exactly once, unless the returned cancel function is called first
 * (then never); cancel closes the connection.
 */
import net from 'node:net';
import tls from 'node:tls';

export type Http1Request = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
};

/** Status and headers (names lower-cased, the first value of a repeated header). */
export type Http1Response = { status: number; headers: Record<string, string> };

export type Http1Callback = (err: Error | undefined, res?: Http1Response) => void;

type Target = { key: string; secure: boolean; host: string; port: number; hostHeader: string; path: string };

const MAX_HEAD_BYTES = 64 * 1024;
const DEFAULT_IDLE_MS = 4000;
/** Header values node:http refuses (ERR_INVALID_CHAR): controls other than tab, and DEL. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Parsed URLs by text: tasks of one queue share a handful of URLs. */
const targets = new Map<string, Target>();

function targetOf(url: string): Target {
  let t = targets.get(url);
  if (t) return t;
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  if (!secure && u.protocol !== 'http:') throw new Error(`unsupported protocol ${u.protocol}`);
  const port = u.port ? Number(u.port) : secure ? 443 : 80;
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  t = { key: `${u.protocol}//${u.host}`, secure, host, port, hostHeader: u.host, path: `${u.pathname}${u.search}` || '/' };
  if (targets.size >= 1000) targets.clear();
  targets.set(url, t);
  return t;
}

function requestHead(t: Target, r: Http1Request): string {
  let head = `${r.method} ${t.path} HTTP/1.1\r\nHost: ${t.hostHeader}\r\n`;
  for (const name in r.headers) {
    const value = r.headers[name]!;
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'content-length' || HOP_BY_HOP.has(lower)) continue;
    if (INVALID_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
    head += `${name}: ${value}\r\n`;
  }
  if (r.body || BODY_METHODS.has(r.method)) head += `Content-Length: ${r.body?.length ?? 0}\r\n`;
  return `${head}Connection: keep-alive\r\n\r\n`;
}

/** Head and body in one buffer: one write, one syscall. */
function requestBytes(head: string, body: Buffer | null): Buffer {
  const buf = Buffer.allocUnsafe(head.length + (body?.length ?? 0));
  buf.write(head, 0, 'latin1');
  body?.copy(buf, head.length);
  return buf;
}

export class Http1Client {
  private readonly origins = new Map<string, Origin>();
  private closed = false;

  constructor(private readonly maxSocketsPerOrigin = 256) {}

  request(r: Http1Request, cb: Http1Callback): () => void {
    let ex: Exchange;
    try {
      if (this.closed) throw new Error('client closed');
      const t = targetOf(r.url);
      ex = new Exchange(r.method, requestBytes(requestHead(t, r), r.body), cb);
      let origin = this.origins.get(t.key);
      if (!origin) {
        origin = new Origin(t, this.maxSocketsPerOrigin);
        this.origins.set(t.key, origin);
      }
      origin.submit(ex);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      queueMicrotask(() => cb(e));
      return () => {};
    }
    return () => ex.cancel();
  }

  /** Closes every connection; requests in progress fail. */
  close(): void {
    this.closed = true;
    for (const o of this.origins.values()) o.close();
    this.origins.clear();
  }
}

class Origin {
  private readonly idle: Conn[] = [];
  private readonly waiting: Exchange[] = [];
  /** Connections open or opening, idle or not. */
  private open = 0;

  constructor(
    readonly target: Target,
    private readonly max: number,
  ) {}

  submit(ex: Exchange): void {
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      if (conn.usable()) return conn.start(ex);
      conn.destroy();
    }
    if (this.open < this.max) {
      this.open += 1;
      return new Conn(this).start(ex);
    }
    ex.origin = this;
    this.waiting.push(ex);
  }

  /** A waiting request gave up before it got a connection. */
  withdraw(ex: Exchange): void {
    const i = this.waiting.indexOf(ex);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  /** The connection finished a request and can take another. */
  release(conn: Conn, idleMs: number): void {
    const next = this.waiting.shift();
    if (next) return conn.start(next);
    conn.park(idleMs);
    this.idle.push(conn);
  }

  /** The connection closed (for whatever reason). */
  closed(conn: Conn): void {
    this.open -= 1;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.waiting.shift();
    if (next) this.submit(next);
  }

  close(): void {
    for (const ex of this.waiting.splice(0)) ex.fail(new Error('client closed'));
    for (const conn of this.idle.splice(0)) conn.destroy();
  }
}

class Conn {
  private readonly socket: net.Socket;
  private exchange: Exchange | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private error: Error | undefined;
  private ended = false;

  constructor(private readonly origin: Origin) {
    const t = origin.target;
    this.socket = t.secure
      ? tls.connect({ host: t.host, port: t.port, servername: net.isIP(t.host) ? undefined : t.host, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host: t.host, port: t.port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      if (this.exchange) this.exchange.onData(chunk);
      else this.destroy(); // bytes nobody asked for: the connection is out of step
    });
    this.socket.on('end', () => {
      this.ended = true;
      this.socket.end();
    });
    this.socket.on('error', (err) => (this.error = err));
    this.socket.on('close', () => {
      clearTimeout(this.idleTimer);
      const ex = this.exchange;
      this.exchange = undefined;
      this.origin.closed(this);
      ex?.onClose(this.error);
    });
  }

  usable(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  start(ex: Exchange): void {
    clearTimeout(this.idleTimer);
    this.socket.ref();
    this.exchange = ex;
    ex.conn = this;
    ex.origin = undefined;
    this.socket.write(ex.bytes);
  }

  /**
   * The exchange is over; `reusable` when the response ended cleanly and keep-alive holds. A
   * server may answer before it read the whole request: then the rest of it is still being
   * written, and the connection is not reused.
   */
  done(reusable: boolean, idleMs: number): void {
    this.exchange = undefined;
    if (reusable && this.usable() && this.socket.writableLength === 0) this.origin.release(this, idleMs);
    else this.destroy();
  }

  park(idleMs: number): void {
    this.socket.unref();
    this.idleTimer = setTimeout(() => this.destroy(), idleMs);
    this.idleTimer.unref();
  }

  destroy(): void {
    this.exchange = undefined;
    this.socket.destroy();
  }
}

const enum Body {
  None,
  Length,
  Chunked,
  UntilClose,
}

const enum Chunk {
  Size,
  Data,
  DataEnd,
  Trailer,
}

/** One request and its response on a connection. */
class Exchange {
  conn: Conn | undefined;
  /** Set while the request waits for a connection. */
  origin: Origin | undefined;
  private settled = false;
  private head_: Buffer | undefined;
  private response: Http1Response | undefined;
  private mode = Body.None;
  private left = 0;
  private chunkState = Chunk.Size;
  private line = '';
  private keepAlive = false;
  private idleMs = DEFAULT_IDLE_MS;

  constructor(
    private readonly method: string,
    /** The whole request as written. */
    readonly bytes: Buffer,
    private readonly cb: Http1Callback,
  ) {}

  cancel(): void {
    if (this.settled) return;
    this.settled = true;
    this.origin?.withdraw(this);
    this.conn?.destroy();
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.conn?.destroy();
    this.cb(err);
  }

  onClose(err: Error | undefined): void {
    if (this.response && this.mode === Body.UntilClose && !err) return this.complete(false);
    this.fail(err ?? new Error('socket hang up'));
  }

  onData(chunk: Buffer): void {
    if (this.settled) return;
    if (this.response) return this.onBody(chunk, 0);
    const buf = this.head_ ? Buffer.concat([this.head_, chunk]) : chunk;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > MAX_HEAD_BYTES) return this.fail(new Error('Parse Error: Header overflow'));
      this.head_ = buf;
      return;
    }
    this.head_ = undefined;
    if (!this.parseHead(buf.toString('latin1', 0, end))) return;
    if (!this.response) return this.onData(buf.subarray(end + 4)); // an informational (1xx) response
    if (this.mode === Body.None || (this.mode === Body.Length && this.left === 0)) return this.complete(buf.length === end + 4);
    if (buf.length > end + 4) this.onBody(buf, end + 4);
  }

  /** Reads the status line and headers; false if it failed the exchange. */
  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!m) {
      this.fail(new Error('Parse Error: Invalid response status'));
      return false;
    }
    const status = Number(m[2]);
    if (status >= 100 && status < 200 && status !== 101) return true;
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
    }
    const connection = headers['connection']?.toLowerCase() ?? '';
    this.keepAlive = m[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    const hint = /timeout=(\d+)/i.exec(headers['keep-alive'] ?? '');
    if (hint) this.idleMs = Math.max(0, Number(hint[1]) * 1000 - 1000);
    if (this.method === 'HEAD' || status === 204 || status === 304) this.mode = Body.None;
    else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) this.mode = Body.Chunked;
    else if (headers['content-length'] !== undefined) {
      if (!/^\d+$/.test(headers['content-length'])) {
        this.fail(new Error('Parse Error: Invalid Content-Length'));
        return false;
      }
      this.mode = Body.Length;
      this.left = Number(headers['content-length']);
    } else {
      this.mode = Body.UntilClose;
      this.keepAlive = false;
    }
    this.response = { status, headers };
    return true;
  }

  private onBody(buf: Buffer, from: number): void {
    if (this.mode === Body.UntilClose) return;
    if (this.mode === Body.Length) {
      this.left -= buf.length - from;
      if (this.left <= 0) this.complete(this.left === 0);
      return;
    }
    let i = from;
    while (i < buf.length && !this.settled) {
      if (this.chunkState === Chunk.Data) {
        const n = Math.min(this.left, buf.length - i);
        i += n;
        this.left -= n;
        if (this.left === 0) this.chunkState = Chunk.DataEnd;
        continue;
      }
      const nl = buf.indexOf(10, i);
      if (nl < 0) {
        this.line += buf.toString('latin1', i);
        if (this.line.length > 4096) this.fail(new Error('Parse Error: chunk line too long'));
        return;
      }
      const line = (this.line + buf.toString('latin1', i, nl)).replace(/\r$/, '');
      this.line = '';
      i = nl + 1;
      if (this.chunkState === Chunk.Size) {
        const size = /^([0-9a-fA-F]+)\s*(;.*)?$/.exec(line);
        if (!size) return this.fail(new Error('Parse Error: Invalid chunk size'));
        this.left = parseInt(size[1]!, 16);
        this.chunkState = this.left === 0 ? Chunk.Trailer : Chunk.Data;
      } else if (this.chunkState === Chunk.DataEnd) {
        if (line !== '') return this.fail(new Error('Parse Error: Invalid chunk end'));
        this.chunkState = Chunk.Size;
      } else if (line === '') {
        return this.complete(i === buf.length);
      }
    }
  }

  /** The response ended; `clean` when nothing followed it on the connection. */
  private complete(clean: boolean): void {
    if (this.settled) return;
    this.settled = true;
    const conn = this.conn!;
    this.conn = undefined;
    conn.done(clean && this.keepAlive, this.idleMs);
    this.cb(undefined, this.response);
  }
}
