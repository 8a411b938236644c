// shared/userText.ts: user text is escaped for each place it lands. The Chat cases are Google's
// documented formatting syntax ("Format messages": Chat markup and Markdown), read back through the
// sandbox's model of how Chat renders text (local/sandbox/chatFormatting.ts), which must find
// markup in each raw case and none once it is escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatMarkup, parseChatText } from '../local/sandbox/chatFormatting.js';
import { forCardHtml, forChatText, forDocsValue, forDriveName, forMailHeader } from '../shared/userText.js';

/** Google's documented syntax, each with what Chat would make of it. */
const CHAT_SYNTAX: Array<[string, string]> = [
  ['*hello*', 'bold'],
  ['_hello_', 'italic'],
  ['~hello~', 'strike'],
  ['`hello`', 'code'],
  ['```\nHello\nWorld\n```', 'pre'],
  ['* This is the first item in the list', 'block'],
  ['- This is the first item in the list', 'block'],
  ['> hello', 'block'],
  ['<https://example.com|Example website>', 'link'],
  ['<https://www.example.com/>', 'link'],
  ['https://www.example.com/', 'link'],
  ['www.example.com', 'link'],
  ['<users/123456789012345678901>', 'mention'],
  ['<users/all>', 'mention'],
  // MARKUP_SYNTAX_MARKDOWN
  ['**hello**', 'bold'],
  ['~~hello~~', 'strike'],
  ['[Example website](https://example.com)', 'link'],
  ['# heading', 'block'],
  ['1. first', 'block'],
];

/** What a reader sees: the look-alikes read as the characters they stand for. */
function asRead(text: string): string {
  const back: Record<string, string> = { '\u02C2': '<', '\u02C3': '>', '\u2217': '*', '\u223C': '~', '\u02CB': '`', '\u02CD': '_', '\u2236': ':', '\u2024': '.', '\uFF3D': ']', '\uFF06': '&' };
  return text.replace(/[\u02C2\u02C3\u2217\u223C\u02CB\u02CD\u2236\u2024\uFF3D\uFF06]/g, (c) => back[c]!).replace(/\u200B/g, '');
}

test('every documented Chat syntax is markup when raw and plain text once escaped, reading the same', () => {
  for (const [raw, kind] of CHAT_SYNTAX) {
    assert.ok(chatMarkup(raw).some((t) => t.kind === kind), `the model reads ${JSON.stringify(raw)} as ${kind}`);
    const escaped = forChatText(raw);
    assert.deepEqual(chatMarkup(escaped), [], `${JSON.stringify(raw)} → ${JSON.stringify(escaped)} is plain`);
    assert.equal(asRead(escaped), raw.replace(/\n/g, ' '), 'reads the same (line breaks as spaces)');
    // Inside a sentence too, as jobs use it.
    assert.deepEqual(chatMarkup(`新しい案件 P-2026-001: ${escaped} — ${escaped}`), [], raw);
  }
});

test('the issue title stays literal; intraword underscores and plain Japanese are left alone', () => {
  const title = '<users/all> <https://example.com|click> *x*';
  assert.equal(forChatText(title), '\u02C2users/all\u02C3 \u02C2https\u2236//example.com|click\u02C3 \u2217x\u2217');
  assert.deepEqual(parseChatText(forChatText(title)), [{ kind: 'text', text: forChatText(title) }]);
  assert.equal(forChatText('TASUKI_CHAT_SPACE file_name.pdf'), 'TASUKI_CHAT_SPACE file_name.pdf');
  assert.equal(forChatText('株式会社アクメ 夏季キャンペーン ポスター 2026-06-20 ¥180,000'), '株式会社アクメ 夏季キャンペーン ポスター 2026-06-20 ¥180,000');
  assert.equal(forChatText('a\r\nb\nc\u2028d'), 'a b c d');
  assert.equal(forChatText('&lt;users/all&gt; & co'), '\uFF06lt;users/all\uFF06gt; & co');
});

test('bidirectional overrides and control characters are removed everywhere', () => {
  const spoof = 'invoice\u202Efdp.exe\u0007';
  assert.equal(forChatText(spoof), 'invoicefdp.exe');
  assert.equal(forCardHtml(spoof), 'invoicefdp.exe');
  assert.equal(forDocsValue(spoof), 'invoicefdp.exe');
  assert.equal(forDriveName(spoof), 'invoicefdp.exe');
  assert.equal(forChatText('a\u2066b\u2069c'), 'abc');
});

test('card HTML: Chat\'s tags and entities show as typed', () => {
  assert.equal(forCardHtml('<a href="https://evil.example">x</a> & <b>y</b> \'z\''), '&lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt; &amp; &lt;b&gt;y&lt;/b&gt; &#39;z&#39;');
  assert.equal(forCardHtml('&lt;'), '&amp;lt;', 'an entity stays the characters typed');
  assert.equal(forCardHtml('line 1\nline 2'), 'line 1\nline 2');
});

test('Docs values never contain a placeholder; Drive names are one clean line', () => {
  assert.equal(forDocsValue('{{amount}} and {{{title}}}'), '{\u2060{amount}} and {\u2060{\u2060{title}}}');
  assert.ok(!forDocsValue('{{client}}').includes('{{'));
  assert.equal(forDocsValue('{ single } braces'), '{ single } braces');
  assert.equal(forDriveName('  P-2026-001 \n 株式会社アクメ\t\tポスター  '), 'P-2026-001 株式会社アクメ ポスター');
  assert.equal(forDriveName('\u202E\u0000'), '_');
});

test('mail header values stay on one line', () => {
  assert.equal(forMailHeader('tanaka@acme.example\r\nBcc: everyone@example.com'), 'tanaka@acme.example Bcc: everyone@example.com');
  assert.equal(forMailHeader('<abc@mail.example>'), '<abc@mail.example>');
});
