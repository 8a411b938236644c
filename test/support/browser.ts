/**
 * Browser tests' Chromium: Debian's /usr/bin/chromium (CI installs it with apt) driven by
 * playwright-core, headless, no network beyond loopback. Screenshots go to test-output/.
 * `withConsoleStack` starts the whole local stack (as `npm start` runs it) and a browser for one
 * test file, and stops both after it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startStack, type Stack } from '../../local/stack.js';
import { createLogger } from '../../service/logger.js';

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

/** The running stack and browser of a test file; read them inside tests (set in `before`). */
export type ConsoleStack = { stack: Stack; browser: Browser };

/** Registers before/after hooks: a fresh local stack in a temporary data folder, and Chromium. */
export function withConsoleStack(prefix: string): ConsoleStack {
  const running = {} as ConsoleStack;
  let dataDir: string | undefined;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), prefix));
    running.stack = await startStack({ dataDir, consolePort: 0, servicePort: 0, emulatorPort: 0, logger: createLogger({ level: 'silent' }) });
    running.browser = await launchBrowser();
  });
  after(async () => {
    await running.browser?.close();
    await running.stack?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return running;
}

/**
 * Opens the Sheets view's Extensions ▸ tasuki menu and returns its items. The menu shows what the
 * add-on's onOpen answered when it was opened, and the first add-on call of a stack builds and
 * loads the bundle, so it is reopened until the items are there (60 s at most).
 */
export async function openExtensionsMenu(page: Page): Promise<Locator> {
  const items = page.locator('.menu [role="menuitem"]');
  for (const until = Date.now() + 60_000; ; ) {
    await page.getByTestId('extensions-menu').click();
    if (await items.first().isVisible()) return items;
    if (Date.now() > until) throw new Error('the add-on menu never loaded');
    await page.getByTestId('extensions-menu').click();
    await new Promise((r) => setTimeout(r, 1000));
  }
}
