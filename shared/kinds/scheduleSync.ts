/** `schedule.sync`: schedule sheet rows ⇄ Calendar events, status written back per row. */
import * as z from '../zod.js';

export const ScheduleSyncInput = z.strictObject({
  /** Defaults to the configured schedule spreadsheet. */
  spreadsheetId: z.optional(z.string().check(z.minLength(1))),
  sheetName: z.optional(z.string().check(z.minLength(1))),
  calendarId: z.optional(z.string().check(z.minLength(1))),
});
export type ScheduleSyncInput = z.infer<typeof ScheduleSyncInput>;

export const ScheduleSyncResult = z.object({
  created: z.number().check(z.int()),
  updated: z.number().check(z.int()),
  cancelled: z.number().check(z.int()),
  unchanged: z.number().check(z.int()),
  errors: z.array(z.object({ row: z.number().check(z.int()), message: z.string() })),
});
export type ScheduleSyncResult = z.infer<typeof ScheduleSyncResult>;
