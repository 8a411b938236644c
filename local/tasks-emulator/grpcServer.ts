/**
 * The gRPC transport of the emulator: google.cloud.tasks.v2.CloudTasks served over HTTP/2
 * (node:http2, cleartext with prior knowledge, as the insecure CloudTasksClient connects), each
 * RPC mapped to CloudTasksApi. An ApiError becomes the call's status with its message; anything
 * else is logged and answered INTERNAL. A call is answered once its writes are committed (the
 * state store commits each event-loop turn's writes together). The IAM RPCs, and any other
 * method, are answered UNIMPLEMENTED.
 *
 * Why not @grpc/grpc-js's Server: every RPC here is unary, and its per-call machinery
 * (interceptor chain, channelz, metadata objects, stream decoders) was the largest part of the
 * emulator's CPU per CreateTask (issue 15). This speaks the same wire protocol
 * (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md) with the messages encoded and
 * decoded by the very functions grpc-js would use (the proto-loader service definition): response
 * headers `content-type: application/grpc+proto`, length-prefixed messages (gzip or deflate
 * compressed ones accepted), `grpc-status` / `grpc-message` (encodeURI'd, as grpc-js does) in
 * trailers, or in a trailers-only response for an error, requests over 4 MB refused with
 * RESOURCE_EXHAUSTED as grpc-js's default limit does.
 */
import { status } from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/grpc-js';
import http2 from 'node:http2';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { Logger } from '../../service/logger.js';
import { ApiError } from './apiError.js';
import type { CloudTasksApi } from './cloudTasksApi.js';
import { loadCloudTasksService } from './cloudTasksProto.js';

type Handler = (req: never) => unknown;

/** Calls back once the writes made so far are committed (StateStore.whenDurable). */
export type WhenDurable = (cb: (err?: Error) => void) => void;

export type GrpcServer = {
  /** Not listening: listener.ts hands it the connections that open with the HTTP/2 preface. */
  server: http2.Http2Server;
  /** Closes its sessions, letting calls under way finish for up to `graceMs`, then cuts them. */
  closeSessions(graceMs: number): Promise<void>;
};

