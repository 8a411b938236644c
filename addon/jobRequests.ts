/**
 * From what the user typed (card form inputs, slash-command arguments) to job inputs of the
 * shared kinds. Form text is checked here with messages that name the field in the user's
 * language; the full schema check happens once more in serviceClient.enqueueJob.
 */
import type { ProjectCreateInput } from '../shared/kinds/projectCreate.js';
import { UserFacingError } from './errors.js';
import type { AddonEvent } from './event.js';
import { formValue } from './event.js';
import { fromIsoDate } from './parse/calendarDay.js';

export const FORM = {
  client: 'client',
  /** The Gmail card's client choice: a directory name, or NEW_CLIENT_CHOICE. */
  clientChoice: 'clientChoice',
  /** The Chat dialog's "register as a new client" checkbox. */
  newClient: 'newClient',
  clientEmail: 'clientEmail',
  title: 'title',
  due: 'due',
  amount: 'amount',
  projectNumber: 'projectNumber',
} as const;

/** The client choice that means "the name typed above is a new client". */
export const NEW_CLIENT_CHOICE = '__new__';

/** `2026-12-20` or `2026/12/20` → ISO; '' → undefined; anything else → a clear error. */
export function dueFromText(text: string): string | undefined {
  const trimmed = text.trim().replace(/\//g, '-');
  if (!trimmed) return undefined;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '';
  if (!fromIsoDate(iso)) throw new UserFacingError('errDueFormat');
  return iso;
}

const UNITS: Record<string, number> = { 千: 1_000, 万: 10_000, 億: 100_000_000 };

/** `300000`, `300,000`, `¥300,000`, `300,000円`, `30万`, `3.5万円` → whole yen; '' → undefined. */
export function amountFromText(text: string): number | undefined {
  const trimmed = text.trim().replace(/[¥￥,\s円]/g, '').replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (!trimmed) return undefined;
  const m = /^(\d{1,11}(?:\.\d+)?)(千|万|億)?$/.exec(trimmed);
  const value = m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1) : NaN;
  if (!Number.isInteger(value) || value > 10_000_000_000) throw new UserFacingError('errAmountFormat');
  return value;
}

export function projectInputFromForm(
  e: AddonEvent,
  source: ProjectCreateInput['source'],
  request?: ProjectCreateInput['request'],
): ProjectCreateInput {
  // The client: a name picked from the office's directory wins over the typed one; "new client"
  // (the card's choice or the dialog's checkbox) confirms the typed name as a new client.
  const choice = formValue(e, FORM.clientChoice);
  const confirmedNew = choice === NEW_CLIENT_CHOICE || formValue(e, FORM.newClient) === 'true';
  const name = choice && choice !== NEW_CLIENT_CHOICE ? choice : formValue(e, FORM.client);
  const title = formValue(e, FORM.title);
  if (!name || !title) throw new UserFacingError('errNeedClientTitle');
  const email = formValue(e, FORM.clientEmail);
  const input: ProjectCreateInput = { source, client: { name }, title };
  if (confirmedNew) input.newClient = true;
  if (email) input.client.email = email;
  const due = dueFromText(formValue(e, FORM.due));
  if (due) input.due = due;
  const amount = amountFromText(formValue(e, FORM.amount));
  if (amount !== undefined) input.amount = amount;
  if (request) input.request = request;
  return input;
}
