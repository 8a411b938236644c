/**
 * Sheets: every sandbox spreadsheet (ledger, schedule…) with its sheets as grids: column letters,
 * row numbers, the header row pinned. Rows are selectable from their row numbers (click, Shift for
 * a range, Ctrl/⌘ to toggle; Space/Enter from the keyboard) and the toolbar's
 * **Extensions ▸ tasuki** menu runs the add-on's items on the selected rows. A double-click on a
 * cell edits it as a person types into Sheets (Enter saves, Escape cancels; POST
 * /console/api/sheets/:id/cell). Cells written by jobs (status write-back, new ledger rows)
 * appear live and flash briefly.
 */
import { api } from '../api.js';
import { applyAddonResponse } from '../addonSlot.js';
import { debounce, fill, h } from '../dom.js';
import { lang, t } from '../i18n.js';
import { consoleHrefFor } from '../links.js';
import { onLive } from '../live.js';
import { currentUser, getMeta } from '../session.js';
import { emptyState, errorBox, errorText, loading, toast } from '../ui.js';
import type { View } from '../view.js';

type Sheet = { title: string; values: unknown[][] };
type Spreadsheet = { id: string; title: string; sheets: Sheet[]; error?: string };

export class SheetsView implements View {
  readonly id = 'sheets';
  /** "1 row selected" / "3 rows selected" / the hint when nothing is. */
  private selectionText(): string {
    const n = this.selected.size;
    if (n === 0) return t('sheets.selectHint');
    return n === 1 ? t('sheets.selectedOne') : t('sheets.selected', { n });
  }

  private books: Spreadsheet[] = [];
  private bookId = '';
  private sheetTitle = '';
  private selected = new Set<number>();
  private anchor: number | null = null;
  private body?: HTMLElement;
  private offs: Array<() => void> = [];
  private menuItems: Array<{ label: string; functionName: string }> | null = null;
  private menuError: string | null = null;
  private previous = new Map<string, string>();
  private pendingRender = false;

  mount(container: HTMLElement, params: URLSearchParams): void {
    this.body = h('div');
    fill(container, this.body);
    fill(this.body, loading());
    this.bookId = params.get('id') ?? getMeta().ledgerSpreadsheetId;
    this.sheetTitle = params.get('sheet') ?? '';
    const reload = debounce(() => void this.load(), 150);
    this.offs.push(onLive('sandbox', (c) => (c.api === 'sheets' || (c.api === 'drive' && c.kind === 'file')) && reload()));
    this.offs.push(onLive('reconnect', reload));
    void this.load();
    void this.loadMenu();
  }

