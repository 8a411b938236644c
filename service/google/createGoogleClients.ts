/**
 * Builds the GoogleClients port (service/google/clients.ts) for either mode.
 *
 * Lazy: each API's package (@googleapis/chat, …) is loaded with a synchronous require on the
 * first access of its property, so a cold start pays only for the APIs a request actually uses.
 * (A dynamic import() cannot back a synchronous property; require of these CommonJS packages can.)
 *
 * Local mode (config.googleRootUrl set): rootUrl = `${googleRootUrl}/` for every API. (Not
 * `${googleRootUrl}/<api>/`: googleapis-common resolves each request path against a client's
 * rootUrl with `new URL(path, rootUrl)`, which drops the rootUrl's own path, so the sandbox
 * serves Google's paths from its root. googleapis-common also ignores a client's rootUrl for
 * media uploads (`upload/drive/v3/files` still goes to www.googleapis.com), so the local auth
 * client, which sends every request, redirects *.googleapis.com URLs to the sandbox; in local
 * mode no request can leave the machine.) Credentials = the
 * local runtime service-account key in `${dataDir}/runtime-sa-key.json` (written by the local
 * issuer; read here as plain JSON because service/ never imports local/). google-auth-library's
 * JWT hard-codes Google's token URL, so the client is an OAuth2Client whose refreshHandler does
 * the same JWT-bearer exchange (RS256 assertion: iss = the account, aud = token URL, scope, and
 * `sub` for domain-wide delegation) against `${googleRootUrl}/oauth2/token`.
 *
 * Production: Application Default Credentials (the Cloud Run runtime service account) via
 * GoogleAuth — Chat with the chat.bot scope, Drive/Sheets/Docs/Calendar with theirs. Gmail
 * (config.gmailDelegation) acts as a user through domain-wide delegation: the assertion carries
 * `sub = user` and is signed either with the key in ADC (a key file) or, on Cloud Run where there
 * is no key, by the IAM Credentials API `signJwt` (the runtime account needs
 * roles/iam.serviceAccountTokenCreator on itself, and the Workspace admin must grant its client
 * id the Gmail scope in domain-wide delegation). Without gmailDelegation, gmailFor() is null.
 */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { calendar_v3 } from '@googleapis/calendar';
import type { chat_v1 } from '@googleapis/chat';
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import type { gmail_v1 } from '@googleapis/gmail';
import type { sheets_v4 } from '@googleapis/sheets';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import type { Config } from '../config.js';
import type { GoogleClients } from './clients.js';

const require = createRequire(import.meta.url);

const G = 'https://www.googleapis.com/auth/';
export const SCOPES = {
  chat: [`${G}chat.bot`],
  workspace: [`${G}drive`, `${G}spreadsheets`, `${G}documents`, `${G}calendar`],
  gmail: [`${G}gmail.modify`],
} as const;
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The fields of a service-account key file that the JWT-bearer flow needs. */
export type ServiceAccountKeyJson = { client_email: string; private_key: string; private_key_id?: string };

export type CreateGoogleClientsOptions = {
  /** Local mode: use this key instead of reading `${dataDir}/runtime-sa-key.json`. */
  serviceAccountKey?: ServiceAccountKeyJson;
  /** Extra client options for every API (e.g. `{ retry: false }` in tests). */
  clientOptions?: Record<string, unknown>;
};

/** Signs a JWT's claims as the service account (RS256). */
type JwtSigner = (claims: Record<string, unknown>) => Promise<string>;

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function keySigner(key: ServiceAccountKeyJson): JwtSigner {
  return async (claims) => {
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) }));
    const payload = base64url(JSON.stringify(claims));
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key.private_key);
    return `${header}.${payload}.${base64url(signature)}`;
  };
}

