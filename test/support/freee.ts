/**
 * Test helper: the freee stand-in mounted on a test sandbox's server at /freee (as the local
 * stack mounts it), the configuration that points the service at it, and a connection made
 * through the real authorization-code flow (the stand-in's consent page approved by
 * approveStandInConsent), leaving the tokens in the data folder as `npm run freee:connect` does.
 */
import type { Config } from '../../service/config.js';
import { connectFreee } from '../../service/billing/freee/freeeConnect.js';
import { freeeTokenVault } from '../../service/billing/providers.js';
import { createFreeeStandIn, type FreeeStandIn } from '../../local/freee/freeeStandIn.js';
import { STANDIN_APP } from '../../local/freee/freeeState.js';
import { approveStandInConsent } from '../../local/freee/standInConsent.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';

export type FreeeTestEnv = { standIn: FreeeStandIn; url: string; config: Partial<Config> };

export function mountFreeeStandIn(sandbox: Sandbox, dataDir: string, faults: Parameters<typeof createFreeeStandIn>[0]['faults'] = {}): FreeeTestEnv {
  // Tests make many calls in a burst; freee's real limits (30/min) are a knob, exercised on purpose.
  const standIn = createFreeeStandIn({ dataDir, faults: { perMinute: 100_000, perHour: 1_000_000, perDay: 10_000_000, ...faults } });
  sandbox.app.use('/freee', standIn.router);
  const url = `${sandbox.url}/freee`;
  return {
    standIn,
    url,
    config: { billingProvider: 'freee', freeeApiUrl: url, freeeAccountsUrl: url, freeeClientId: STANDIN_APP.clientId, freeeClientSecret: STANDIN_APP.clientSecret, freeeTokenSecret: '', freeeDocumentUrl: `${url}/web/{kind}/{id}` },
  };
}

export async function connectStandIn(env: FreeeTestEnv, dataDir: string) {
  return connectFreee({
    client: { accountsUrl: env.url, clientId: STANDIN_APP.clientId, clientSecret: STANDIN_APP.clientSecret },
    apiUrl: env.url,
    redirectUri: 'http://127.0.0.1:8765/callback',
    vault: freeeTokenVault({ freeeTokenSecret: '', project: 'tasuki-local', dataDir }),
    authorize: (url) => approveStandInConsent(url),
  });
}
