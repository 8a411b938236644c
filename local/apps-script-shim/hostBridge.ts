/**
 * How synchronous Apps Script calls (UrlFetchApp.fetch, ScriptApp.getIdentityToken, GmailApp…)
 * reach asynchronous Node work. The add-on runs in a worker thread; a blocking call posts a
 * request to the main thread and waits on a SharedArrayBuffer with Atomics.wait; the main thread
 * does the async work (HTTP, token minting), posts the answer on a dedicated MessagePort and
 * wakes the worker with Atomics.notify; the worker takes the answer with receiveMessageOnPort.
 *
 * The main thread is never blocked, so a service running in the same process (tests, the local
 * stack) keeps answering while the add-on waits for it.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export type FetchRequest = { url: string; method: string; headers: Record<string, string>; body?: string | Uint8Array; followRedirects: boolean };
export type FetchResponse = { status: number; headers: Record<string, string>; body: string };

/** Operations the main thread performs for the add-on. */
export type HostOps = {
  fetch(req: FetchRequest): Promise<FetchResponse>;
  /** ID token as ScriptApp.getIdentityToken() (aud = script client id). */
  identityToken(args: { user: string }): Promise<string>;
  /** An access token for the sandbox's Google APIs, acting as `user`. */
  sandboxToken(args: { user: string }): Promise<string>;
};

export type HostRequest = { type: 'host'; op: keyof HostOps; args: unknown };
type HostReply = { ok: true; value: unknown } | { ok: false; error: string };

/** Default wait for one host call: Apps Script's UrlFetch gives up after about a minute. */
export const HOST_CALL_TIMEOUT_MS = 60_000;

/** Worker side: a blocking call into the main thread. */
export function createHostCaller(flag: Int32Array, replies: MessagePort, post: (msg: HostRequest) => void) {
  return function hostCall<K extends keyof HostOps>(op: K, args: Parameters<HostOps[K]>[0]): Awaited<ReturnType<HostOps[K]>> {
    Atomics.store(flag, 0, 0);
    post({ type: 'host', op, args });
    const waited = Atomics.wait(flag, 0, 0, HOST_CALL_TIMEOUT_MS);
    const message = receiveMessageOnPort(replies);
    if (!message) throw new Error(waited === 'timed-out' ? `Timeout: ${op} took longer than ${HOST_CALL_TIMEOUT_MS / 1000} s` : `${op}: no answer`);
    const reply = message.message as HostReply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.value as Awaited<ReturnType<HostOps[K]>>;
  };
}

/** Main side: answers one host request and wakes the worker. */
export async function answerHostCall(ops: HostOps, request: HostRequest, flag: Int32Array, replies: MessagePort): Promise<void> {
  let reply: HostReply;
  try {
    const fn = ops[request.op] as (args: unknown) => Promise<unknown>;
    reply = { ok: true, value: await fn(request.args) };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  replies.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