/** An OAuth2Client that gets its access tokens by the JWT-bearer grant at `tokenUrl`. */
function jwtBearerClient(opts: { email: string; sign: JwtSigner; scopes: readonly string[]; tokenUrl: string; subject?: string; redirectGoogleTo?: string }): OAuth2Client {
  const client = new OAuth2Client({ eagerRefreshThresholdMillis: 60_000 });
  const sandbox = opts.redirectGoogleTo;
  if (sandbox) {
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        const url = new URL(config.url);
        if (url.hostname.endsWith('.googleapis.com')) config.url = new URL(url.pathname + url.search, `${sandbox}/`);
        return config;
      },
    });
  }
  client.refreshHandler = async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await opts.sign({
      iss: opts.email,
      scope: opts.scopes.join(' '),
      aud: opts.tokenUrl,
      iat: now,
      exp: now + 3600,
      ...(opts.subject ? { sub: opts.subject } : {}),
    });
    let res;
    try {
      res = await client.transporter.request<{ access_token: string; expires_in: number }>({
        url: opts.tokenUrl,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        data: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        responseType: 'json',
      });
    } catch (err) {
      // Surface OAuth's own words (invalid_grant: Invalid email or User ID …), as gtoken does.
      // Only an OAuth error body has a string `error`; a 5xx from the token endpoint (or a proxy)
      // carries an object or HTML, and must stay the transporter's error with its status so it is
      // classified as Google being unavailable (retryable), not as an unreadable internal fault.
      const response = (err as { response?: { status?: number; data?: { error?: unknown; error_description?: unknown } } }).response;
      const data = response?.data;
      if (typeof data?.error === 'string') {
        const description = typeof data.error_description === 'string' ? data.error_description : '';
        throw Object.assign(new Error(`${data.error}: ${description} (token for ${opts.subject ?? opts.email})`), { cause: err, response });
      }
      throw err;
    }
    return { access_token: res.data.access_token, expiry_date: Date.now() + res.data.expires_in * 1000 };
  };
  return client;
}

type Auth = GoogleAuth | OAuth2Client;

type Factories = {
  chat: (o: object) => chat_v1.Chat;
  drive: (o: object) => drive_v3.Drive;
  sheets: (o: object) => sheets_v4.Sheets;
  docs: (o: object) => docs_v1.Docs;
  calendar: (o: object) => calendar_v3.Calendar;
  gmail: (o: object) => gmail_v1.Gmail;
};

const FACTORIES: Factories = {
  chat: (o) => new (require('@googleapis/chat') as typeof import('@googleapis/chat')).chat_v1.Chat(o),
  drive: (o) => new (require('@googleapis/drive') as typeof import('@googleapis/drive')).drive_v3.Drive(o),
  sheets: (o) => new (require('@googleapis/sheets') as typeof import('@googleapis/sheets')).sheets_v4.Sheets(o),
  docs: (o) => new (require('@googleapis/docs') as typeof import('@googleapis/docs')).docs_v1.Docs(o),
  calendar: (o) => new (require('@googleapis/calendar') as typeof import('@googleapis/calendar')).calendar_v3.Calendar(o),
  gmail: (o) => new (require('@googleapis/gmail') as typeof import('@googleapis/gmail')).gmail_v1.Gmail(o),
};

