/**
 * Google Docs documents as the sandbox stores them, and the index arithmetic Docs uses.
 *
 * Stored form (compact): a title and a list of blocks — paragraphs (one line of text and a named
 * style) and tables (rows of cells, a cell's text split by "\n" into paragraphs). The Docs API's
 * `body.content` is computed from it with Google's indexes (UTF-16 code units): a section break
 * at [0,1); a paragraph is its text plus "\n"; a table takes one index to open, one per row, one
 * per cell, then its cells' paragraphs, and one to close; a table is always followed by a
 * paragraph and the body always ends with one.
 *
 * Edits (documents.batchUpdate) work on blocks located through those indexes, so a client that
 * reads indexes from documents.get and writes them back behaves as it would against Google.
 */
import { badRequest } from './googleError.js';

export type NamedStyle = 'NORMAL_TEXT' | 'TITLE' | 'SUBTITLE' | 'HEADING_1' | 'HEADING_2' | 'HEADING_3';
export type DocBlock = { type: 'paragraph'; text: string; style?: NamedStyle } | { type: 'table'; rows: string[][] };
export type StoredDocument = { documentId: string; title: string; revision: number; blocks: DocBlock[] };

const len = (s: string) => s.length; // UTF-16 code units, as Docs counts

/** Normalizes blocks: no "\n" inside top-level paragraphs, a paragraph after every table and at the end. */
export function normalizeBlocks(blocks: DocBlock[]): DocBlock[] {
  const out: DocBlock[] = [];
  for (const b of blocks) {
    if (b.type === 'paragraph') for (const line of b.text.split('\n')) out.push({ type: 'paragraph', text: line, ...(b.style && b.style !== 'NORMAL_TEXT' ? { style: b.style } : {}) });
    else out.push({ type: 'table', rows: b.rows.map((r) => [...r]) });
  }
  const fixed: DocBlock[] = [];
  for (let i = 0; i < out.length; i++) {
    fixed.push(out[i]!);
    if (out[i]!.type === 'table' && out[i + 1]?.type !== 'paragraph') fixed.push({ type: 'paragraph', text: '' });
  }
  if (fixed.length === 0 || fixed[fixed.length - 1]!.type !== 'paragraph') fixed.push({ type: 'paragraph', text: '' });
  return fixed;
}

/** A paragraph's place: top-level block, or a cell's n-th paragraph. */
type ParaRef = { block: number; row?: number; col?: number; para?: number; start: number; end: number; text: string };
type TableRef = { block: number; start: number; end: number };

function layout(doc: StoredDocument): { paras: ParaRef[]; tables: TableRef[]; end: number } {
  const paras: ParaRef[] = [];
  const tables: TableRef[] = [];
  let at = 1;
  doc.blocks.forEach((b, block) => {
    if (b.type === 'paragraph') {
      paras.push({ block, start: at, end: at + len(b.text) + 1, text: b.text });
      at += len(b.text) + 1;
      return;
    }
    const start = at;
    at += 1;
    b.rows.forEach((row, r) => {
      at += 1;
      row.forEach((cell, c) => {
        at += 1;
        cell.split('\n').forEach((text, p) => {
          paras.push({ block, row: r, col: c, para: p, start: at, end: at + len(text) + 1, text });
          at += len(text) + 1;
        });
      });
    });
    at += 1;
    tables.push({ block, start, end: at });
  });
  return { paras, tables, end: at };
}

function paragraphJson(text: string, start: number, style: NamedStyle = 'NORMAL_TEXT') {
  const end = start + len(text) + 1;
  return {
    startIndex: start,
    endIndex: end,
    paragraph: {
      elements: [{ startIndex: start, endIndex: end, textRun: { content: `${text}\n`, textStyle: {} } }],
      paragraphStyle: { namedStyleType: style, direction: 'LEFT_TO_RIGHT' },
    },
  };
}

