/**
 * `npm run freee:connect`: connects tasuki to a freee company once (OAuth 2.0 authorization code)
 * and stores the tokens where the service reads them: the Secret Manager secret named by
 * TASUKI_FREEE_TOKEN_SECRET_ID (production; uses your gcloud application-default credentials), or
 * TASUKI_DATA_DIR/freee-token.json (local). The service refreshes them from then on.
 *
 *   TASUKI_FREEE_CLIENT_ID=… TASUKI_FREEE_CLIENT_SECRET=… npm run freee:connect
 *   … npm run freee:connect -- --redirect-uri http://127.0.0.1:8765/callback   (catch the code)
 *
 * With the default redirect URI (urn:ietf:wg:oauth:2.0:oob, register it in the freee app) freee
 * shows the code after you press 許可する; paste it here. With a loopback redirect URI registered
 * in the app, this command listens on it and takes the code itself.
 * Variables: TASUKI_FREEE_CLIENT_ID, TASUKI_FREEE_CLIENT_SECRET (required), TASUKI_FREEE_API_URL,
 * TASUKI_FREEE_ACCOUNTS_URL, TASUKI_FREEE_TOKEN_SECRET_ID + GOOGLE_CLOUD_PROJECT, TASUKI_DATA_DIR.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { connectFreee, OOB_REDIRECT } from '../service/billing/freee/freeeConnect.js';
import { freeeTokenVault } from '../service/billing/providers.js';
import { VARIABLES } from '../service/config.js';

function variable(name: keyof typeof VARIABLES): string {
  const spec = VARIABLES[name] as { localDefault?: string };
  return (process.env[name] ?? spec.localDefault ?? '').trim().replace(/\/+$/, '');
}

/** Waits for freee's redirect to a loopback URI and answers the browser. */
function catchRedirect(redirectUri: string): Promise<{ code: string; state?: string }> {
  const target = new URL(redirectUri);
  return new Promise((resolvePromise, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', redirectUri);
      if (url.pathname !== target.pathname) {
        res.writeHead(404).end();
        return;
      }
      const code = url.searchParams.get('code');
      res.writeHead(code ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' }).end(code ? 'tasuki: freee is connected. You can close this tab.\n' : `tasuki: no code (${url.searchParams.get('error') ?? 'unknown error'})\n`);
      server.close();
      if (code) resolvePromise({ code, ...(url.searchParams.get('state') ? { state: url.searchParams.get('state')! } : {}) });
      else reject(new Error(`freee sent no code: ${url.searchParams.get('error_description') ?? url.searchParams.get('error') ?? 'unknown'}`));
    });
    server.once('error', reject);
    server.listen(Number(target.port || 80), target.hostname);
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--redirect-uri');
  const redirectUri = at >= 0 ? args[at + 1]! : OOB_REDIRECT;
  const client = { accountsUrl: variable('TASUKI_FREEE_ACCOUNTS_URL'), clientId: variable('TASUKI_FREEE_CLIENT_ID'), clientSecret: variable('TASUKI_FREEE_CLIENT_SECRET') };
  if (!client.clientId || !client.clientSecret) throw new Error('set TASUKI_FREEE_CLIENT_ID and TASUKI_FREEE_CLIENT_SECRET (freee アプリストア ▸ アプリ管理 ▸ your app)');
  const tokenSecret = variable('TASUKI_FREEE_TOKEN_SECRET_ID');
  const project = process.env.GOOGLE_CLOUD_PROJECT ?? '';
  if (tokenSecret && !project) throw new Error('TASUKI_FREEE_TOKEN_SECRET_ID is set: set GOOGLE_CLOUD_PROJECT to the project that holds the secret');
  const vault = freeeTokenVault({ freeeTokenSecret: tokenSecret, project, dataDir: resolve(variable('TASUKI_DATA_DIR') || '.tasuki') });
  const loopback = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(redirectUri);
  const result = await connectFreee({
    client,
    apiUrl: variable('TASUKI_FREEE_API_URL'),
    redirectUri,
    vault,
    authorize: async (url) => {
      process.stdout.write(`Open this address, sign in to freee, choose the company (事業所) and press 許可する:\n\n  ${url}\n\n`);
      if (loopback) return catchRedirect(redirectUri);
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const code = (await rl.question('Paste the authorization code (認可コード) freee showed: ')).trim();
      rl.close();
      return { code };
    },
  });
  process.stdout.write(
    `Connected to freee company ${result.companyName} (id ${result.tokens.companyId}).\n` +
      `Invoice templates: ${result.invoiceTemplates.join(', ') || '(none)'}\n` +
      `Tokens stored in ${vault.description}; the service refreshes them (access 6 h, refresh 90 days).\n` +
      'Set TASUKI_BILLING_PROVIDER=freee on the service to issue estimates and invoices in freee.\n',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`freee:connect: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
