/**
 * Docs → PDF for `files.export?mimeType=application/pdf`: a real, A4 PDF (pdf-lib) with the
 * document's paragraphs (titles and headings larger) and tables drawn as grids.
 *
 * Japanese text: pdf-lib can only embed TrueType/OpenType fonts through @pdf-lib/fontkit, which
 * is not installed, so the Noto CJK font on the machine cannot be embedded. Instead the text is
 * written with a non-embedded CID font on Adobe's predefined `UniJIS-UCS2-HW-H` CMap (Adobe-Japan1,
 * the mechanism PDF defines for CJK text without embedding): every PDF viewer renders it with
 * its own Japanese font, nothing is transliterated, and a ToUnicode map keeps the text
 * extractable and searchable. Latin text (anything WinAnsi can encode) is set in the standard
 * Helvetica instead, so English reads as proportional type; lines are split into runs of the two
 * fonts. Characters outside the BMP are written as "?".
 *
 * Loaded lazily (only when something is exported): pdf-lib is large.
 */
import type { StoredDocument } from './docsModel.js';

const PAGE = { width: 595.28, height: 841.89, margin: 56 };
const SIZES = { TITLE: 20, SUBTITLE: 14, HEADING_1: 16, HEADING_2: 13, HEADING_3: 12, NORMAL_TEXT: 10.5 } as const;

/** Measures text: Latin characters in Helvetica's widths, the rest full-width (1 em). */
type Metrics = { isLatin: (ch: string) => boolean; latinWidth: (s: string, size: number) => number };
const textWidth = (m: Metrics, s: string, size: number) =>
  [...s].reduce((w, ch) => w + (m.isLatin(ch) ? m.latinWidth(ch, size) : size), 0);

/** Splits text into runs of Latin and CJK characters. */
function runs(m: Metrics, s: string): Array<{ latin: boolean; text: string }> {
  const out: Array<{ latin: boolean; text: string }> = [];
  for (const ch of s) {
    const latin = m.isLatin(ch);
    const last = out[out.length - 1];
    if (last && last.latin === latin) last.text += ch;
    else out.push({ latin, text: ch });
  }
  return out;
}

function hexUcs2(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out += (code > 0xffff ? 0x3f : code).toString(16).padStart(4, '0');
  }
  return out.toUpperCase();
}

/** Wraps text to a width (by characters; Japanese has no spaces to break at). */
function wrap(m: Metrics, text: string, size: number, width: number): string[] {
  if (text === '') return [''];
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (textWidth(m, line + ch, size) > width && line) {
      const space = line.lastIndexOf(' ');
      if (/[ -~]/.test(ch) && space > 0 && line.length - space < 20) {
        lines.push(line.slice(0, space));
        line = line.slice(space + 1);
      } else {
        lines.push(line);
        line = '';
      }
    }
    line += ch;
  }
  lines.push(line);
  return lines;
}

