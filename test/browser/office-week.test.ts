// The office's week (../shared/OFFICE-WEEK.md) walked in the console in a real browser, once in
// Japanese as 佐藤 and once in English as Emma, through what staff touch: the Gmail card and
// Create project (twice: one project), /estimate twice (the second shows the existing one) and a
// reissue with its reason (a new number, the old one voided), a job that cannot succeed (/scrape
// of an unknown portal: why, no Retry, ask the administrator), Google answering 503 for a while
// (the card says "retrying, attempt n of m", then finishes with nobody clicking), /jobs,
// /status by short reference and by project number, /search and /summary; /jobs, /status and
// /search are private to the asker (the other member sees none of them). Every step leaves a
// screenshot (test-output/week-<locale>-<n>-<step>.png) to look at for mixed languages, raw keys
// and raw errors; the text of each card is checked for the same here. The Schedule sheet's sync
// and the project's invoice (refused until the ledger has its delivery date) run from the Sheets
// menu (Extensions ▸ tasuki); once the office types the delivery dates into the Ledger, the menu
// issues them (in English three at once, with consecutive numbers). Monday also reads the
// inbox's other request mails and makes a second project; one invoice is then reissued from its
// Documents row through the menu (the reason asked in a prompt). The Japanese chart is walked in
// console.test.ts.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { SEED_CLIENT_ROWS, SEED_LEDGER_ROWS } from '../../local/sandbox/seedData.js';
import { OPERATOR_TEXTS } from '../../shared/messages.js';
import { openPage, screenshot, withConsoleStack } from '../support/browser.js';

const running = withConsoleStack('tasuki-week-');

async function skippedWithoutAddon(t: TestContext): Promise<boolean> {
  const meta = (await (await fetch(`${running.stack.consoleUrl}console/api/meta`)).json()) as { addon: boolean };
  if (!meta.addon) t.skip('the add-on backend is not mounted in this stack');
  return !meta.addon;
}