  update(params: URLSearchParams): void {
    const id = params.get('id');
    if (id && id !== this.bookId) {
      this.bookId = id;
      this.sheetTitle = params.get('sheet') ?? '';
      this.selected.clear();
      this.render();
    }
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private async load(): Promise<void> {
    try {
      const { spreadsheets } = await api.get<{ spreadsheets: Spreadsheet[] }>('/sheets');
      this.books = spreadsheets;
      this.render();
    } catch (err) {
      fill(this.body!, errorBox(err));
    }
  }

  private async loadMenu(): Promise<void> {
    if (!getMeta().addon) return;
    try {
      const { items } = await api.get<{ items: Array<{ label: string; functionName: string }> }>(`/addon/sheets/menu?user=${encodeURIComponent(currentUser().email)}&locale=${lang()}`);
      this.menuItems = items;
    } catch (err) {
      this.menuError = errorText(err);
    }
  }

  private render(): void {
    const body = this.body!;
    // Never pull the Extensions menu or a cell being typed into out from under the person; draw once it closes.
    if (body.querySelector('.menu, .cell-input')) {
      this.pendingRender = true;
      return;
    }
    this.pendingRender = false;
    if (!this.books.length) {
      fill(body, emptyState(t('sheets.none'), '', '▦'));
      return;
    }
    const book = this.books.find((b) => b.id === this.bookId) ?? this.books[0]!;
    this.bookId = book.id;
    const sheet = book.sheets.find((s) => s.title === this.sheetTitle) ?? book.sheets[0];
    this.sheetTitle = sheet?.title ?? '';
    const scroller = body.querySelector<HTMLElement>('.grid-wrap');
    const scroll = scroller ? { top: scroller.scrollTop, left: scroller.scrollLeft } : null;
    const bookSelect = h(
      'select',
      { class: 'input', style: 'width:auto;min-width:220px', 'aria-label': t('nav.sheets') },
      this.books.map((b) => h('option', { value: b.id, selected: b.id === book.id ? true : undefined }, b.title)),
    );
    bookSelect.addEventListener('change', () => {
      location.hash = `#/sheets?id=${encodeURIComponent(bookSelect.value)}`;
    });
    fill(
      body,
      h(
        'div',
        { class: 'toolbar' },
        bookSelect,
        this.extensionsMenu(book, sheet),
        h('span', { class: 'muted', 'data-testid': 'selection-count', 'aria-live': 'polite' }, this.selectionText()),
        h('div', { class: 'spacer' }),
        h('span', { class: 'chip' }, book.id),
      ),
      book.error ? errorBox(new Error(book.error)) : null,
      h(
        'div',
        { class: 'sheet-tabs', role: 'tablist' },
        book.sheets.map((s) =>
          h(
            'button',
            {
              type: 'button',
              role: 'tab',
              'aria-selected': String(s.title === this.sheetTitle),
              onclick: () => {
                this.sheetTitle = s.title;
                this.selected.clear();
                this.render();
              },
            },
            s.title,
          ),
        ),
      ),
      sheet ? this.grid(book, sheet) : h('div', { class: 'grid-wrap' }, emptyState(t('sheets.empty'), '', '▦')),
    );
    const next = body.querySelector<HTMLElement>('.grid-wrap');
    if (next && scroll) {
      next.scrollTop = scroll.top;
      next.scrollLeft = scroll.left;
    }
  }

  private grid(book: Spreadsheet, sheet: Sheet): HTMLElement {
    const rows = sheet.values;
    if (!rows.length) return h('div', { class: 'grid-wrap' }, emptyState(t('sheets.empty'), '', '▦'));
    const width = Math.max(...rows.map((r) => r.length), 1);
    const letters = Array.from({ length: width }, (_, i) => columnLetter(i));
    const tbody = h('tbody');
    rows.forEach((row, i) => {
      const rowNumber = i + 1;
      const key = `${book.id}/${sheet.title}/${rowNumber}`;
      const sig = JSON.stringify(row);
      const changed = this.previous.has(key) && this.previous.get(key) !== sig;
      this.previous.set(key, sig);
      const rowHead = h('th', { scope: 'row', tabindex: rowNumber === 1 ? undefined : '0', 'aria-label': `row ${rowNumber}` }, String(rowNumber));
      const tr = h(
        'tr',
        { class: [rowNumber === 1 ? 'header' : '', changed ? 'flash' : ''].filter(Boolean).join(' '), 'data-row': String(rowNumber), 'aria-selected': this.selected.has(rowNumber) ? 'true' : undefined },
        rowHead,
        letters.map((_, c) => {
          const v = row[c];
          const text = v === undefined || v === null ? '' : String(v);
          const local = /^https?:\/\//.test(text) ? consoleHrefFor(text) : null;
          const td = h(
            'td',
            { class: typeof v === 'number' || /^-?[\d,]+(\.\d+)?$/.test(text) ? 'numcell' : undefined, title: text.length > 30 ? text : undefined, 'data-cell': `${letters[c]}${rowNumber}` },
            local ? h('a', { href: local }, text) : text,
          );
          td.addEventListener('dblclick', () => this.editCell(book, sheet, td, rowNumber, c + 1, text));
          return td;
        }),
      );
      if (rowNumber > 1) {
        const select = (e: MouseEvent | KeyboardEvent) => this.toggleRow(rowNumber, e.shiftKey, e.ctrlKey || e.metaKey);
        rowHead.addEventListener('click', select);
        rowHead.addEventListener('keydown', (e) => {
          if (e.key === ' ' || e.key === 'Enter') {
            e.preventDefault();
            select(e);
          }
        });
      }
      tbody.appendChild(tr);
    });
    return h(
      'div',
      { class: 'grid-wrap', 'data-testid': 'sheet-grid' },
      h('table', { class: 'grid', 'aria-label': `${book.title} — ${sheet.title}` }, h('thead', null, h('tr', null, h('th', null, ''), letters.map((l) => h('th', { scope: 'col' }, l)))), tbody),
    );
  }

  /** Types into one cell: an input in place of its text; Enter writes it, Escape or leaving it cancels. */
  private editCell(book: Spreadsheet, sheet: Sheet, td: HTMLElement, row: number, column: number, text: string): void {
    if (td.querySelector('input')) return;
    const input = h('input', { class: 'cell-input', value: text, 'aria-label': `${td.dataset.cell}` }) as HTMLInputElement;
    let done = false;
    const finish = async (save: boolean) => {
      if (done) return;
      done = true;
      const typed = input.value;
      // The input leaves first, so the reload below may draw the grid again.
      fill(td, save ? typed : text);
      if (save && typed !== text) {
        try {
          await api.post(`/sheets/${encodeURIComponent(book.id)}/cell`, { sheet: sheet.title, row, column, value: typed });
        } catch (err) {
          toast(errorText(err), 'error');
        }
      }
      void this.load();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void finish(true);
      else if (e.key === 'Escape') void finish(false);
    });
    input.addEventListener('blur', () => void finish(false));
    fill(td, input);
    input.focus();
    input.select();
  }

