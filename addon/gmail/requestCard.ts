/**
 * The Gmail sidebar card for an opened request e-mail: every parsed field in an editable form,
 * and the three actions (Create project, Draft estimate, Add to schedule). Each action carries
 * the message id; the handler re-reads the message so the job input holds the mail's content.
 */
import type { Locale } from '../../shared/locale.js';
import { t } from '../i18n.js';
import { FORM } from '../jobRequests.js';
import type { ParsedRequest } from '../requestParser.js';

export const GMAIL_ACTIONS = {
  createProject: 'onGmailCreateProject',
  draftEstimate: 'onGmailDraftEstimate',
  addToSchedule: 'onGmailAddToSchedule',
} as const;

const MAX_ATTACHMENTS = 20;

function input(name: string, label: string, value: string | undefined, hint?: string): GoogleAppsScript.Card_Service.TextInput {
  const widget = CardService.newTextInput().setFieldName(name).setTitle(label);
  if (value) widget.setValue(value);
  if (hint) widget.setHint(hint);
  return widget;
}

function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function buildRequestCard(request: ParsedRequest, messageId: string, locale: Locale): GoogleAppsScript.Card_Service.Card {
  const params = { messageId };
  const amount = request.amount;
  const amountHint = amount
    ? amount.currency === 'JPY'
      ? t(locale, 'foundIn', { text: amount.matched })
      : t(locale, 'foreignAmount', { text: amount.matched, currency: amount.currency })
    : undefined;
  const fields = CardService.newCardSection()
    .setHeader(t(locale, 'requestHeader'))
    .addWidget(CardService.newTextParagraph().setText(t(locale, 'requestSubtitle')))
    .addWidget(input(FORM.client, t(locale, 'fieldClient'), request.client.name, request.client.senderName))
    .addWidget(input(FORM.clientEmail, t(locale, 'fieldClientEmail'), request.client.email))
    .addWidget(input(FORM.title, t(locale, 'fieldTitle'), request.title))
    .addWidget(input(FORM.due, t(locale, 'fieldDue'), request.due, request.dueText ? t(locale, 'foundIn', { text: request.dueText }) : undefined))
    .addWidget(input(FORM.amount, t(locale, 'fieldAmount'), amount?.currency === 'JPY' ? String(amount.value) : undefined, amountHint))
    .addWidget(input(FORM.projectNumber, t(locale, 'fieldProjectNumber'), undefined));

  const attachments = CardService.newCardSection().setHeader(t(locale, 'attachments')).setCollapsible(request.attachments.length > 3);
  if (request.attachments.length === 0) attachments.addWidget(CardService.newTextParagraph().setText(t(locale, 'noAttachments')));
  for (const a of request.attachments.slice(0, MAX_ATTACHMENTS)) {
    attachments.addWidget(CardService.newDecoratedText().setText(a.name).setBottomLabel(`${a.mimeType} · ${formatBytes(a.size)}`).setWrapText(true));
  }

  const actions = CardService.newCardSection()
    .addWidget(
      CardService.newButtonSet()
        .addButton(
          CardService.newTextButton()
            .setText(t(locale, 'actionDraftEstimate'))
            .setOnClickAction(CardService.newAction().setFunctionName(GMAIL_ACTIONS.draftEstimate).setParameters(params)),
        )
        .addButton(
          CardService.newTextButton()
            .setText(t(locale, 'actionAddToSchedule'))
            .setOnClickAction(CardService.newAction().setFunctionName(GMAIL_ACTIONS.addToSchedule).setParameters(params)),
        ),
    )
    .addWidget(CardService.newTextParagraph().setText(t(locale, 'addToScheduleHint')));

  return CardService.newCardBuilder()
    .setName(`request-${messageId}`)
    .setHeader(CardService.newCardHeader().setTitle(request.title || t(locale, 'appName')).setSubtitle(request.client.name))
    .addSection(fields)
    .addSection(attachments)
    .addSection(actions)
    .setFixedFooter(
      CardService.newFixedFooter().setPrimaryButton(
        CardService.newTextButton()
          .setText(t(locale, 'actionCreateProject'))
          .setTextButtonStyle(CardService.TextButtonStyle.FILLED)
          .setOnClickAction(
            CardService.newAction()
              .setFunctionName(GMAIL_ACTIONS.createProject)
              .setParameters(params)
              .setLoadIndicator(CardService.LoadIndicator.SPINNER),
          ),
      ),
    )
    .build();
}
