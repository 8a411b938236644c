/** `schedule.sync`: schedule sheet rows ⇄ Calendar events, status written back per row. */
import * as z from 'zod';

export const ScheduleSyncInput = z
  .object({
    /** Defaults to the configured schedule spreadsheet. */
    spreadsheetId: z.string().min(1).optional(),
    sheetName: z.string().min(1).optional(),
    calendarId: z.string().min(1).optional(),
  })
  .strict();
export type ScheduleSyncInput = z.infer<typeof ScheduleSyncInput>;

export const ScheduleSyncResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  cancelled: z.number().int(),
  unchanged: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), message: z.string() })),
});
export type ScheduleSyncResult = z.infer<typeof ScheduleSyncResult>;
