/**
 * Reissuing an estimate or invoice from its card, in Chat, Gmail and Sheets alike (issue 16: a new
 * number only by an explicit reissue with a reason, confirmed). The job card of a billing
 * document (shared/cards/jobCard.ts) has a Reissue… button (ADDON_FUNCTIONS.reissueDocument with
 * type, projectNumber, documentNumber); it opens a form saying what will happen (the number
 * becomes void, a new one is issued, both stay on record) and asking for the reason: a dialog in
 * Chat, a pushed card in Gmail and Sheets. Its button (ADDON_FUNCTIONS.confirmReissue) enqueues
 * the reissue job of reissueRequest.ts (one job per replaced number, however often pressed).
 * An empty reason keeps the form open and says so.
 */
import { ADDON_FUNCTIONS } from '../shared/addonFunctions.js';
import { DOCUMENT_NUMBER } from '../shared/kinds/billingDocument.js';
import { ProjectNumber } from '../shared/kinds/common.js';
import { DOCUMENT_TYPE_NAMES } from '../shared/kinds/billingDocumentTexts.js';
import type { Locale } from '../shared/locale.js';
import type { CardV2 } from '../shared/cardV2.js';
import { cardText, type Card } from '../shared/cards/jobCard.js';
import { fromCardV2 } from './cards/jobCards.js';
import { ack, replyTarget } from './chat/handlers.js';
import { CHAT_ACTIONS } from './chat/cards.js';
import { closeDialog, openDialog, textMessage, updateDialog } from './chat/responses.js';
import { UserFacingError } from './errors.js';
import { chatPayload, formValue, hostOf, localeOf, requiredParam, type AddonEvent } from './event.js';
import { queuedResponse } from './gmail/handlers.js';
import { t } from './i18n.js';
import { reissueRequest, type ReissueTarget } from './reissueRequest.js';
import { enqueueJob, withTeamReply } from './serviceClient.js';

export const REISSUE_REASON_FIELD = 'reissueReason';


function targetOf(e: AddonEvent): ReissueTarget {
  const type = requiredParam(e, 'type');
  const projectNumber = requiredParam(e, 'projectNumber');
  const documentNumber = requiredParam(e, 'documentNumber');
  if ((type !== 'estimate' && type !== 'invoice') || !ProjectNumber.safeParse(projectNumber).success || !DOCUMENT_NUMBER.test(documentNumber)) {
    throw new UserFacingError('errMissingField', { field: 'parameters.type/projectNumber/documentNumber' });
  }
  return { type, projectNumber, documentNumber };
}

function params(target: ReissueTarget) {
  return [
    { key: 'type', value: target.type },
    { key: 'projectNumber', value: target.projectNumber },
    { key: 'documentNumber', value: target.documentNumber },
  ];
}

/** The form: what happens, the reason, the confirm button (and Close in a Chat dialog). */
export function reissueForm(target: ReissueTarget, locale: Locale, chat: boolean, problem?: string): CardV2 {
  const widgets: NonNullable<CardV2['sections']>[number]['widgets'] = [];
  if (problem) widgets.push({ textParagraph: { text: `⚠️ ${cardText(problem)}` } });
  widgets.push(
    { textParagraph: { text: cardText(t(locale, 'reissueExplain', { number: target.documentNumber, document: DOCUMENT_TYPE_NAMES[target.type][locale] })) } },
    { textInput: { name: REISSUE_REASON_FIELD, label: t(locale, 'reissueReason'), type: 'SINGLE_LINE', hintText: t(locale, 'reissueReasonHint') } },
    {
      buttonList: {
        buttons: [
          { text: t(locale, 'reissueConfirm'), onClick: { action: { function: ADDON_FUNCTIONS.confirmReissue, parameters: params(target), requiredWidgets: [REISSUE_REASON_FIELD] } } },
          ...(chat ? [{ text: t(locale, 'close'), onClick: { action: { function: CHAT_ACTIONS.cancelDialog } } }] : []),
        ],
      },
    },
  );
  return { header: { title: t(locale, 'reissueTitle', { number: target.documentNumber }) }, sections: [{ widgets }] };
}

/**
 * The form as the Card v2 type of Google's client (what fromCardV2 reads): the same JSON. The
 * compiler relates the two types only depending on the order it checks the files in (CardV2's
 * onClick is a recursive z.lazy), so the conversion is said once, here.
 */
function asChatCard(card: CardV2): Card {
  return card as unknown as Card;
}

/** Reissue… pressed: the form, as a Chat dialog or a card pushed in the side panel. */
export function reissueFormAction(e: AddonEvent): unknown {
  const locale = localeOf(e);
  const target = targetOf(e);
  if (hostOf(e) === 'CHAT') return openDialog(reissueForm(target, locale, true));
  return CardService.newActionResponseBuilder()
    .setNavigation(CardService.newNavigation().pushCard(fromCardV2(asChatCard(reissueForm(target, locale, false)), `reissue-${target.documentNumber}`)))
    .build();
}

/** The form's confirm: enqueue the reissue, or keep the form open when the reason is missing. */
export function confirmReissueAction(e: AddonEvent): unknown {
  const locale = localeOf(e);
  const target = targetOf(e);
  const chat = hostOf(e) === 'CHAT';
  if (chat && chatPayload(e)?.dialogEventType === 'CANCEL_DIALOG') return closeDialog();
  const reason = formValue(e, REISSUE_REASON_FIELD);
  if (!reason) {
    if (chat) return updateDialog(reissueForm(target, locale, true, t(locale, 'reissueReasonNeeded')));
    return CardService.newActionResponseBuilder().setNotification(CardService.newNotification().setText(t(locale, 'reissueReasonNeeded'))).build();
  }
  const request = reissueRequest(target, reason, locale);
  if (chat) {
    const reply = replyTarget(chatPayload(e));
    // Closing the dialog by posting a message, as the /new dialog does.
    return textMessage(ack(enqueueJob(reply ? { ...request, reply } : request), locale));
  }
  return queuedResponse(enqueueJob(withTeamReply(request)), locale);
}