/** grpc-js's default limit on a received message. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const RESPONSE_HEADERS = {
  ':status': 200,
  'content-type': 'application/grpc+proto',
  'grpc-accept-encoding': 'identity,deflate,gzip',
  'grpc-encoding': 'identity',
};
const OK_TRAILERS = { 'grpc-status': String(status.OK), 'grpc-message': 'OK' };

type Method = { name: string; fn: Handler; decode: (b: Buffer) => unknown; encode: (v: unknown) => Buffer };
type Outcome = { ok: true; response: unknown } | { ok: false; code: number; details: string };

export function createGrpcServer(api: CloudTasksApi, whenDurable: WhenDurable, logger: Logger): GrpcServer {
  // Each RPC is served by the CloudTasksApi method of the same name (CreateTask → createTask);
  // the ones it has no method for (the IAM RPCs) are left UNIMPLEMENTED.
  const methods = new Map<string, Method>();
  const service: ServiceDefinition = loadCloudTasksService();
  for (const [name, def] of Object.entries(service)) {
    const key = name.charAt(0).toLowerCase() + name.slice(1);
    const own = (api as unknown as Record<string, unknown>)[key];
    if (typeof own !== 'function') continue;
    const fn: Handler = (r) => (own as (r: unknown) => unknown).call(api, r);
    methods.set(def.path, { name, fn, decode: def.requestDeserialize, encode: def.responseSerialize as (v: unknown) => Buffer });
  }

  /** Runs the RPC; calls back once its writes are committed. */
  const call = (m: Method, payload: Buffer, done: (o: Outcome) => void) => {
    let request: unknown;
    try {
      request = m.decode(payload);
    } catch (err) {
      return done({ ok: false, code: status.INTERNAL, details: `Error deserializing request: ${err instanceof Error ? err.message : String(err)}` });
    }
    let response: unknown;
    try {
      response = m.fn(request as never);
    } catch (err) {
      if (err instanceof ApiError) {
        logger.debug({ method: m.name, code: err.code, message: err.message }, 'tasks-emulator: request rejected');
        return done({ ok: false, code: err.code, details: err.message });
      }
      logger.error({ err, method: m.name }, 'tasks-emulator: internal error');
      return done({ ok: false, code: status.INTERNAL, details: `emulator error in ${m.name}: ${err instanceof Error ? err.message : String(err)}` });
    }
    // Answer only what is committed: an acknowledged CreateTask must survive a crash.
    whenDurable((err) => {
      if (!err) return done({ ok: true, response });
      logger.error({ err, method: m.name }, 'tasks-emulator: could not commit');
      done({ ok: false, code: status.UNAVAILABLE, details: `emulator could not save the result of ${m.name}: ${err.message}` });
    });
  };

  const reply = (stream: http2.ServerHttp2Stream, m: Method | undefined, o: Outcome) => {
    if (stream.closed || stream.destroyed) return; // the client gave up on the call
    if (o.ok) {
      let message: Buffer;
      try {
        message = m!.encode(o.response);
      } catch (err) {
        return reply(stream, m, { ok: false, code: status.INTERNAL, details: `Error serializing response: ${err instanceof Error ? err.message : String(err)}` });
      }
      const frame = Buffer.allocUnsafe(5 + message.length);
      frame[0] = 0;
      frame.writeUInt32BE(message.length, 1);
      message.copy(frame, 5);
      stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers(OK_TRAILERS));
      stream.end(frame);
    } else {
      stream.respond({ ...RESPONSE_HEADERS, 'grpc-status': String(o.code), 'grpc-message': encodeURI(o.details) }, { endStream: true });
    }
  };

  const onStream = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    stream.on('error', () => {}); // a reset by the client; nothing to answer
    const contentType = headers['content-type'];
    if (headers[':method'] !== 'POST' || typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
      stream.respond({ ':status': 415 }, { endStream: true });
      return;
    }
    const path = headers[':path'] ?? '';
    const m = methods.get(path);
    const encoding = headers['grpc-encoding'];
    let chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_MESSAGE_BYTES + 5) chunks.push(chunk);
      else chunks = [];
    });
    stream.on('end', () => {
      if (!m) return reply(stream, m, { ok: false, code: status.UNIMPLEMENTED, details: `The server does not implement the method ${path}` });
      if (size > MAX_MESSAGE_BYTES + 5) {
        return reply(stream, m, { ok: false, code: status.RESOURCE_EXHAUSTED, details: `Received message larger than max (${size - 5} vs. ${MAX_MESSAGE_BYTES})` });
      }
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (buf.length < 5 || buf.readUInt32BE(1) !== buf.length - 5) {
        return reply(stream, m, { ok: false, code: status.INTERNAL, details: `${m.name} expects exactly one request message` });
      }
      let payload = buf.subarray(5);
      if (buf[0] === 1) {
        try {
          if (encoding === 'gzip') payload = gunzipSync(payload);
          else if (encoding === 'deflate') payload = inflateSync(payload);
          else throw new Error(`compressed message with grpc-encoding "${String(encoding ?? 'identity')}"`);
        } catch (err) {
          return reply(stream, m, { ok: false, code: status.INTERNAL, details: `Cannot decompress the request: ${err instanceof Error ? err.message : String(err)}` });
        }
      }
      call(m, payload, (o) => reply(stream, m, o));
    });
  };

  const server = http2.createServer({ maxSessionMemory: Number.MAX_SAFE_INTEGER, maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('error', () => {});
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', onStream);
  server.on('error', (err) => logger.error({ err }, 'tasks-emulator: gRPC server error'));

  return {
    server,
    async closeSessions(graceMs) {
      const closed = Promise.all([...sessions].map((s) => new Promise<void>((r) => (s.closed ? r() : s.once('close', () => r())))));
      for (const s of sessions) s.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      for (const s of sessions) s.destroy();
    },
  };
}
