/**
 * The benchmarks' HTTP client: node:http over one keep-alive agent, so that what a benchmark
 * times is the service's answer and not the client (Node 20's built-in fetch spends about a
 * millisecond of its own per request on this machine; a loopback ping-pong over node:http takes
 * ~0.4 ms). The add-on's real client is Apps Script's UrlFetchApp, on Google's side.
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export type JsonAnswer = { status: number; body: unknown; ms: number };

/** POSTs a JSON body; resolves with the status, the parsed answer and the milliseconds it took. */
export function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<JsonAnswer> {
  const payload = JSON.stringify(body);
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
    req.on('error', reject);
    req.end(payload);
  });
}
