/**
 * One port, both of Cloud Tasks' transports, as Google serves both at cloudtasks.googleapis.com:
 * each new connection is sorted by its first bytes. A connection that opens with the HTTP/2
 * client preface ("PRI * HTTP/2.0…", what gRPC clients send) goes to the gRPC transport's HTTP/2
 * server (grpcServer.ts); anything else is HTTP/1.1 and goes to the REST transport
 * (restServer.ts). So TASUKI_TASKS_EMULATOR=host:port serves the official
 * CloudTasksClient and the service's REST adapter alike.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { GrpcServer } from './grpcServer.js';

const PREFACE = Buffer.from('PRI ');

/**
 * The socket as a stream that first yields `head`. HTTP/2 sessions read a net.Socket's native
 * handle directly, which would skip bytes already read here, so the gRPC side gets this JS stream
 * instead (Node wraps it for the session). Only the official client's connections take this path:
 * tests and tools, not the service, which speaks REST.
 */
function replayed(socket: Socket, head: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy();
      callback(err);
    },
  });
  stream.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}

export type DualListener = {
  port: number;
  /** Stops accepting; gRPC calls get `graceMs` to finish, then every connection is cut. */
  close(graceMs: number): Promise<void>;
};

export async function listenGrpcAndRest(grpc: GrpcServer, rest: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<DualListener> {
  const http1 = createHttpServer({ keepAliveTimeout: 60_000 }, rest);
  const sockets = new Set<Socket>();
  const sort = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      if (head.length < PREFACE.length && PREFACE.subarray(0, head.length).equals(head)) return; // not sure yet
      socket.off('data', onData);
      if (head.subarray(0, PREFACE.length).equals(PREFACE)) {
        // HTTP/2 sets no-delay on the sockets it owns; this one it sees only through the stream.
        socket.setNoDelay(true);
        grpc.server.emit('connection', replayed(socket, head));
        return;
      }
      // HTTP/1.1: the server reads the socket's native handle from now on; the bytes read here are
      // handed back first (resume flows them on the next tick, before libuv delivers more).
      socket.pause();
      socket.unshift(head);
      http1.emit('connection', socket);
      socket.resume();
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  };
  const server = createNetServer(sort);
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  return {
    port: bound,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      http1.closeIdleConnections();
      await grpc.closeSessions(graceMs);
      http1.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
