/**
 * Every TCP connection this process tries while the watch is on, and where it goes: the abuse
 * suite's proof that traffic stays on loopback (127.0.0.0/8, ::1) and that the SSRF guard refuses
 * before any socket exists.
 *
 * Two hooks, both process-wide and removed by `stop()`:
 * - `net.Socket.prototype.connect` is wrapped to read each connection's target before it is
 *   attempted: an IP literal is judged at once; a host name is judged by the address its lookup
 *   answers (the socket's `lookup` event fires before the connect). A target that is not loopback
 *   is recorded as a violation — and the suite fails — but the watch cannot stop the packet, so
 *   the suite only ever points requests at loopback or at the guard.
 * - the `net.client.socket` diagnostics channel counts sockets created, so a caller can assert
 *   that an attempt created none at all.
 */
import dc from 'node:diagnostics_channel';
import net from 'node:net';

export type SocketWatch = {
  /** Sockets created since the watch started. */
  readonly created: number;
  /** Connection targets that were not loopback (host:port as tried, or the looked-up address). */
  readonly violations: readonly string[];
  /** Every connection target tried, as given (host name or IP, and port), oldest first. */
  readonly targets: ReadonlyArray<{ host: string; port: string }>;
  stop(): void;
};

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export function isLoopback(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return loopback.check(plain, net.isIP(plain) === 4 ? 'ipv4' : 'ipv6');
}

type ConnectOptions = { host?: string; port?: number | string; path?: string };

/** The options of any of Socket#connect's call shapes (Node passes a normalized array internally). */
function targetOf(args: unknown[]): ConnectOptions {
  const first = args[0];
  if (Array.isArray(first)) return (first[0] ?? {}) as ConnectOptions;
  if (first && typeof first === 'object') return first as ConnectOptions;
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: first as number, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
}

export function watchSockets(): SocketWatch {
  let created = 0;
  const targets: Array<{ host: string; port: string }> = [];
  const violations: string[] = [];
  const onSocket = () => {
    created++;
  };
  dc.subscribe('net.client.socket', onSocket);
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (typeof target.path !== 'string' || target.host !== undefined) {
      const host = (target.host ?? 'localhost').replace(/^\[|\]$/g, '');
      targets.push({ host, port: String(target.port) });
      if (net.isIP(host)) {
        if (!isLoopback(host)) violations.push(`${host}:${String(target.port)}`);
      } else {
        this.once('lookup', (err: Error | null, address: string) => {
          if (!err && !isLoopback(address)) violations.push(`${host} → ${address}:${String(target.port)}`);
        });
      }
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return {
    get created() {
      return created;
    },
    targets,
    violations,
    stop() {
      dc.unsubscribe('net.client.socket', onSocket);
      net.Socket.prototype.connect = original;
    },
  };
}
