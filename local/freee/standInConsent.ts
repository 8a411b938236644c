/**
 * Presses 許可する on the freee stand-in's consent page for the local stack and the tests, the
 * way a person would in a browser: GET the authorization URL (the stand-in checks client and
 * redirect URI), POST the form with the seeded company, read the code from the redirect. Used
 * only against the stand-in; real freee needs a person (npm run freee:connect).
 */
import { STANDIN_COMPANY_ID } from './freeeState.js';

export async function approveStandInConsent(authorizeUrl: string): Promise<{ code: string; state?: string }> {
  const page = await fetch(authorizeUrl, { signal: AbortSignal.timeout(10_000) });
  if (!page.ok) throw new Error(`the freee stand-in refused the authorization request: ${page.status} ${await page.text()}`);
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams({
    client_id: url.searchParams.get('client_id') ?? '',
    redirect_uri: url.searchParams.get('redirect_uri') ?? '',
    state: url.searchParams.get('state') ?? '',
    company_id: String(STANDIN_COMPANY_ID),
    approve: '1',
  });
  const res = await fetch(new URL('authorize', url), { method: 'POST', body: form, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const location = res.headers.get('location');
  if (location) {
    const back = new URL(location);
    return { code: back.searchParams.get('code') ?? '', ...(back.searchParams.get('state') ? { state: back.searchParams.get('state')! } : {}) };
  }
  const code = /<code id="code">([^<]+)<\/code>/.exec(await res.text())?.[1];
  if (!code) throw new Error(`the freee stand-in answered ${res.status} without a code`);
  return { code };
}
