/**
 * The benchmarks' HTTP client: node:http over one keep-alive agent, so that what a benchmark
 * times is the service's answer and not the client (Node 20's built-in fetch spends about a
 * millisecond of its own per request on this machine; a loopback ping-pong over node:http takes
 * ~0.4 ms). The add-on's real client is Apps Script's UrlFetchApp, on Google's side.
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export type JsonAnswer = { status: number; body: unknown; ms: number };

/**
 * POSTs a JSON body; resolves with the status, the parsed answer and the milliseconds it took.
 * A reset on a reused keep-alive socket (the server closed it while idle: Node's default
 * keepAliveTimeout is 5 s) is sent once more on a fresh one; the benchmarks' requests carry
 * idempotency keys.
 */
export async function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<JsonAnswer> {
  const payload = JSON.stringify(body);
  try {
    return await postOnce(url, headers, payload);
  } catch (err) {
    if (!(err as { reusedSocket?: boolean }).reusedSocket) throw err;
    return postOnce(url, headers, payload);
  }
}

function postOnce(url: string, headers: Record<string, string>, payload: string): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - t0;
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reusedSocket: req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') })));
    req.end(payload);
  });
}