/** The document as `documents.get` returns it. */
export function toDocsJson(doc: StoredDocument): Record<string, unknown> {
  const content: unknown[] = [{ endIndex: 1, sectionBreak: { sectionStyle: { columnSeparatorStyle: 'NONE', contentDirection: 'LEFT_TO_RIGHT', sectionType: 'CONTINUOUS' } } }];
  let at = 1;
  for (const b of doc.blocks) {
    if (b.type === 'paragraph') {
      content.push(paragraphJson(b.text, at, b.style));
      at += len(b.text) + 1;
      continue;
    }
    const start = at;
    at += 1;
    const columns = Math.max(0, ...b.rows.map((r) => r.length));
    const tableRows = b.rows.map((row) => {
      const rowStart = at;
      at += 1;
      const tableCells = row.map((cell) => {
        const cellStart = at;
        at += 1;
        const cellContent = cell.split('\n').map((text) => {
          const p = paragraphJson(text, at);
          at += len(text) + 1;
          return p;
        });
        return { startIndex: cellStart, endIndex: at, content: cellContent, tableCellStyle: { rowSpan: 1, columnSpan: 1, contentAlignment: 'TOP' } };
      });
      return { startIndex: rowStart, endIndex: at, tableCells, tableRowStyle: { minRowHeight: { unit: 'PT' } } };
    });
    at += 1;
    content.push({
      startIndex: start,
      endIndex: at,
      table: { rows: b.rows.length, columns, tableRows, tableStyle: { tableColumnProperties: Array.from({ length: columns }, () => ({ widthType: 'EVENLY_DISTRIBUTED' })) } },
    });
  }
  return {
    documentId: doc.documentId,
    title: doc.title,
    body: { content },
    revisionId: `rev-${doc.revision}`,
    suggestionsViewMode: 'SUGGESTIONS_INLINE',
    documentStyle: {
      pageSize: { height: { magnitude: 841.89, unit: 'PT' }, width: { magnitude: 595.28, unit: 'PT' } },
      marginTop: { magnitude: 72, unit: 'PT' }, marginBottom: { magnitude: 72, unit: 'PT' },
      marginLeft: { magnitude: 72, unit: 'PT' }, marginRight: { magnitude: 72, unit: 'PT' },
    },
  };
}

/** Plain text of the document (text/plain export): paragraphs, then tables as tab-separated rows. */
export function documentText(doc: StoredDocument): string {
  return doc.blocks.map((b) => (b.type === 'paragraph' ? b.text : b.rows.map((r) => r.map((c) => c.replace(/\n/g, ' ')).join('\t')).join('\n'))).join('\n') + '\n';
}

/**
 * Sets one paragraph's text. Newlines in a body paragraph split it into several paragraphs of the
 * same style, as Docs does (in a table cell they are the cell's paragraph breaks already).
 */
function setParagraph(doc: StoredDocument, ref: ParaRef, text: string): void {
  const b = doc.blocks[ref.block]!;
  if (b.type === 'paragraph') {
    if (text.includes('\n')) {
      const lines = text.split('\n').map((t) => ({ type: 'paragraph' as const, text: t, ...(b.style ? { style: b.style } : {}) }));
      doc.blocks.splice(ref.block, 1, ...lines);
    } else {
      b.text = text;
    }
    return;
  }
  const cell = b.rows[ref.row!]![ref.col!]!.split('\n');
  cell[ref.para!] = text;
  b.rows[ref.row!]![ref.col!] = cell.join('\n');
}

function findTable(doc: StoredDocument, index: number, where: string): { ref: TableRef; rows: string[][] } {
  const ref = layout(doc).tables.find((t) => t.start === index);
  if (!ref) throw badRequest(`Invalid requests[${where}]: no table starts at index ${index}.`);
  return { ref, rows: (doc.blocks[ref.block] as Extract<DocBlock, { type: 'table' }>).rows };
}

type CellLocation = { tableStartLocation?: { index?: number; segmentId?: string }; rowIndex?: number; columnIndex?: number };