export function createGoogleClients(config: Config, opts: CreateGoogleClientsOptions = {}): GoogleClients {
  const local = config.mode === 'local' && config.googleRootUrl !== undefined;
  const root = config.googleRootUrl?.replace(/\/+$/, '');
  const rootUrl = (_api: keyof Factories) => (local ? { rootUrl: `${root}/` } : {});

  let chatAuth: Auth;
  let workspaceAuth: Auth;
  let gmailAuth: (user: string) => Auth | null;

  if (local) {
    const key = opts.serviceAccountKey ?? readLocalKey(config.dataDir);
    const sign = keySigner(key);
    const tokenUrl = `${root}/oauth2/token`;
    const redirectGoogleTo = root;
    chatAuth = jwtBearerClient({ email: key.client_email, sign, scopes: SCOPES.chat, tokenUrl, redirectGoogleTo });
    workspaceAuth = jwtBearerClient({ email: key.client_email, sign, scopes: SCOPES.workspace, tokenUrl, redirectGoogleTo });
    gmailAuth = (user) => (config.gmailDelegation ? jwtBearerClient({ email: key.client_email, sign, scopes: SCOPES.gmail, tokenUrl, subject: user, redirectGoogleTo }) : null);
  } else {
    chatAuth = new GoogleAuth({ scopes: [...SCOPES.chat] });
    workspaceAuth = new GoogleAuth({ scopes: [...SCOPES.workspace] });
    let delegation: Promise<{ email: string; sign: JwtSigner }> | undefined;
    const delegationSigner = () => (delegation ??= productionSigner());
    gmailAuth = (user) => {
      if (!config.gmailDelegation) return null;
      // Resolve the signer on first token refresh, not now: construction stays synchronous.
      const client = new OAuth2Client({ eagerRefreshThresholdMillis: 60_000 });
      client.refreshHandler = async () => {
        const { email, sign } = await delegationSigner();
        const inner = jwtBearerClient({ email, sign, scopes: SCOPES.gmail, tokenUrl: GOOGLE_TOKEN_URL, subject: user });
        const token = await inner.refreshHandler!();
        return token;
      };
      return client;
    };
  }

  const cache = new Map<string, unknown>();
  const lazy = <K extends keyof Factories>(api: K, auth: Auth): ReturnType<Factories[K]> => {
    let client = cache.get(api) as ReturnType<Factories[K]> | undefined;
    if (!client) {
      client = FACTORIES[api]({ auth, ...rootUrl(api), ...opts.clientOptions }) as ReturnType<Factories[K]>;
      cache.set(api, client);
    }
    return client;
  };
  const gmailClients = new Map<string, gmail_v1.Gmail | null>();

  return {
    get chat() { return lazy('chat', chatAuth); },
    get drive() { return lazy('drive', workspaceAuth); },
    get sheets() { return lazy('sheets', workspaceAuth); },
    get docs() { return lazy('docs', workspaceAuth); },
    get calendar() { return lazy('calendar', workspaceAuth); },
    gmailFor(userEmail: string) {
      const user = userEmail.toLowerCase();
      if (!gmailClients.has(user)) {
        const auth = gmailAuth(user);
        gmailClients.set(user, auth ? FACTORIES.gmail({ auth, ...rootUrl('gmail'), ...opts.clientOptions }) : null);
      }
      return gmailClients.get(user) ?? null;
    },
  };
}

function readLocalKey(dataDir: string): ServiceAccountKeyJson {
  const path = join(dataDir, 'runtime-sa-key.json');
  let raw: { kid?: string; privateKeyPem?: string; client_email?: string; private_key?: string; private_key_id?: string };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`tasuki: cannot read the local service-account key ${path} (start the local stack once so the issuer creates it): ${err instanceof Error ? err.message : String(err)}`);
  }
  // The local issuer stores {kid, privateKeyPem, publicKeyPem}; a downloaded SA key has client_email/private_key.
  if (raw.private_key && raw.client_email) return { client_email: raw.client_email, private_key: raw.private_key, private_key_id: raw.private_key_id };
  if (!raw.privateKeyPem) throw new Error(`tasuki: ${path} is not a service-account key (no private key in it)`);
  return { client_email: LOCAL_RUNTIME_SERVICE_ACCOUNT, private_key: raw.privateKeyPem, private_key_id: raw.kid };
}

/** The local runtime service account's e-mail (same value as local/issuer.ts LOCAL_RUNTIME_SA). */
export const LOCAL_RUNTIME_SERVICE_ACCOUNT = 'tasuki-runtime@tasuki-local.iam.gserviceaccount.com';

/**
 * Production delegation signer: the ADC key if ADC is a key file, else IAM Credentials signJwt
 * on the runtime account (Cloud Run's metadata-server credentials have no private key).
 */
async function productionSigner(): Promise<{ email: string; sign: JwtSigner }> {
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  const creds = await auth.getCredentials();
  if (!creds.client_email) throw new Error('Gmail delegation: the runtime credentials have no service-account e-mail');
  if (creds.private_key) return { email: creds.client_email, sign: keySigner({ client_email: creds.client_email, private_key: creds.private_key }) };
  const email = creds.client_email;
  const client = await auth.getClient();
  return {
    email,
    sign: async (claims) => {
      const res = await client.request<{ signedJwt: string }>({
        url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:signJwt`,
        method: 'POST',
        data: { payload: JSON.stringify(claims) },
      });
      return res.data.signedJwt;
    },
  };
}
