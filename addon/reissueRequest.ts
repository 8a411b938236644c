/**
 * The reissue job of one document, however it was asked for: a card's Reissue… form
 * (addon/reissue.ts), the Sheets menu's Reissue the selected document… (sheets/menu.ts) or a typed
 * `/invoice … reissue <reason>` (chat/typedReissue.ts).
 *
 * Contract: billing.document {type, projectNumber, reissue: {reason, replaces: documentNumber}}
 * with the key reissue|type|project|number, so the same number reissued twice, or from two
 * places, is one job; `replaces` makes a reissue of a number someone already replaced show the
 * newer document instead of voiding it too (service/billing/documentRegister.ts). The reason is
 * cut to the 200 characters the schema allows.
 */
import type { EnqueueRequest } from '../shared/api.js';
import type { Locale } from '../shared/locale.js';
import { idempotencyKey } from './serviceClient.js';

export type ReissueTarget = { type: 'estimate' | 'invoice'; projectNumber: string; documentNumber: string };

export function reissueRequest(target: ReissueTarget, reason: string, locale: Locale): EnqueueRequest {
  return {
    kind: 'billing.document',
    input: { type: target.type, projectNumber: target.projectNumber, reissue: { reason: reason.slice(0, 200), replaces: target.documentNumber } },
    locale,
    idempotencyKey: idempotencyKey('reissue', target.type, target.projectNumber, target.documentNumber),
  };
}