/** Applies one batchUpdate request in place; returns its reply. `where` names it in errors. */
export function applyDocRequest(doc: StoredDocument, request: Record<string, unknown>, where: string): Record<string, unknown> {
  const kinds = Object.keys(request);
  if (kinds.length !== 1) throw badRequest(`Invalid requests[${where}]: a request sets exactly one kind, got ${kinds.join(', ') || 'none'}.`);
  const kind = kinds[0]!;
  const body = request[kind] as Record<string, unknown>;
  switch (kind) {
    case 'replaceAllText': {
      const contains = body.containsText as { text?: string; matchCase?: boolean } | undefined;
      if (!contains?.text) throw badRequest(`Invalid requests[${where}].replaceAllText.containsText.text: must not be empty.`);
      const replace = String(body.replaceText ?? '');
      const flags = contains.matchCase === false ? 'gi' : 'g';
      const re = new RegExp(contains.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
      let count = 0;
      // Backwards, because a replacement with newlines splits its paragraph into several (as
      // Docs does), which shifts the block indexes of everything after it.
      for (const ref of [...layout(doc).paras].reverse()) {
        const matches = ref.text.match(re);
        if (!matches) continue;
        count += matches.length;
        setParagraph(doc, ref, ref.text.replace(re, () => replace));
      }
      return { replaceAllText: count ? { occurrencesChanged: count } : {} };
    }
    case 'insertText': {
      const text = String(body.text ?? '');
      const loc = body.location as { index?: number } | undefined;
      const { paras } = layout(doc);
      let ref: ParaRef | undefined;
      let offset: number;
      if (body.endOfSegmentLocation !== undefined) {
        ref = paras.filter((p) => p.row === undefined).pop()!;
        offset = len(ref.text);
      } else {
        const index = loc?.index;
        if (typeof index !== 'number') throw badRequest(`Invalid requests[${where}].insertText: set location.index or endOfSegmentLocation.`);
        ref = paras.find((p) => index >= p.start && index < p.end);
        if (!ref) throw badRequest(`Invalid requests[${where}].insertText: index ${index} must be inside the bounds of an existing paragraph.`);
        offset = index - ref.start;
      }
      setParagraph(doc, ref, ref.text.slice(0, offset) + text + ref.text.slice(offset));
      return {};
    }
    case 'deleteContentRange': {
      const range = body.range as { startIndex?: number; endIndex?: number } | undefined;
      const s = range?.startIndex, e = range?.endIndex;
      if (typeof s !== 'number' || typeof e !== 'number' || e <= s) throw badRequest(`Invalid requests[${where}].deleteContentRange.range: startIndex < endIndex are required.`);
      const { paras } = layout(doc);
      const ref = paras.find((p) => s >= p.start && e <= p.end - 1);
      if (ref) {
        setParagraph(doc, ref, ref.text.slice(0, s - ref.start) + ref.text.slice(e - ref.start));
        return {};
      }
      const covered = paras.filter((p) => p.row === undefined && p.start >= s && p.end <= e);
      if (covered.length && covered[0]!.start === s && covered[covered.length - 1]!.end === e && covered.length < paras.filter((p) => p.row === undefined).length) {
        const blocks = new Set(covered.map((p) => p.block));
        doc.blocks = normalizeBlocks(doc.blocks.filter((_, i) => !blocks.has(i)));
        return {};
      }
      throw badRequest(`Invalid requests[${where}].deleteContentRange: the sandbox deletes within one paragraph or whole top-level paragraphs only.`);
    }
    case 'insertTableRow':
    case 'deleteTableRow': {
      const cell = body.tableCellLocation as CellLocation | undefined;
      const index = cell?.tableStartLocation?.index;
      if (typeof index !== 'number') throw badRequest(`Invalid requests[${where}].${kind}.tableCellLocation.tableStartLocation.index is required.`);
      const { rows } = findTable(doc, index, where);
      const rowIndex = cell?.rowIndex ?? 0;
      if (rowIndex < 0 || rowIndex >= rows.length) throw badRequest(`Invalid requests[${where}].${kind}: rowIndex ${rowIndex} is outside the table's ${rows.length} rows.`);
      if (kind === 'insertTableRow') {
        const width = rows[rowIndex]!.length;
        rows.splice(body.insertBelow ? rowIndex + 1 : rowIndex, 0, Array.from({ length: width }, () => ''));
      } else {
        if (rows.length === 1) throw badRequest(`Invalid requests[${where}].deleteTableRow: a table's last row cannot be deleted; delete the table.`);
        rows.splice(rowIndex, 1);
      }
      return {};
    }
    default:
      throw badRequest(`Invalid requests[${where}]: "${kind}" is not supported by the sandbox (supported: replaceAllText, insertText, deleteContentRange, insertTableRow, deleteTableRow).`);
  }
}