  private toggleRow(row: number, range: boolean, toggle: boolean): void {
    if (range && this.anchor !== null) {
      const [a, b] = this.anchor < row ? [this.anchor, row] : [row, this.anchor];
      if (!toggle) this.selected.clear();
      for (let r = a; r <= b; r++) this.selected.add(r);
    } else if (toggle) {
      if (this.selected.has(row)) this.selected.delete(row);
      else this.selected.add(row);
      this.anchor = row;
    } else {
      const only = this.selected.size === 1 && this.selected.has(row);
      this.selected.clear();
      if (!only) this.selected.add(row);
      this.anchor = row;
    }
    for (const tr of Array.from(this.body!.querySelectorAll<HTMLElement>('tr[data-row]'))) {
      if (this.selected.has(Number(tr.dataset.row))) tr.setAttribute('aria-selected', 'true');
      else tr.removeAttribute('aria-selected');
    }
    const count = this.body!.querySelector('[data-testid="selection-count"]');
    if (count) count.textContent = this.selectionText();
  }

  private extensionsMenu(book: Spreadsheet, sheet: Sheet | undefined): HTMLElement {
    const button = h('button', { class: 'btn', type: 'button', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'data-testid': 'extensions-menu' }, t('sheets.extensions'), ' ▾');
    const wrap = h('div', { class: 'menu-wrap' }, button);
    let menu: HTMLElement | undefined;
    const close = () => {
      menu?.remove();
      menu = undefined;
      button.setAttribute('aria-expanded', 'false');
      document.removeEventListener('click', outside, true);
      if (this.pendingRender) this.render();
    };
    const outside = (e: Event) => {
      if (!wrap.contains(e.target as Node)) close();
    };
    button.addEventListener('click', () => {
      if (menu) return close();
      const items = this.menuItems;
      menu = h(
        'div',
        { class: 'menu', role: 'menu' },
        h('div', { class: 'menu-title' }, 'tasuki'),
        !getMeta().addon
          ? h('div', { style: 'padding:4px 10px;max-width:280px', class: 'muted' }, t('addon.missing.body', { what: t('addon.what.sheets') }))
          : this.menuError
            ? h('div', { style: 'padding:4px 10px', class: 'muted' }, this.menuError)
            : !items?.length
              ? h('div', { style: 'padding:4px 10px', class: 'muted' }, items ? t('sheets.menuEmpty') : t('common.loading'))
              : items.map((item) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      role: 'menuitem',
                      onclick: () => {
                        close();
                        void this.runMenu(book, sheet, item.functionName);
                      },
                    },
                    item.label,
                  ),
                ),
      );
      menu.addEventListener('keydown', (e) => {
        const buttons = Array.from(menu!.querySelectorAll<HTMLButtonElement>('button'));
        const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
        if (e.key === 'Escape') {
          close();
          button.focus();
        } else if (e.key === 'ArrowDown') {
          e.preventDefault();
          buttons[(i + 1) % buttons.length]?.focus();
        } else if (e.key === 'ArrowUp') {
          e.preventDefault();
          buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
        }
      });
      wrap.appendChild(menu);
      button.setAttribute('aria-expanded', 'true');
      menu.querySelector<HTMLButtonElement>('button')?.focus();
      document.addEventListener('click', outside, true);
    });
    return wrap;
  }

  private async runMenu(book: Spreadsheet, sheet: Sheet | undefined, functionName: string, promptAnswers: Array<{ button: string; text: string }> = []): Promise<void> {
    try {
      const { response } = await api.post<{ response: unknown }>('/addon/sheets/menu', {
        user: currentUser().email,
        spreadsheetId: book.id,
        sheetName: sheet?.title ?? '',
        selectedRows: Array.from(this.selected).sort((a, b) => a - b),
        functionName,
        locale: lang(),
        ...(promptAnswers.length ? { promptAnswers } : {}),
      });
      applyAddonResponse('SHEETS', response, {
        // Ui.prompt blocks the script in Apps Script; here the item runs again with the answer.
        onPromptAnswer: (answer) => {
          if (answer.button !== 'CLOSE') void this.runMenu(book, sheet, functionName, [...promptAnswers, answer]);
        },
      });
    } catch (err) {
      toast(`${t('addon.failed')}: ${errorText(err)}`, 'error');
    }
  }
}

function columnLetter(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
