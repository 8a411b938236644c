/**
 * Start/end cells of the Schedule sheet as Calendar times. People type dates in several ways;
 * accepted: 2026-12-20, 2026/12/20, 2026/1/5, 2026年12月20日, each optionally followed by a time
 * (10:00 or 10:00:00). A date-only row becomes an all-day event (Calendar's end date is
 * exclusive, hence +1 day); a row with times becomes a timed event in the office time zone.
 * Anything else is reported back, by row number, with what was wrong.
 */
import { addDays, isIsoDate } from '../isoDates.js';

export type CalendarTime = { date: string } | { dateTime: string; timeZone: string };
export type ParsedSpan = { start: CalendarTime; end: CalendarTime };

export type Cell = { date: string; time?: string };

/** One date cell (optionally with a time) in any accepted spelling, or null. */
export function parseCell(raw: string): Cell | null {
  const text = raw.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const match = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!match) return null;
  const date = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  if (!isIsoDate(date)) return null;
  if (match[4] === undefined) return { date };
  const [h, m, s] = [Number(match[4]), Number(match[5]), Number(match[6] ?? '0')];
  if (h > 23 || m > 59 || s > 59) return null;
  return { date, time: `${String(h).padStart(2, '0')}:${match[5]}:${String(s).padStart(2, '0')}` };
}

export type SpanResult = { ok: true; span: ParsedSpan } | { ok: false; message: { ja: string; en: string } };

export function parseSpan(startRaw: string, endRaw: string, timeZone: string): SpanResult {
  if (!startRaw.trim()) return { ok: false, message: { ja: '開始日がありません', en: 'start date is empty' } };
  const start = parseCell(startRaw);
  if (!start) return { ok: false, message: { ja: `開始日「${startRaw}」を日付として読めません（例: 2026-12-20）`, en: `start "${startRaw}" is not a date like 2026-12-20` } };
  const end = endRaw.trim() ? parseCell(endRaw) : start.time ? { date: start.date, time: addHour(start.time) } : start;
  if (!end) return { ok: false, message: { ja: `終了日「${endRaw}」を日付として読めません（例: 2026-12-20）`, en: `end "${endRaw}" is not a date like 2026-12-20` } };
  if (Boolean(start.time) !== Boolean(end.time)) {
    return { ok: false, message: { ja: '開始と終了は両方とも日付のみ、または両方とも時刻付きにしてください', en: 'start and end must both be dates or both be date-times' } };
  }
  const startKey = `${start.date}T${start.time ?? ''}`;
  const endKey = `${end.date}T${end.time ?? ''}`;
  if (endKey < startKey) return { ok: false, message: { ja: '終了が開始より前です', en: 'end is before start' } };
  if (!start.time) return { ok: true, span: { start: { date: start.date }, end: { date: addDays(end.date, 1) } } };
  return {
    ok: true,
    span: { start: { dateTime: `${start.date}T${start.time}`, timeZone }, end: { dateTime: `${end.date}T${end.time}`, timeZone } },
  };
}

function addHour(time: string): string {
  const h = Math.min(23, Number(time.slice(0, 2)) + 1);
  return `${String(h).padStart(2, '0')}${time.slice(2)}`;
}
