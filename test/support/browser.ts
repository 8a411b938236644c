/**
 * Browser tests' Chromium: Debian's /usr/bin/chromium (CI installs it with apt) driven by
 * playwright-core, headless, no network beyond loopback. Screenshots go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TASUKI_CHROMIUM ?? '/usr/bin/chromium';
export const OUTPUT_DIR = join(process.cwd(), 'test-output');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A 1280×800 page in the given browser language; page errors fail loudly via `errors`. */
export async function openPage(browser: Browser, opts: { locale?: string } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: opts.locale ?? 'ja-JP' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