type Lang = 'ja' | 'en';
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
/** What no person should ever read: raw keys, placeholders, internals, JavaScript errors. */
const RAW = /\b(documentNumber|subtotal|projectNumber|folderUrl|requestedAt|undefined|null|NaN|TypeError|Cannot read)\b|\{\w+[},]|TASUKI_|\[object|idempotencyKey/;

/** The words of a card or message, checked: no raw text; an English one has no Japanese in it. */
function checkWords(text: string, lang: Lang, where: string, data: RegExp[] = []): void {
  assert.doesNotMatch(text, RAW, `${where}: raw text in\n${text}`);
  if (lang === 'en') {
    // Quoted values are the office's own data (a cell as written: Row 5: start "12月末" is not a date…).
    let words = text.replace(/"[^"\n]*"/g, '');
    for (const d of data) words = words.replace(d, '');
    assert.doesNotMatch(words, JAPANESE, `${where}: Japanese in English\n${text}`);
  }
  // Document numbers, years, short job refs and an issuer's registration number (T + 13 digits) are not amounts.
  const numbers = text.replace(/[PEI]-\d{4}-\d{3,}/g, '').replace(/\bT\d{13}\b/g, '').replace(/\b(?:19|20)\d\d\b/g, '').replace(/\b[0-9a-f]{8}\b/g, '');
  assert.doesNotMatch(numbers, /\d{5,}/, `${where}: an unformatted number in\n${text}`);
}

/**
 * The office's own words, Japanese in any language's card: the app's avatar (襷) and the seeded
 * clients' names and project titles (a Japanese client stays 株式会社アクメ for Emma too).
 */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const OFFICE_DATA = [
  /^襷$/gm,
  new RegExp([...new Set([...SEED_LEDGER_ROWS.flatMap((r) => [r.client, r.title]), ...SEED_CLIENT_ROWS.map((c) => c.name)])].sort((a, b) => b.length - a.length).map(escape).join('|'), 'g'),
];

class Walk {
  private shot = 0;
  constructor(
    readonly page: Page,
    readonly lang: Lang,
    /** What may be Japanese in an English text (OFFICE_DATA). */
    readonly data: RegExp[] = [],
  ) {}

  async snap(step: string): Promise<void> {
    await screenshot(this.page, `week-${this.lang}-${String(++this.shot).padStart(2, '0')}-${step}`);
  }

  async view(name: string): Promise<void> {
    await this.page.locator(`a.nav-item[data-view="${name}"]`).click();
  }

  /** Types `text` into the Chat composer; the add-on's immediate answer (a console-side message). */
  async chat(text: string): Promise<Locator> {
    const before = await this.page.locator('article.msg.local').count();
    const input = this.page.locator('#chat-input');
    await input.fill(text);
    await input.press('Enter');
    // The typed command is one local message, the add-on's answer the next.
    const answer = this.page.locator('article.msg.local').nth(before + 1);
    await answer.waitFor({ timeout: 60_000 });
    await answer.scrollIntoViewIfNeeded();
    return answer;
  }

  /** The short job reference an acknowledgement names. */
  async refIn(answer: Locator): Promise<string> {
    const text = (await answer.textContent()) ?? '';
    const m = /(?:ジョブ|[Jj]ob) ([0-9a-f]{8})/.exec(text);
    assert.ok(m, `no job reference in "${text}"`);
    return m[1]!;
  }

  /** The job's own Chat message (client-<job id>), once its card shows `state`. */
  async jobMessage(ref: string, state: RegExp, timeout = 90_000): Promise<Locator> {
    const message = this.page.locator(`article[data-client-id^="client-j-${ref}"]`);
    await message.locator('.gcard-header', { hasText: state }).waitFor({ timeout });
    await message.scrollIntoViewIfNeeded();
    return message;
  }

  async checkText(locator: Locator, where: string): Promise<string> {
    const text = await locator.innerText();
    checkWords(text, this.lang, where, this.data);
    return text;
  }
}

const T = {
  ja: { done: /完了/, failed: /失敗/, retrying: /再試行待ち/, retry: '再実行', create: /案件を作成/, projectLabel: '案件番号', private: /あなただけに表示|自分だけ|only/i },
  en: { done: /Done/, failed: /Failed/, retrying: /Retrying/, retry: 'Retry', create: /Create project/, projectLabel: 'Project number', private: /visible to you/i },
} as const;

/** Opens Extensions ▸ tasuki; its items (the menu holds what onOpen answered: reopen until loaded). */
async function openExtensions(page: Page): Promise<Locator> {
  const items = page.locator('.menu [role="menuitem"]');
  for (const until = Date.now() + 60_000; ; ) {
    await page.getByTestId('extensions-menu').click();
    if (await items.first().isVisible()) return items;
    assert.ok(Date.now() < until, 'the add-on menu never loaded');
    await page.getByTestId('extensions-menu').click();
    await page.waitForTimeout(1000);
  }
}

/** Today in the office's time zone (the sandbox's clock is the real one): YYYY-MM-DD. */
function officeToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * Monday's other request mails in this person's inbox: each card is read (one language, no raw
 * text), never offers a past date as the due date, and shows where the values came from.
 */
const MONDAY_MAILS: Record<Lang, string[]> = {
  ja: ['バレンタイン限定パッケージのご相談', '物件チラシ 1月号 制作依頼', '店頭POPの追加制作について'],
  en: ['Brochure redesign for our 2027 tours'],
};

async function readMondayMails(w: Walk): Promise<void> {
  const { page } = w;
  await w.view('gmail');
  for (const subject of MONDAY_MAILS[w.lang]) {
    await page.getByTestId('mail-list').locator('.mail-item', { hasText: subject }).click();
    const card = page.getByTestId('addon-sidebar').locator('.gcard', { hasText: subject }).first();
    await card.getByRole('button', { name: T[w.lang].create }).waitFor({ timeout: 60_000 });
    const text = await w.checkText(card, `Gmail card "${subject}"`);
    const due = await card.locator('[data-form-name="due"]').inputValue();
    assert.ok(due === '' || due >= officeToday(), `"${subject}": a past date offered as the due date: ${due}`);
    // Where each value came from, or that the mail does not say (the card is never silent about it).
    assert.match(text, w.lang === 'ja' ? /✓|メール中の表記|メールに記載なし|要確認|未入力/ : /✓|Found in the mail|Not in the mail|Check \(|Not filled in/, subject);
    await w.snap('gmail-card-monday');
  }
}

/** The grid's column letter of a header in row 1 of the open sheet. */
async function columnOf(page: Page, header: string): Promise<string> {
  const cells = page.getByTestId('sheet-grid').locator('tr[data-row="1"] td');
  const texts = await cells.allInnerTexts();
  const at = texts.findIndex((t) => t.trim() === header);
  assert.ok(at >= 0, `no "${header}" in row 1: ${texts.join(' | ')}`);
  return (await cells.nth(at).getAttribute('data-cell'))!.replace(/\d+$/, '');
}

/** The grid row of a project in the open Ledger. */
async function ledgerRowOf(page: Page, projectNumber: string): Promise<number> {
  const row = page.getByTestId('sheet-grid').locator('tr', { hasText: projectNumber }).first();
  return Number(await row.getAttribute('data-row'));
}

/** Types `value` into a cell of the open sheet, as staff do (double-click, type, Enter), and waits for it to show. */
async function typeIntoCell(page: Page, cell: string, value: string): Promise<void> {
  const td = page.getByTestId('sheet-grid').locator(`td[data-cell="${cell}"]`);
  await td.dblclick();
  const input = td.locator('input');
  await input.fill(value);
  await input.press('Enter');
  await page.getByTestId('sheet-grid').locator(`td[data-cell="${cell}"]`, { hasText: value }).waitFor({ timeout: 30_000 });
}

async function createProjectFromMail(w: Walk, subject: string): Promise<{ ref: string; projectNumber: string }> {
  const { page } = w;
  const sidebar = page.getByTestId('addon-sidebar');
  /** Opens the mail and waits for its own card (not the previous mail's) with the Create button. */
  const openMail = async () => {
    await page.getByTestId('mail-list').locator('.mail-item', { hasText: subject }).click();
    const card = sidebar.locator('.gcard', { hasText: subject }).first();
    await card.getByRole('button', { name: T[w.lang].create }).waitFor({ timeout: 60_000 });
    // A budget in dollars is not taken as yen: the card asks for the amount, and staff enter it.
    const amount = card.locator('[data-form-name="amount"]');
    if ((await amount.inputValue()) === '') await amount.fill('280000');
    return card;
  };
  await w.view('gmail');
  const card = await openMail();
  await w.checkText(card, `Gmail card "${subject}"`);
  await w.snap('gmail-card');
  await card.getByRole('button', { name: T[w.lang].create }).click();
  const queued = sidebar.locator('.gcard', { hasText: /(?:ジョブ|Job) [0-9a-f]{8}/ });
  await queued.waitFor({ timeout: 60_000 });
  const ref = await w.refIn(queued);
  await w.checkText(queued, 'Gmail queued card');
  await w.snap('gmail-queued');

  // Clicking again makes no second project: the same job answers.
  await page.getByTestId('mail-list').locator('.mail-item', { hasNotText: subject }).first().click();
  await sidebar.locator('.gcard', { hasNotText: subject }).first().waitFor({ timeout: 60_000 });
  await (await openMail()).getByRole('button', { name: T[w.lang].create }).click();
  const again = sidebar.locator('.gcard', { hasText: /(?:ジョブ|Job) [0-9a-f]{8}/ });
  await again.waitFor({ timeout: 60_000 });
  assert.equal(await w.refIn(again), ref, 'the second click names the same job');

  await w.view('chat');
  const message = await w.jobMessage(ref, T[w.lang].done);
  const text = await w.checkText(message, 'project card in Chat');
  await w.snap('chat-project-done');
  const projectNumber = /P-\d{4}-\d{3}/.exec(text)?.[0];
  assert.ok(projectNumber, `the project card names its number:\n${text}`);
  return { ref, projectNumber };
}

async function walkTheWeek(t: TestContext, lang: Lang): Promise<void> {
  if (await skippedWithoutAddon(t)) return;
  const { page, errors } = await openPage(running.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
  const w = new Walk(page, lang, lang === 'en' ? OFFICE_DATA : []);
  await page.goto(`${running.stack.consoleUrl}#/chat`);
  const other = lang === 'ja' ? 'emma@example.co.jp' : 'sato@example.co.jp';
  const me = lang === 'ja' ? 'sato@example.co.jp' : 'emma@example.co.jp';
  // What the other member sees privately before the walk (their own answers from earlier work).
  const privateToOther = async () => {
    await page.locator('#user-switch').selectOption(other);
    await page.locator('article.msg, .empty').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    return page.getByTestId('private-tag').count();
  };
  const othersBefore = await privateToOther();
  await page.locator('#user-switch').selectOption(me);

  // Monday: a request mail becomes a project, once; the morning's other mails are read right, and
  // one more becomes a project (the English one: a new client writing from a person's address).
  const project = await createProjectFromMail(w, lang === 'ja' ? '年末セール ポスター制作のお願い' : 'Spring menu illustrations');
  await readMondayMails(w);
  const secondProject = await createProjectFromMail(w, lang === 'ja' ? 'バレンタイン限定パッケージのご相談' : 'Brochure redesign for our 2027 tours');
  assert.notEqual(secondProject.projectNumber, project.projectNumber);

  // Tuesday: the Schedule sheet's Extensions ▸ tasuki ▸ Sync schedule; the job reports in the team space.
  await page.goto(`${running.stack.consoleUrl}#/sheets?id=sheet-schedule&sheet=Schedule`);
  await page.getByTestId('sheet-grid').waitFor();
  const items = await openExtensions(page);
  const menuText = (await items.allInnerTexts()).join('\n');
  checkWords(menuText, lang, 'Sheets menu', w.data);
  await items.filter({ hasText: lang === 'ja' ? 'スケジュールを同期' : 'Sync schedule' }).first().click();
  const toast = page.locator('.toast', { hasText: /(?:ジョブ|job) [0-9a-f]{8}/ }).first();
  await toast.waitFor({ timeout: 60_000 });
  const toastText = await toast.innerText();
  checkWords(toastText, lang, 'Sheets toast', w.data);
  await w.snap('sheets-sync');
  const sync = /(?:ジョブ|job) ([0-9a-f]{8})/.exec(toastText)![1]!;
  await w.view('chat');
  await w.checkText(await w.jobMessage(sync, T[lang].done), 'schedule sync card');
  await w.snap('chat-sync-done');

  // Wednesday: an estimate, then a second /estimate shows the one already issued.
  await w.view('chat');
  const estimate = await w.refIn(await w.chat(`/estimate ${project.projectNumber}`));
  await w.checkText(await w.jobMessage(estimate, T[lang].done), 'estimate card');
  await w.snap('chat-estimate');
  const second = await w.refIn(await w.chat(`/estimate ${project.projectNumber}`));
  const existing = await w.checkText(await w.jobMessage(second, T[lang].done), 'second estimate card');
  assert.match(existing, lang === 'ja' ? /発行済み/ : /already/i, 'the second /estimate says the estimate exists');
  await w.snap('chat-estimate-existing');
  // Re-issuing needs a reason; without one the answer is the usage, privately.
  const usage = await w.chat(`/estimate ${project.projectNumber} ${lang === 'ja' ? '再発行' : 'reissue'}`);
  await usage.getByTestId('private-tag').waitFor();
  assert.match(await w.checkText(usage, 'reissue without a reason'), lang === 'ja' ? /再発行の使い方/ : /To reissue/);
  const reissue = await w.refIn(await w.chat(`/estimate ${project.projectNumber} ${lang === 'ja' ? '再発行 金額訂正' : 'reissue amount corrected'}`));
  const reissued = await w.checkText(await w.jobMessage(reissue, T[lang].done), 'reissued estimate card');
  const numbers = [...reissued.matchAll(/E-\d{4}-\d{3}/g)].map((m) => m[0]);
  assert.ok(new Set(numbers).size >= 2, `a new number and the voided one:\n${reissued}`);
  assert.match(reissued, lang === 'ja' ? /無効にした番号/ : /Voided number/);
  await w.snap('chat-estimate-reissued');

  // Friday: the project's Ledger row selected, Extensions ▸ tasuki ▸ invoices. The project has no
  // delivery date yet, so a qualified invoice cannot be dated: the card says which cell to fill, in
  // the user's words, and offers no Retry (the menu is run again once the date is in).
  await page.goto(`${running.stack.consoleUrl}#/sheets?id=sheet-ledger&sheet=Ledger`);
  const ledger = page.getByTestId('sheet-grid');
  await ledger.locator('tr', { hasText: project.projectNumber }).locator('th').first().click();
  await (await openExtensions(page)).filter({ hasText: lang === 'ja' ? '選択行の請求書を作成' : 'Generate invoices for selected rows' }).first().click();
  const alert = page.locator('.modal', { hasText: /(?:ジョブ|jobs?) [0-9a-f]{8}/ }).first();
  await alert.waitFor({ timeout: 60_000 });
  const alertText = await alert.innerText();
  checkWords(alertText, lang, 'invoice alert', w.data);
  assert.match(alertText, lang === 'ja' ? /請求書 1件を受け付けました/ : /Queued 1 invoice \(jobs? [0-9a-f]{8}\)/);
  await w.snap('sheets-invoice');
  await alert.getByRole('button', { name: 'OK' }).click();
  const invoice = /(?:ジョブ|jobs?) ([0-9a-f]{8})/.exec(alertText)![1]!;
  await w.view('chat');
  const invoiceCard = await w.jobMessage(invoice, T[lang].failed);
  const invoiceText = await w.checkText(invoiceCard, 'invoice card');
  assert.match(invoiceText, lang === 'ja' ? /「納品日」を入力/ : /Fill in the "Delivered" date of P-\d{4}-\d{3}/);
  assert.equal(await invoiceCard.getByRole('button', { name: T[lang].retry }).count(), 0);
  await w.snap('chat-invoice-needs-date');

  // Friday, continued: the office types the delivery dates into the Ledger and runs the menu again.
  // In English, three rows at once (Emma's two new projects and Blue Harbor's holiday sleeve): three
  // qualified invoices with consecutive numbers, each card in English with the registration number.
  await page.goto(`${running.stack.consoleUrl}#/sheets?id=sheet-ledger&sheet=Ledger`);
  await ledger.locator('tr[data-row="1"]').waitFor();
  const delivered = await columnOf(page, '納品日 Delivered');
  const invoiceProjects = lang === 'ja' ? [project.projectNumber] : [project.projectNumber, secondProject.projectNumber, 'P-2026-011'];
  const invoiceRows: number[] = [];
  for (const number of invoiceProjects) {
    const row = await ledgerRowOf(page, number);
    await typeIntoCell(page, `${delivered}${row}`, '2026-12-02');
    invoiceRows.push(row);
  }
  await w.snap('sheets-delivered-typed');
  for (const [i, row] of invoiceRows.entries()) {
    await ledger.locator(`tr[data-row="${row}"] th`).click(i === 0 ? {} : { modifiers: ['Control'] });
  }
  await (await openExtensions(page)).filter({ hasText: lang === 'ja' ? '選択行の請求書を作成' : 'Generate invoices for selected rows' }).first().click();
  const queuedAlert = page.locator('.modal', { hasText: lang === 'ja' ? /請求書 \d件を受け付けました/ : /Queued \d invoices?/ }).first();
  await queuedAlert.waitFor({ timeout: 60_000 });
  const queuedText = await queuedAlert.innerText();
  checkWords(queuedText, lang, 'second invoice alert', w.data);
  assert.match(queuedText, lang === 'ja' ? /請求書 1件を受け付けました/ : /Queued 3 invoices \(jobs [0-9a-f]{8}, [0-9a-f]{8}, [0-9a-f]{8}\)/);
  const invoiceRefs = [...queuedText.matchAll(/\b([0-9a-f]{8})\b/g)].map((m) => m[1]!);
  assert.equal(invoiceRefs.length, invoiceProjects.length, queuedText);
  assert.ok(!invoiceRefs.includes(invoice), 'with the date filled in, the menu makes a new invoice job, not the refused one');
  await queuedAlert.getByRole('button', { name: 'OK' }).click();
  await w.view('chat');
  const issuedNumbers: number[] = [];
  const issuedDocs: string[] = [];
  for (const ref of invoiceRefs) {
    const card = await w.jobMessage(ref, T[lang].done);
    const cardText = await w.checkText(card, 'issued invoice card');
    assert.match(cardText, /T9010401234567/, 'the registration number is on the card');
    assert.match(cardText, lang === 'ja' ? /10%対象/ : /10%: ¥/);
    const issuedDoc = /I-\d{4}-(\d{3,})/.exec(cardText)!;
    issuedDocs.push(issuedDoc[0]);
    issuedNumbers.push(Number(issuedDoc[1]));
  }
  issuedNumbers.sort((a, b) => a - b);
  assert.deepEqual(issuedNumbers, issuedNumbers.map((_, i) => issuedNumbers[0]! + i), `consecutive invoice numbers: ${issuedNumbers.join(', ')}`);
  await w.snap('chat-invoices-issued');

  // A wrong invoice is reissued from its row in the Documents sheet: Extensions ▸ tasuki ▸ Reissue
  // the selected document… asks for the reason (the card's form as a prompt); the new number's card
  // names the voided one.
  const wrong = issuedDocs[0]!;
  await page.goto(`${running.stack.consoleUrl}#/sheets?id=sheet-ledger&sheet=Documents`);
  await page.getByRole('tab', { name: 'Documents' }).click();
  const documents = page.getByTestId('sheet-grid');
  await documents.locator('tr', { hasText: wrong }).first().locator('th').click();
  await (await openExtensions(page)).filter({ hasText: lang === 'ja' ? '選択行の書類を再発行' : 'Reissue the selected document' }).first().click();
  const prompt = page.locator('.modal.prompt-dialog');
  await prompt.waitFor({ timeout: 60_000 });
  const promptText = await prompt.innerText();
  checkWords(promptText, lang, 'reissue prompt', w.data);
  assert.match(promptText, lang === 'ja' ? new RegExp(`${wrong} を再発行[\\s\\S]*${wrong} を取消にして`) : new RegExp(`Reissue ${wrong}[\\s\\S]*${wrong} will be marked void`));
  await prompt.locator('input').fill(lang === 'ja' ? '宛名訂正のため' : 'wrong addressee');
  await w.snap('sheets-reissue-prompt');
  await prompt.getByRole('button', { name: 'OK' }).click();
  const reissueToast = page.locator('.toast', { hasText: /(?:ジョブ|job) [0-9a-f]{8}/ }).last();
  await reissueToast.waitFor({ timeout: 60_000 });
  const menuReissue = /(?:ジョブ|job) ([0-9a-f]{8})/.exec(await reissueToast.innerText())![1]!;
  await w.view('chat');
  const reissuedInvoice = await w.checkText(await w.jobMessage(menuReissue, T[lang].done), 'invoice reissued from the menu');
  assert.match(reissuedInvoice, lang === 'ja' ? /無効にした番号/ : /Voided number/);
  assert.ok(reissuedInvoice.includes(wrong), `the card names the voided ${wrong}:\n${reissuedInvoice}`);
  await w.snap('chat-invoice-reissued-from-menu');

  // Thursday: a job that cannot succeed says why, offers no Retry, and names the administrator.
  const scrape = await w.refIn(await w.chat('/scrape nosuchportal'));
  const failed = await w.jobMessage(scrape, T[lang].failed);
  const failedText = await w.checkText(failed, 'failed scrape card');
  assert.match(failedText, lang === 'ja' ? /管理者/ : /administrator/);
  assert.equal(await failed.getByRole('button', { name: T[lang].retry }).count(), 0, 'no Retry where it cannot help');
  await w.snap('chat-scrape-failed');

  // The console's job drawer says the same in the viewer's language, whatever the job's: a
  // colleague whose console is in the other language opens this job.
  await w.view('jobs');
  const jobId = await page.locator(`tr[data-job-id^="j-${scrape}"]`).first().getAttribute('data-job-id');
  const viewer: Lang = lang === 'ja' ? 'en' : 'ja';
  const colleague = await openPage(running.browser, { locale: viewer === 'ja' ? 'ja-JP' : 'en-US' });
  await colleague.page.goto(`${running.stack.consoleUrl}#/jobs?id=${jobId}`);
  const drawerError = colleague.page.getByTestId('job-detail').getByTestId('job-error');
  await drawerError.waitFor({ timeout: 30_000 });
  // What staff read (the .code line under it is the operator's: the code and technical detail).
  const shown = (await drawerError.locator(':scope > div:not(.code)').allInnerTexts()).join('\n');
  checkWords(shown, viewer, 'job drawer in the other language');
  if (viewer === 'ja') assert.match(shown, /ポータル「nosuchportal」は登録されていません/);
  else assert.match(shown, /The portal "nosuchportal" is not set up/);
  // The operator's part: each technical value under a label from the catalogue in the viewer's
  // language (the values stay as recorded: the code, and the detail in English).
  const drawer = colleague.page.getByTestId('job-detail');
  assert.equal(await drawer.getByTestId('job-error-code').innerText(), `${OPERATOR_TEXTS.errorCode[viewer]}: unknown_portal`);
  const detail = await drawer.getByTestId('job-error-detail').innerText();
  assert.ok(detail.startsWith(`${OPERATOR_TEXTS.errorDetail[viewer]}: `) && /nosuchportal/.test(detail), detail);
  const labels = await drawer.locator('.section-title, dt, .code .label, .steps small').allInnerTexts();
  assert.ok(labels.length >= 8, labels.join(' | '));
  for (const label of labels) {
    const words = label.replace(/[a-z]+(?:[.:_-][a-z0-9]+)+/g, ''); // a recorded step name (portal:fetch) is a value
    if (viewer === 'ja') assert.match(words, JAPANESE, `an English label in the Japanese drawer: ${label}`);
    else assert.doesNotMatch(words, JAPANESE, `a Japanese label in the English drawer: ${label}`);
  }
  for (const key of ['overview', 'error', 'errorCode', 'errorDetail', 'kind', 'jobId', 'requestedBy', 'input'] as const) {
    assert.ok(labels.includes(OPERATOR_TEXTS[key][viewer]), `${key}: ${labels.join(' | ')}`);
  }
  await screenshot(colleague.page, `week-${lang}-drawer-in-${viewer}`);
  assert.deepEqual(colleague.errors, []);
  await colleague.page.context().close();
  await w.view('chat');

  // Thursday: Google answers 503 for a while; the card says it is retrying, then finishes by itself.
  await fetch(`${running.stack.consoleUrl}console/api/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api: 'sheets', errorRates: { 503: 1 } }) });
  let summary: string;
  try {
    summary = await w.refIn(await w.chat('/summary'));
    const retrying = await w.jobMessage(summary, T[lang].retrying, 120_000);
    const retryingText = await w.checkText(retrying, 'retrying card');
    assert.match(retryingText, lang === 'ja' ? /\d+回目が失敗/ : /attempt \d+/);
    await w.snap('chat-retrying');
  } finally {
    await fetch(`${running.stack.consoleUrl}console/api/faults`, { method: 'DELETE' });
  }
  const recovered = await w.jobMessage(summary, T[lang].done, 180_000);
  const recoveredText = await w.checkText(recovered, 'summary after the 503s');
  assert.doesNotMatch(recoveredText, /再試行|Retrying/);
  await w.snap('chat-summary-recovered');

  // Friday: /jobs and /status answer privately.
  const jobs = await w.chat('/jobs');
  await jobs.getByTestId('private-tag').waitFor();
  const jobsText = await w.checkText(jobs, '/jobs');
  assert.ok(jobsText.includes(project.projectNumber), `/jobs names the project:\n${jobsText}`);
  await w.snap('chat-jobs');
  for (const ref of [project.ref, project.projectNumber]) {
    const status = await w.chat(`/status ${ref}`);
    await status.getByTestId('private-tag').waitFor();
    await status.locator('.gcard').first().waitFor();
    await w.checkText(status, `/status ${ref}`);
  }
  await w.snap('chat-status');

  // Month end: /search answers privately, its result too.
  const search = await w.refIn(await w.chat(lang === 'ja' ? '/search ポスター' : '/search menu'));
  const found = await w.jobMessage(search, T[lang].done);
  await found.getByTestId('private-tag').waitFor();
  await w.checkText(found, '/search result');
  await w.snap('chat-search-private');

  // Another member of the space sees none of the private answers.
  const othersAfter = await privateToOther();
  await page.locator(`article[data-client-id^="client-j-${project.ref}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(`article[data-client-id^="client-j-${search}"]`).count(), 0, 'the /search result is hidden from others');
  assert.equal(othersAfter, othersBefore, 'no private answer of the asker is shown to another user');
  await w.snap('chat-as-other-user');
  await page.locator('#user-switch').selectOption(me);
  await page.locator(`article[data-client-id^="client-j-${search}"]`).waitFor({ timeout: 30_000 });

  assert.deepEqual(errors, []);
  await page.context().close();
}

test('the office week in Japanese (佐藤)', async (t) => walkTheWeek(t, 'ja'));
test('the office week in English (Emma)', async (t) => walkTheWeek(t, 'en'));
