/**
 * The local Workspace sandbox: Google's REST APIs for the subsets tasuki uses, on one HTTP
 * server, state in SQLite, seeded with a sample office. Each API is served under its own prefix
 * and also at Google's own paths from the root (see API_PATHS: googleapis-common drops the path
 * of a client's rootUrl, so the official clients take `rootUrl: url + '/'`):
 *
 *   chat      `${url}/chat/`      v1/spaces/…                 (chatApi.ts)
 *   drive     `${url}/drive/`     drive/v3/files…, upload/drive/v3/files   (driveApi.ts)
 *   sheets    `${url}/sheets/`    v4/spreadsheets…            (sheetsApi.ts)
 *   docs      `${url}/docs/`      v1/documents…               (docsApi.ts)
 *   gmail     `${url}/gmail/`     gmail/v1/users/…            (gmailApi.ts)
 *   calendar  `${url}/calendar/`  calendar/v3/calendars/…     (calendarApi.ts)
 *   OAuth     `${url}/oauth2/token` (JWT-bearer grant), `${url}/oauth2/v3/certs` (JWKS)  (auth.ts)
 *   admin     `${url}/_sandbox/…` state for the console, fault knobs, live changes (adminApi.ts)
 *
 * `startSandbox` returns the express `app` so the console can mount its router on the same
 * server, `events` ('change' {api, kind, id, op} on every write) for live views, and `faults`.
 * `resetSandbox(dataDir)` deletes the state (stop the sandbox first); the next start re-seeds.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventEmitter } from 'node:events';
import express, { type Express } from 'express';
import type { Logger } from '../../service/logger.js';
import type { LocalIssuer } from '../issuer.js';
import { workspaceAccess } from './access.js';
import { adminRouter } from './adminApi.js';
import { GOOGLE_TOKEN_URL, oauthRouter, requireAuth } from './auth.js';
import { calendarRouter } from './calendarApi.js';
import { chatRouter } from './chatApi.js';
import { docsRouter } from './docsApi.js';
import { driveRouter } from './driveApi.js';
import { type ChatLimits, Faults } from './faults.js';
import { gmailRouter } from './gmailApi.js';
import { googleErrorHandler } from './googleError.js';
import { SandboxState, resetSandboxFiles } from './sandboxState.js';
import { seedSandbox } from './seed.js';
import { SANDBOX_USERS } from './seedData.js';
import { sheetsRouter } from './sheetsApi.js';

/** Google's path prefixes per API, served at the sandbox's root as well as under `/<api>/`. */
export const API_PATHS = {
  chat: ['/v1/spaces'],
  drive: ['/drive/v3/', '/upload/drive/v3/'],
  sheets: ['/v4/spreadsheets'],
  docs: ['/v1/documents'],
  gmail: ['/gmail/v1/'],
  calendar: ['/calendar/v3/'],
} as const;

export type SandboxOptions = {
  /** 0 (default) = a random free port. */
  port?: number;
  host?: string;
  dataDir: string;
  issuer: LocalIssuer;
  logger?: Logger;
  /** Seed the sample office on first start (default true). */
  seed?: boolean;
  /** Chat per-space write limit (default: burst 3, one more per 1000 ms; interval 0 = off). */
  chatLimits?: Partial<ChatLimits>;
};

export type Sandbox = {
  url: string;
  app: Express;
  state: SandboxState;
  events: EventEmitter;
  faults: Faults;
  close(): Promise<void>;
};

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const state = new SandboxState(opts.dataDir);
  if (opts.seed !== false) seedSandbox(state);
  const faults = new Faults(opts.chatLimits);
  const host = opts.host ?? '127.0.0.1';
  let url = '';
  const users = new Set(SANDBOX_USERS.map((u) => u.email));

  const app = express();
  app.disable('x-powered-by');
  if (opts.logger) {
    const log = opts.logger;
    app.use((req, res, next) => {
      const started = Date.now();
      res.on('finish', () => {
        if (res.locals.principal || res.statusCode === 401 || req.path.startsWith('/oauth2')) log.debug({ method: req.method, path: req.originalUrl, status: res.statusCode, ms: Date.now() - started, caller: res.locals.principal?.email }, 'sandbox call');
      });
      next();
    });
  }
  app.use(
    '/oauth2',
    faults.middleware('oauth2'),
    oauthRouter({
      issuer: opts.issuer,
      state,
      // The service may reach the sandbox as localhost or 127.0.0.1: accept both spellings.
      tokenAudiences: () => [`${url}/oauth2/token`, `${url.replace('127.0.0.1', 'localhost')}/oauth2/token`, GOOGLE_TOKEN_URL],
      isUser: (email) => users.has(email.toLowerCase()),
    }),
    googleErrorHandler(),
  );
  const apis = {
    chat: chatRouter({ state, faults }),
    drive: driveRouter({ state }),
    sheets: sheetsRouter({ state }),
    docs: docsRouter({ state }),
    gmail: gmailRouter({ state }),
    calendar: calendarRouter({ state }),
  };
  const stacks: Array<[string, express.Router]> = [];
  for (const [api, router] of Object.entries(apis) as Array<[keyof typeof apis, express.Router]>) {
    const stack = express.Router();
    const access = api === 'sheets' || api === 'docs' || api === 'calendar' ? [workspaceAccess(api, state)] : [];
    stack.use(requireAuth(api, state), faults.middleware(api), ...access, router, googleErrorHandler(api, (err) => opts.logger?.error({ err, api }, 'sandbox bug: unexpected error in an API handler')));
    stacks.push([api, stack]);
    // Google's own paths at the root: googleapis-common resolves a client's global rootUrl
    // against the path (new URL('/v1/…', rootUrl)), so a rootUrl's own path is dropped and the
    // official clients can only be pointed at an origin. The APIs' paths do not overlap.
    const prefixes = API_PATHS[api];
    app.use((req, res, next) => (prefixes.some((p) => req.path.startsWith(p)) ? stack(req, res, next) : next()));
  }
  // Then under per-API prefixes (`/drive/drive/v3/files`, `/chat/v1/spaces`), for callers that
  // set rootUrl per request; registered after the root paths, which begin with /drive, /gmail….
  for (const [api, stack] of stacks) app.use(`/${api}`, stack);
  app.use('/_sandbox', adminRouter({ state, faults }));

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = createServer(app);
      s.once('error', reject);
      s.listen(opts.port ?? 0, host, () => resolve(s));
    });
  } catch (err) {
    state.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EADDRINUSE' ? `workspace sandbox: port ${opts.port} on ${host} is already in use (is another tasuki running?)` : `workspace sandbox: cannot listen on ${host}:${opts.port ?? 0}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const { port } = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  opts.logger?.info({ url }, 'workspace sandbox listening');

  let closed = false;
  return {
    url,
    app,
    state,
    events: state.events,
    faults,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      state.events.emit('close');
      state.close();
    },
  };
}

/** Deletes the sandbox's state in `dataDir` (the sandbox must not be running); next start re-seeds. */
export function resetSandbox(dataDir: string): void {
  resetSandboxFiles(dataDir);
}
