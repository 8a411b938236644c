/**
 * SpreadsheetApp for the shim: enough for the Sheets menu — the active spreadsheet and sheet, the
 * user's selection (given by the caller as row numbers), cell values read through the sandbox's
 * Sheets REST API, and the UI (add-on menu, alert, toast, modal dialog, prompt) recorded as events
 * the console shows and tests check.
 *
 * `Ui.prompt` blocks the script until the person answers, in Apps Script. Here the caller gives
 * the answers up front (`promptAnswers`, consumed in order); a prompt with no answer left is
 * recorded and answered as closed (Button.CLOSE), which is what the script sees when the person
 * dismisses it. The console runs the item once, shows the recorded prompt, and runs it again with
 * the person's answer (local/console/public/addonSlot.ts).
 */
/// <reference types="google-apps-script" />
import type { SubsetOf } from './cardService.js';
import type { HtmlOutputShim } from './basicServices.js';

export type PromptButton = 'OK' | 'CANCEL' | 'YES' | 'NO' | 'CLOSE';
export type PromptAnswer = { button: PromptButton; text?: string };
export type SheetSelection = { spreadsheetId: string; sheetName: string; selectedRows: number[]; promptAnswers?: PromptAnswer[] };
export type UiEvent =
  | { type: 'menu'; title: string; items: Array<{ label: string; functionName: string }> }
  | { type: 'alert'; title?: string; message: string }
  | { type: 'toast'; title?: string; message: string }
  | { type: 'dialog'; title: string; html: string }
  | { type: 'prompt'; title: string; message: string; buttons: string; answered: PromptButton; text: string };

export type SheetsReader = {
  values(spreadsheetId: string, rangeA1: string): unknown[][];
  sheetNames(spreadsheetId: string): string[];
};

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export class RangeShim {
  constructor(
    private readonly reader: SheetsReader,
    private readonly spreadsheetId: string,
    private readonly sheetName: string,
    private readonly row: number,
    private readonly column: number,
    private readonly numRows: number,
    private readonly numColumns: number,
  ) {}
  getRow(): number {
    return this.row;
  }
  getColumn(): number {
    return this.column;
  }
  getNumRows(): number {
    return this.numRows;
  }
  getNumColumns(): number {
    return this.numColumns;
  }
  getA1Notation(): string {
    return `${columnLetter(this.column)}${this.row}:${columnLetter(this.column + this.numColumns - 1)}${this.row + this.numRows - 1}`;
  }
  getValues(): unknown[][] {
    const a1 = `'${this.sheetName.replace(/'/g, "''")}'!${this.getA1Notation()}`;
    const rows = this.reader.values(this.spreadsheetId, a1);
    // The API omits trailing empty rows and cells; Apps Script pads with ''.
    return Array.from({ length: this.numRows }, (_, i) => Array.from({ length: this.numColumns }, (_, j) => rows[i]?.[j] ?? ''));
  }
}

export class RangeListShim {
  constructor(private readonly ranges: RangeShim[]) {}
  getRanges(): RangeShim[] {
    return this.ranges;
  }
}

export class SheetShim {
  constructor(
    private readonly reader: SheetsReader,
    private readonly spreadsheetId: string,
    private readonly name: string,
    private readonly selectedRows: number[],
  ) {}
  getName(): string {
    return this.name;
  }
  /** The last column with content; here the width of row 1 as the Sheets API returns it (trailing blanks trimmed). */
  getLastColumn(): number {
    const row1 = this.reader.values(this.spreadsheetId, `'${this.name.replace(/'/g, "''")}'!1:1`)[0] ?? [];
    return row1.length;
  }
  getRange(row: number, column: number, numRows = 1, numColumns = 1): RangeShim {
    return new RangeShim(this.reader, this.spreadsheetId, this.name, row, column, numRows, numColumns);
  }
  /** Contiguous blocks of the selected rows, each a full-width range as a row selection is. */
  getActiveRangeList(): RangeListShim | null {
    if (this.selectedRows.length === 0) return null;
    const rows = [...new Set(this.selectedRows)].sort((a, b) => a - b);
    const ranges: RangeShim[] = [];
    let start = rows[0]!;
    let prev = start;
    for (const r of [...rows.slice(1), Infinity]) {
      if (r === prev + 1) {
        prev = r;
        continue;
      }
      ranges.push(this.getRange(start, 1, prev - start + 1, 26));
      start = prev = r;
    }
    return new RangeListShim(ranges);
  }
  getActiveRange(): RangeShim | null {
    return this.getActiveRangeList()?.getRanges()[0] ?? null;
  }
}

