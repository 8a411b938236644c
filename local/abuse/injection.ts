/**
 * Text-injection strings for every user field, and the scan that decides whether any of them
 * became markup where it landed. The strings are Chat's documented formatting (both syntaxes),
 * the HTML Chat cards accept, Docs placeholders, spreadsheet formulas, direction overrides and
 * header breaks. The scan reads the sandbox's own state after the jobs ran:
 *
 * - Chat: every message the app wrote since `since`: any USER_MENTION annotation, or anything the
 *   sandbox's model of Chat formatting (chatFormatting.ts) reads as markup in its text; any HTML
 *   tag in the card fields Chat renders as HTML. tasuki's own texts and cards carry no markup,
 *   so whatever is found came from user text.
 * - Sheets: a cell holding a formula made from one of the strings.
 * - Drive: a name with a line break, a control character or a direction override.
 */
import { cardMarkup, chatMarkup } from '../sandbox/chatFormatting.js';
import type { ChatMessage } from '../sandbox/chatApi.js';
import type { DriveFile } from '../sandbox/driveApi.js';
import type { SandboxState } from '../sandbox/sandboxState.js';
import type { StoredSpreadsheet } from '../sandbox/sheetsModel.js';

export const INJECTION_STRINGS: readonly string[] = [
  '<users/all>',
  '<users/123456789012345678901> 確認お願いします',
  '<https://evil.example/login|請求書を確認>',
  '<https://evil.example>',
  'https://evil.example/pay',
  'www.evil.example',
  '*至急* _重要_ ~取消~',
  '**bold** ~~strike~~',
  '`code` ```block```',
  '[ここをクリック](https://evil.example)',
  '# 見出し',
  '- 箇条書き',
  '> 引用',
  '<a href="https://evil.example">株式会社アクメ</a>',
  '<b>太字</b><font color="#ff0000">赤</font>',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '&lt;users/all&gt;',
  '{{amount}} {{client}}',
  '=HYPERLINK("https://evil.example","領収書")',
  '+SUM(1,2)',
  'invoice\u202Efdp.exe',
  'line one\nline two\n* item',
  'a@example.com\r\nBcc: everyone@example.co.jp',
];

export type MarkupFound = { where: string; what: string };

const CONTROLS_IN_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Everything in the sandbox since `since` (ISO time) where user text became markup. */
export function scanForMarkup(state: SandboxState, since: string, strings: readonly string[] = INJECTION_STRINGS): MarkupFound[] {
  const found: MarkupFound[] = [];
  for (const m of state.list<ChatMessage>('chat', 'message')) {
    if (m.sender.type !== 'BOT' || (m.lastUpdateTime ?? m.createTime) < since) continue;
    for (const a of m.annotations ?? []) found.push({ where: m.name, what: `mention ${a.userMention.user.name}` });
    for (const t of chatMarkup(m.text ?? '')) found.push({ where: `${m.name} text`, what: `${t.kind} ${JSON.stringify(t.text).slice(0, 60)}` });
    for (const t of cardMarkup(m.cardsV2)) found.push({ where: `${m.name} ${t.path}`, what: t.tag.slice(0, 60) });
  }
  for (const ss of state.list<StoredSpreadsheet>('sheets', 'spreadsheet')) {
    for (const sheet of ss.sheets) {
      sheet.rows.forEach((row, r) =>
        row.forEach((cell, c) => {
          if (cell?.x && strings.some((s) => cell.x!.includes(s.slice(1)))) found.push({ where: `${ss.spreadsheetId} ${sheet.properties.title} R${r + 1}C${c + 1}`, what: `formula ${cell.x}` });
        }),
      );
    }
  }
  for (const f of state.list<DriveFile>('drive', 'file')) {
    if ((f.createdTime ?? '') >= since && CONTROLS_IN_NAME.test(f.name)) found.push({ where: `drive ${f.id}`, what: `name ${JSON.stringify(f.name)}` });
  }
  return found;
}
