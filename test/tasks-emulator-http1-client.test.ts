/**
 * The emulator's HTTP/1.1 client (local/tasks-emulator/http1Client.ts) against raw TCP servers
 * that script every byte: the request as written, keep-alive reuse, each way a response body
 * can end (Content-Length, chunked split anywhere, until close), informational responses,
 * failures, the per-origin connection cap, cancel, and the server's keep-alive hint.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { Http1Client, type Http1Request, type Http1Response } from '../local/tasks-emulator/http1Client.js';

type Conn = { socket: net.Socket; received: string };

/** A TCP server that hands each complete request (head + Content-Length body) to `reply`. */
async function rawServer(reply: (conn: Conn, request: string) => void) {
  const conns: Conn[] = [];
  const server = net.createServer((socket) => {
    const conn: Conn = { socket, received: '' };
    conns.push(conn);
    let pending = '';
    socket.setEncoding('latin1');
    socket.on('error', () => {});
    socket.on('data', (d: string) => {
      conn.received += d;
      pending += d;
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const request = pending.slice(0, end + 4 + length);
        pending = pending.slice(end + 4 + length);
        reply(conn, request);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    conns,
    url: (path = '/run') => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((r) => {
      for (const c of conns) c.socket.destroy();
      server.close(() => r());
    }),
  };
}

const clients: Http1Client[] = [];
after(() => clients.forEach((c) => c.close()));
function client(max?: number): Http1Client {
  const c = new Http1Client(max);
  clients.push(c);
  return c;
}

function send(c: Http1Client, r: Partial<Http1Request> & { url: string }): Promise<Http1Response> {
  return new Promise((resolve, reject) => {
    c.request({ method: 'POST', headers: {}, body: null, ...r }, (err, res) => (err ? reject(err) : resolve(res!)));
  });
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

test('writes the request as node:http would, and reuses the connection for the next one', { timeout: 10_000 }, async () => {
  const requests: string[] = [];
  const srv = await rawServer((conn, req) => {
    requests.push(req);
    conn.socket.write(requests.length === 1 ? 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy' : OK);
  });
  try {
    const c = client();
    const body = Buffer.from('{"a":"é"}');
    const first = await send(c, {
      url: srv.url('/tasks/run?x=1'),
      headers: { 'Content-Type': 'application/json', 'X-CloudTasks-TaskName': 't1', Connection: 'close', 'Transfer-Encoding': 'chunked', Host: 'evil' },
      body,
    });
    assert.equal(first.status, 503);
    assert.equal(first.headers['retry-after'], '7');
    assert.equal(
      requests[0],
      `POST /tasks/run?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nContent-Type: application/json\r\nX-CloudTasks-TaskName: t1\r\n` +
        `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body.toString('latin1')}`,
    );
    assert.equal((await send(c, { url: srv.url(), method: 'GET' })).status, 200);
    assert.equal(requests[1], `GET /run HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: keep-alive\r\n\r\n`);
    assert.equal((await send(c, { url: srv.url() })).status, 200);
    assert.match(requests[2]!, /\r\nContent-Length: 0\r\n/, 'a POST without a body says so');
    assert.equal(srv.conns.length, 1, 'one connection served all three');
  } finally {
    await srv.close();
  }
});

test('a chunked body split at every byte, with extensions and trailers; then the connection is reused', { timeout: 10_000 }, async () => {
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: y\r\n\r\n';
  const srv = await rawServer((conn) => {
    let i = 0;
    const drip = () => {
      if (i >= chunked.length) return;
      conn.socket.write(chunked[i++]!);
      setImmediate(drip);
    };
    drip();
  });
  try {
    const c = client();
    assert.equal((await send(c, { url: srv.url() })).status, 200);
    assert.equal((await send(c, { url: srv.url() })).status, 200);
    assert.equal(srv.conns.length, 1);
  } finally {
    await srv.close();
  }
});

test('a body without a length ends when the server closes; informational responses are skipped', { timeout: 10_000 }, async () => {
  const srv = await rawServer((conn, req) => {
    if (req.startsWith('POST /close')) conn.socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\nsomething broke');
    else conn.socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n`);
  });
  try {
    const c = client();
    assert.equal((await send(c, { url: srv.url('/close') })).status, 500);
    assert.equal((await send(c, { url: srv.url('/info') })).status, 204);
    assert.equal((await send(c, { url: srv.url('/info') })).status, 204);
    assert.equal(srv.conns.length, 2, 'the closed connection was not reused; the 204 one was');
  } finally {
    await srv.close();
  }
});

test('failures: refused, hung up mid-response, malformed status, a header value node:http refuses', { timeout: 10_000 }, async () => {
  const srv = await rawServer((conn, req) => {
    if (req.startsWith('POST /hangup')) conn.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
    else conn.socket.write('SMTP ready\r\n\r\n');
  });
  const refused = net.createServer();
  await new Promise<void>((r) => refused.listen(0, '127.0.0.1', r));
  const deadPort = (refused.address() as net.AddressInfo).port;
  await new Promise((r) => refused.close(r));
  try {
    const c = client();
    await assert.rejects(send(c, { url: `http://127.0.0.1:${deadPort}/` }), /ECONNREFUSED/);
    await assert.rejects(send(c, { url: srv.url('/hangup') }), /socket hang up/);
    await assert.rejects(send(c, { url: srv.url('/garbage') }), /Parse Error/);
    const before = srv.conns.length;
    await assert.rejects(send(c, { url: srv.url(), headers: { 'X-Bad': 'a\u0001b' } }), /Invalid character in header content \["X-Bad"\]/);
    await assert.rejects(send(c, { url: 'ftp://127.0.0.1/' }), /unsupported protocol/);
    assert.equal(srv.conns.length, before, 'a refused request is not sent');
  } finally {
    await srv.close();
  }
});

test('at most maxSocketsPerOrigin connections; the rest wait their turn; cancel closes its connection and never calls back', { timeout: 10_000 }, async () => {
  const held: Conn[] = [];
  const srv = await rawServer((conn, req) => {
    if (req.startsWith('POST /hold')) held.push(conn);
    else conn.socket.write(OK);
  });
  try {
    const c = client(2);
    const a = send(c, { url: srv.url('/hold') });
    const b = send(c, { url: srv.url('/hold') });
    const third = send(c, { url: srv.url('/quick') });
    let called = false;
    const cancelWaiting = c.request({ url: srv.url('/quick'), method: 'POST', headers: {}, body: null }, () => (called = true));
    cancelWaiting();
    while (held.length < 2) await new Promise((r) => setTimeout(r, 5));
    assert.equal(srv.conns.length, 2);
    held[0]!.socket.write(OK);
    assert.equal((await Promise.race([a, b])).status, 200);
    assert.equal((await third).status, 200, 'the waiting request took the freed connection');
    assert.equal(srv.conns.length, 2);

    const cancelHeld = c.request({ url: srv.url('/hold'), method: 'POST', headers: {}, body: null }, () => (called = true));
    held[1]!.socket.write(OK);
    assert.deepEqual((await Promise.all([a, b])).map((r) => r.status), [200, 200]);
    while (held.length < 3) await new Promise((r) => setTimeout(r, 5));
    const closed = new Promise((r) => held[2]!.socket.once('close', r));
    cancelHeld();
    await closed;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(called, false);
  } finally {
    await srv.close();
  }
});

test("an idle connection is closed a second before the server's keep-alive timeout", { timeout: 10_000 }, async () => {
  const srv = await rawServer((conn) => conn.socket.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 0\r\n\r\n'));
  try {
    const c = client();
    await send(c, { url: srv.url() });
    const t0 = Date.now();
    await new Promise((r) => srv.conns[0]!.socket.once('close', r));
    assert.ok(Date.now() - t0 < 2000, 'closed at the hint (1 s - 1 s), not after the 4 s default');
    await send(c, { url: srv.url() });
    assert.equal(srv.conns.length, 2);
  } finally {
    await srv.close();
  }
});

test('a connection whose request was answered before it was all written is not reused', { timeout: 10_000 }, async () => {
  const conns: net.Socket[] = [];
  const server = net.createServer((socket) => {
    conns.push(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.pause(); // reads no more of the body
      socket.write('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  try {
    const c = client();
    assert.equal((await send(c, { url, body: Buffer.alloc(16 * 1024 * 1024) })).status, 413);
    assert.equal((await send(c, { url, body: Buffer.from('small') })).status, 413);
    assert.equal(conns.length, 2);
  } finally {
    conns.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
  }
});
