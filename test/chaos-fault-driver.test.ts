/**
 * The chaos suite's fault driver (local/chaos/faultDriver.ts) against a real sandbox: it turns
 * on 429/503/500 on every API, the sandbox counts what it injected, and stop() turns them off.
 * (A small chaos run may see few Google calls while its kills go on, so this is where the faults
 * themselves are proven.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultDriver } from '../local/chaos/faultDriver.js';
import { SANDBOX_APIS } from '../local/sandbox/faults.js';
import { SEED_IDS } from '../local/sandbox/seedData.js';
import { startTestSandbox } from './support/sandbox.js';

test('fault driver: every API answers 429/503/500 at the rate, the sandbox counts them, stop() clears them', async () => {
  const t = await startTestSandbox();
  try {
    // The token first: the driver faults the OAuth token grant too, so a grant made after start()
    // fails half the time (the test then failed on the coin, not on the driver).
    const token = await t.token();
    const driver = faultDriver(t.sandbox.url, 0.5);
    await driver.start();
    for (const api of SANDBOX_APIS) assert.ok(Object.values(t.sandbox.faults.get(api).errorRates).reduce((a, b) => a + (b ?? 0), 0) > 0.49, `${api} has faults`);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${t.sandbox.url}/v4/spreadsheets/${SEED_IDS.ledgerSpreadsheet}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    const failed = (statuses.get(429) ?? 0) + (statuses.get(503) ?? 0) + (statuses.get(500) ?? 0);
    assert.ok(failed >= 10 && failed <= 50, `about half of 60 calls fail (got ${JSON.stringify([...statuses])})`);
    assert.ok((await driver.injected()) >= failed, 'the sandbox counted every injected error');

    await driver.stop();
    const before = await driver.injected();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${t.sandbox.url}/v4/spreadsheets/${SEED_IDS.ledgerSpreadsheet}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
    }
    assert.equal(await driver.injected(), before);
    assert.throws(() => faultDriver(t.sandbox.url, 1.5), /between 0 and 1/);
  } finally {
    await t.stop();
  }
});