export function createSpreadsheetApp(reader: SheetsReader, selection: () => SheetSelection | undefined, ui: (event: UiEvent) => void) {
  const current = () => {
    const s = selection();
    if (!s) throw new Error('SpreadsheetApp: no active spreadsheet (this call has no Sheets context)');
    return s;
  };
  const spreadsheet = () => {
    const s = current();
    return {
      getId: () => s.spreadsheetId,
      getActiveSheet: () => new SheetShim(reader, s.spreadsheetId, s.sheetName, s.selectedRows),
      getSheetByName: (name: string) => (reader.sheetNames(s.spreadsheetId).includes(name) ? new SheetShim(reader, s.spreadsheetId, name, []) : null),
      toast: (message: string, title?: string) => ui({ type: 'toast', message: String(message), ...(title ? { title } : {}) }),
    };
  };
  const menu = (title: string) => {
    const items: Array<{ label: string; functionName: string }> = [];
    const m = {
      addItem(label: string, functionName: string) {
        items.push({ label, functionName });
        return m;
      },
      addSeparator() {
        return m;
      },
      addToUi() {
        ui({ type: 'menu', title, items: [...items] });
      },
    };
    return m;
  };
  // Answers consumed so far, per call (each call brings its own selection object).
  const used = new WeakMap<SheetSelection, number>();
  const nextAnswer = (): PromptAnswer => {
    const s = current();
    const n = used.get(s) ?? 0;
    used.set(s, n + 1);
    return s.promptAnswers?.[n] ?? { button: 'CLOSE' };
  };
  const uiObject = {
    Button: { CLOSE: 'CLOSE', OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO' } as unknown as typeof GoogleAppsScript.Base.Button,
    ButtonSet: { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' } as unknown as typeof GoogleAppsScript.Base.ButtonSet,
    prompt: (titleOrPrompt: string, promptOrButtons?: unknown, buttons?: unknown) => {
      const titled = typeof promptOrButtons === 'string';
      const answer = nextAnswer();
      const text = answer.text ?? '';
      ui({
        type: 'prompt',
        title: titled ? String(titleOrPrompt) : '',
        message: titled ? String(promptOrButtons) : String(titleOrPrompt),
        buttons: String((titled ? buttons : promptOrButtons) ?? 'OK'),
        answered: answer.button,
        text,
      });
      return { getSelectedButton: () => answer.button as unknown as GoogleAppsScript.Base.Button, getResponseText: () => text };
    },
    createAddonMenu: () => menu('tasuki'),
    createMenu: (title: string) => menu(title),
    alert: (titleOrPrompt: string, prompt?: unknown) => {
      ui(typeof prompt === 'string' ? { type: 'alert', title: titleOrPrompt, message: prompt } : { type: 'alert', message: String(titleOrPrompt) });
      return 'OK';
    },
    showModalDialog: (html: HtmlOutputShim, title: string) => ui({ type: 'dialog', title, html: html.getContent() }),
    showModelessDialog: (html: HtmlOutputShim, title: string) => ui({ type: 'dialog', title, html: html.getContent() }),
  };
  return {
    getActiveSpreadsheet: spreadsheet,
    getActive: spreadsheet,
    getActiveSheet: () => spreadsheet().getActiveSheet(),
    getUi: () => uiObject,
  };
}

const checks: [
  SubsetOf<GoogleAppsScript.Spreadsheet.SpreadsheetApp, ReturnType<typeof createSpreadsheetApp>>,
  SubsetOf<GoogleAppsScript.Spreadsheet.Spreadsheet, ReturnType<ReturnType<typeof createSpreadsheetApp>['getActiveSpreadsheet']>>,
  SubsetOf<GoogleAppsScript.Spreadsheet.Sheet, SheetShim>,
  SubsetOf<GoogleAppsScript.Spreadsheet.Range, RangeShim>,
  SubsetOf<GoogleAppsScript.Spreadsheet.RangeList, RangeListShim>,
  SubsetOf<GoogleAppsScript.Base.Ui, ReturnType<ReturnType<typeof createSpreadsheetApp>['getUi']>>,
  SubsetOf<GoogleAppsScript.Base.Menu, ReturnType<ReturnType<ReturnType<typeof createSpreadsheetApp>['getUi']>['createAddonMenu']>>,
] = [true, true, true, true, true, true, true];
void checks;
