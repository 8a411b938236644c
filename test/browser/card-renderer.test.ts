// The console's Card v2 renderer (local/console/public/cardRenderer.ts) in a real browser:
// widgets render, Chat's HTML subset is kept while anything else is neutralised, and a button's
// action reaches the host with its parameters and the card's current form inputs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { PUBLIC_DIR } from '../../local/console/browserBundle.js';
import { forChatText } from '../../shared/userText.js';
import { launchBrowser, openPage, screenshot } from '../support/browser.js';

let browser: Browser;
let page: Page;
let errors: string[];

before(async () => {
  const out = await build({ entryPoints: [PUBLIC_DIR + 'cardRenderer.ts'], bundle: true, write: false, format: 'iife', globalName: 'CardRenderer', target: 'es2022', logLevel: 'silent' });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser));
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><div id="root" style="padding:16px;width:560px"></div></body></html>');
  await page.addStyleTag({ path: PUBLIC_DIR + 'styles.css' });
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
});

after(async () => {
  await browser?.close();
});

const CARD = {
  header: { title: '案件の作成 <b>Create</b>', subtitle: '株式会社アクメ', imageUrl: 'https://unreachable.invalid/logo.png', imageType: 'CIRCLE' },
  sections: [
    {
      header: 'Request',
      widgets: [
        { textParagraph: { text: '<b>納期</b> 12/20<br><font color="#d93025">urgent</font> <a href="https://example.com/x">link</a> <a href="javascript:alert(1)">bad</a><script>window.pwned = 1</script><img src=x onerror="window.pwned=2">' } },
        { decoratedText: { topLabel: 'Client', text: 'Acme', bottomLabel: 'tanaka@acme.example', startIcon: { knownIcon: 'PERSON' } } },
        { textInput: { name: 'title', label: 'Title', value: 'Poster' } },
        { selectionInput: { name: 'kind', label: 'Kind', type: 'DROPDOWN', items: [{ text: 'Estimate', value: 'estimate' }, { text: 'Invoice', value: 'invoice', selected: true }] } },
        { selectionInput: { name: 'notify', label: 'Notify', type: 'CHECK_BOX', items: [{ text: 'Chat', value: 'chat', selected: true }, { text: 'Mail', value: 'mail' }] } },
        { divider: {} },
        { grid: { title: 'Files', columnCount: 2, items: [{ id: 'a', title: 'brief.pdf' }, { id: 'b', title: 'ref.png' }] } },
        { columns: { columnItems: [{ widgets: [{ textParagraph: { text: 'left' } }] }, { widgets: [{ textParagraph: { text: 'right' } }] }] } },
        { image: { imageUrl: 'https://unreachable.invalid/chart.png', altText: 'chart' } },
        { someFutureWidget: {} },
        {
          buttonList: {
            buttons: [
              { text: 'Create project', type: 'FILLED', onClick: { action: { function: 'onCreateProject', parameters: [{ key: 'messageId', value: 'm-1' }] } } },
              { text: 'Open', onClick: { openLink: { url: 'https://example.com/open' } } },
            ],
          },
        },
      ],
    },
  ],
};

test('every widget renders; unknown widgets leave a visible placeholder; broken images fall back to their alt text', async () => {
  const summary = await page.evaluate((card) => {
    const w = window as any;
    const root = document.getElementById('root')!;
    root.replaceChildren(w.CardRenderer.renderCard(card, {}));
    return {
      title: root.querySelector('.gcard-title')?.textContent,
      bold: root.querySelector('.gcard-title b')?.textContent,
      inputs: Array.from(root.querySelectorAll('[data-form-name]')).map((e) => (e as HTMLElement).dataset.formName),
      gridItems: root.querySelectorAll('.gcard-grid-item').length,
      columns: root.querySelectorAll('.gcard-columns > div').length,
      dividers: root.querySelectorAll('hr.gcard-divider').length,
      unknown: root.querySelector('.gcard-unknown')?.textContent,
      buttons: Array.from(root.querySelectorAll('button.gbtn')).map((b) => [b.textContent, b.classList.contains('filled')]),
    };
  }, CARD);
  // Chat draws card header titles as plain text (only section headers and text widgets take HTML).
  assert.equal(summary.title, '案件の作成 <b>Create</b>');
  assert.equal(summary.bold, undefined);
  assert.deepEqual(summary.inputs, ['title', 'kind', 'notify', 'notify']);
  assert.equal(summary.gridItems, 2);
  assert.equal(summary.columns, 2);
  assert.equal(summary.dividers, 1);
  assert.equal(summary.unknown, '[someFutureWidget]');
  assert.deepEqual(summary.buttons, [['Create project', true], ['Open', false]]);
  await page.locator('.img-fallback', { hasText: 'chart' }).waitFor();
  await screenshot(page, 'card-renderer');
});