/** Identity ToUnicode CMap over UCS-2 codes (bfrange entries may not cross a high-byte boundary). */
function toUnicodeCMap(): string {
  const ranges: string[] = [];
  for (let hi = 0; hi < 256; hi++) {
    if (hi >= 0xd8 && hi <= 0xdf) continue;
    const h = hi.toString(16).padStart(2, '0').toUpperCase();
    ranges.push(`<${h}00> <${h}FF> <${h}00>`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const chunk = ranges.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfrange\n${chunk.join('\n')}\nendbfrange`);
  }
  return [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange', '<0000> <FFFF>', 'endcodespacerange',
    ...blocks,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
}

export async function documentToPdf(doc: StoredDocument): Promise<Uint8Array> {
  const lib = await import('pdf-lib');
  const { PDFDocument, PDFString, PDFHexString, StandardFonts, beginText, endText, setFontAndSize, moveText, showText, rgb } = lib;
  const pdf = await PDFDocument.create();
  const helvetica = await pdf.embedFont(StandardFonts.Helvetica);
  const latinSet = new Set(helvetica.getCharacterSet());
  const m: Metrics = {
    isLatin: (ch) => latinSet.has(ch.codePointAt(0)!) && ch.codePointAt(0)! < 0x2000,
    latinWidth: (s, size) => helvetica.widthOfTextAtSize(s, size),
  };
  pdf.setTitle(doc.title);
  pdf.setProducer('tasuki Workspace sandbox');
  pdf.setCreator('tasuki');
  const ctx = pdf.context;
  const fontName = 'KozGoPr6N-Medium';
  const descriptor = ctx.register(
    ctx.obj({ Type: 'FontDescriptor', FontName: fontName, Flags: 4, FontBBox: [-538, -374, 1254, 1330], ItalicAngle: 0, Ascent: 880, Descent: -120, CapHeight: 763, StemV: 116 }),
  );
  const cidFont = ctx.register(
    ctx.obj({
      Type: 'Font', Subtype: 'CIDFontType0', BaseFont: fontName,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Japan1'), Supplement: 6 },
      FontDescriptor: descriptor, DW: 1000, W: [231, 325, 500],
    }),
  );
  const toUnicode = ctx.register(ctx.flateStream(toUnicodeCMap()));
  const font = ctx.register(
    ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: `${fontName}-UniJIS-UCS2-HW-H`, Encoding: 'UniJIS-UCS2-HW-H', DescendantFonts: [cidFont], ToUnicode: toUnicode }),
  );

  const contentWidth = PAGE.width - 2 * PAGE.margin;
  let page = pdf.addPage([PAGE.width, PAGE.height]);
  let fontKey = page.node.newFontDictionary('F', font);
  let y = PAGE.height - PAGE.margin;
  const newPage = () => {
    page = pdf.addPage([PAGE.width, PAGE.height]);
    fontKey = page.node.newFontDictionary('F', font);
    y = PAGE.height - PAGE.margin;
  };
  const ensure = (height: number) => {
    if (y - height < PAGE.margin) newPage();
  };
  const drawText = (text: string, x: number, baseline: number, size: number) => {
    let at = x;
    for (const run of runs(m, text)) {
      if (run.latin) page.drawText(run.text, { x: at, y: baseline, size, font: helvetica, color: rgb(0, 0, 0) });
      else page.pushOperators(beginText(), setFontAndSize(fontKey, size), moveText(at, baseline), showText(PDFHexString.of(hexUcs2(run.text))), endText());
      at += textWidth(m, run.text, size);
    }
  };

  for (const block of doc.blocks) {
    if (block.type === 'paragraph') {
      const size = SIZES[block.style ?? 'NORMAL_TEXT'];
      const lead = size * 1.5;
      for (const line of wrap(m, block.text, size, contentWidth)) {
        ensure(lead);
        y -= lead;
        drawText(line, PAGE.margin, y + size * 0.3, size);
      }
      if (block.style && block.style !== 'NORMAL_TEXT') y -= size * 0.4;
      continue;
    }
    const size = SIZES.NORMAL_TEXT;
    const cols = Math.max(1, ...block.rows.map((r) => r.length));
    const colWidth = contentWidth / cols;
    const pad = 4;
    y -= 4;
    block.rows.forEach((row, r) => {
      const cellLines = row.map((cell) => cell.split('\n').flatMap((p) => wrap(m, p, size, colWidth - 2 * pad)));
      const height = Math.max(1, ...cellLines.map((l) => l.length)) * size * 1.4 + 2 * pad;
      ensure(height);
      const top = y;
      if (r === 0) page.drawRectangle({ x: PAGE.margin, y: top - height, width: contentWidth, height, color: rgb(0.94, 0.95, 0.97) });
      cellLines.forEach((lines, c) => {
        lines.forEach((line, i) => drawText(line, PAGE.margin + c * colWidth + pad, top - pad - (i + 1) * size * 1.4 + size * 0.35, size));
      });
      for (let c = 0; c <= cols; c++) {
        const x = PAGE.margin + c * colWidth;
        page.drawLine({ start: { x, y: top }, end: { x, y: top - height }, thickness: 0.5, color: rgb(0.6, 0.6, 0.65) });
      }
      page.drawLine({ start: { x: PAGE.margin, y: top }, end: { x: PAGE.margin + contentWidth, y: top }, thickness: 0.5, color: rgb(0.6, 0.6, 0.65) });
      page.drawLine({ start: { x: PAGE.margin, y: top - height }, end: { x: PAGE.margin + contentWidth, y: top - height }, thickness: 0.5, color: rgb(0.6, 0.6, 0.65) });
      y -= height;
    });
    y -= 4;
  }
  return pdf.save({ useObjectStreams: false });
}