test("Chat's HTML subset is kept; scripts, event handlers and javascript: links are not", async () => {
  const result = await page.evaluate(() => {
    const w = window as any;
    const root = document.getElementById('root')!;
    const p = root.querySelector('.gcard-text')!;
    return {
      html: p.innerHTML,
      scripts: root.querySelectorAll('script').length,
      imgs: p.querySelectorAll('img').length,
      links: Array.from(p.querySelectorAll('a')).map((a) => a.getAttribute('href')),
      color: (p.querySelector('span[style]') as HTMLElement | null)?.style.color,
      pwned: w.pwned ?? null,
    };
  });
  assert.equal(result.scripts, 0);
  assert.equal(result.imgs, 0);
  assert.deepEqual(result.links, ['https://example.com/x']);
  assert.equal(result.color, 'rgb(217, 48, 37)');
  assert.equal(result.pwned, null);
  assert.match(result.html, /<b>納期<\/b>/);
  assert.doesNotMatch(result.html, /pwned/, 'script text is dropped, not shown');
});

test("a button's action reaches the host with its parameters and the card's current form inputs", async () => {
  // A string, not a function: tsx's name-keeping helper (__name) does not exist in the page.
  await page.evaluate(`(() => {
    window.actions = [];
    const handlers = {};
    handlers.onAction = (e) => window.actions.push(e);
    document.getElementById('root').replaceChildren(window.CardRenderer.renderCard(${JSON.stringify(CARD)}, handlers));
  })()`);
  await page.locator('[data-form-name="title"]').fill('Poster A1 × 3');
  await page.locator('[data-form-name="kind"]').selectOption('estimate');
  await page.getByRole('button', { name: 'Create project' }).click();
  const actions = await page.evaluate(() => (window as any).actions);
  assert.deepEqual(actions, [
    {
      functionName: 'onCreateProject',
      parameters: { messageId: 'm-1' },
      formInputs: { title: ['Poster A1 × 3'], kind: ['estimate'], notify: ['chat'] },
    },
  ]);
});

test("Chat message text formatting: bold, italic, strike, code, links", async () => {
  const html = await page.evaluate(() => {
    const div = document.createElement('div');
    div.append((window as any).CardRenderer.chatText('*done* _soon_ ~old~ `P-2026-014` <https://example.com/f|folder> <javascript:alert(1)|x>'));
    return div.innerHTML;
  });
  assert.match(html, /<b>done<\/b>/);
  assert.match(html, /<i>soon<\/i>/);
  assert.match(html, /<s>old<\/s>/);
  assert.match(html, /<code>P-2026-014<\/code>/);
  assert.match(html, /<a href="https:\/\/example\.com\/f"[^>]*>folder<\/a>/);
  assert.doesNotMatch(html, /href="javascript/);
  assert.deepEqual(errors, []);
});

test('Chat message text: mentions and labelled links render; user text defused by forChatText stays text', async () => {
  const { rendered, defused } = await page.evaluate((defusedText) => {
    const [raw, safe] = ['<users/all> <https://example.com|click> *x*', defusedText].map((text) => {
      const div = document.createElement('div');
      div.append((window as any).CardRenderer.chatText(text));
      return div;
    });
    return { rendered: raw!.innerHTML, defused: { elements: safe!.querySelectorAll('*').length, text: safe!.textContent } };
  }, forChatText('<users/all> <https://example.com|click> *x*'));
  assert.match(rendered, /<b class="mention">@all<\/b>/);
  assert.match(rendered, /<a href="https:\/\/example\.com\/"[^>]*>click<\/a>/);
  assert.match(rendered, /<b>x<\/b>/);
  assert.equal(defused.elements, 0, 'no element: no mention, link or bold');
  assert.equal(defused.text, forChatText('<users/all> <https://example.com|click> *x*'));
});
