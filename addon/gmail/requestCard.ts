/**
 * The Gmail sidebar card for an opened request e-mail: every parsed field in an editable form,
 * each with where it was read and how sure the parser is (./fieldEvidence.ts), the client as the
 * office's client list knows it (pick another, or register a new one), and the three actions (Create project, Draft estimate, Add to schedule). Each action carries
 * the message id; the handler re-reads the message so the job input holds the mail's content.
 */
import type { ClientMatchResponse } from '../../shared/clientMatch.js';
import type { Locale } from '../../shared/locale.js';
import { t } from '../i18n.js';
import { FORM, NEW_CLIENT_CHOICE } from '../jobRequests.js';
import type { ParsedRequest } from '../requestParser.js';
import { fieldEvidence, formatDay, formatMoney, type FieldEvidence } from './fieldEvidence.js';

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

/** The input, the line saying where its value was read, and the runner-up when the parser is unsure. */
function field(section: GoogleAppsScript.Card_Service.CardSection, name: string, label: string, value: string | undefined, evidence: FieldEvidence): void {
  section.addWidget(input(name, label, value, evidence.hint));
  if (evidence.runnerUp) section.addWidget(CardService.newTextParagraph().setText(evidence.runnerUp));
}

/**
 * The client as the office's directory knows it (GET /v1/clients/match): a dropdown of the
 * matched client (selected), close names, and "register as a new client" with the name read from
 * the mail (selected when nothing matched), then a line saying what matched. Without an answer
 * from the service there is none: the typed name is sent as it is and project.create decides.
 */
function addClientChoice(section: GoogleAppsScript.Card_Service.CardSection, parsedName: string, match: ClientMatchResponse, locale: Locale): void {
  const widget = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName(FORM.clientChoice)
    .setTitle(t(locale, 'fieldClientChoice'));
  const names = [...new Set([...(match.match ? [match.match.name] : []), ...match.candidates])];
  names.forEach((name, i) => widget.addItem(name, name, Boolean(match.match) && i === 0));
  widget.addItem(t(locale, 'clientNewChoice', { name: parsedName }), NEW_CLIENT_CHOICE, !match.match);
  const how = match.match ? t(locale, 'clientMatchedBy', { name: match.match.name, how: t(locale, match.match.by === 'domain' ? 'clientByDomain' : 'clientByName') }) : t(locale, 'clientNotListed');
  section.addWidget(widget).addWidget(CardService.newTextParagraph().setText(how));
}

export function buildRequestCard(request: ParsedRequest, messageId: string, locale: Locale, match: ClientMatchResponse | null = null): GoogleAppsScript.Card_Service.Card {
  const params = { messageId };
  const amount = request.amount;
  const amountEvidence = fieldEvidence(locale, amount, (m) => formatMoney(m.value, m.currency));
  // The form takes yen: a foreign amount is shown, not entered.
  if (amount.value && amount.value.currency !== 'JPY') {
    const foreign = t(locale, 'foreignAmount', { text: amount.source?.text ?? '', currency: amount.value.currency });
    amountEvidence.hint = amount.sure ? foreign : `${foreign} ${amountEvidence.hint}`;
  }
  const fields = CardService.newCardSection()
    .setHeader(t(locale, 'requestHeader'))
    .addWidget(CardService.newTextParagraph().setText(t(locale, 'requestSubtitle')));
  field(fields, FORM.client, t(locale, 'fieldClient'), request.client.value, fieldEvidence(locale, request.client, (name) => name));
  if (match) addClientChoice(fields, request.client.value ?? '', match, locale);
  fields.addWidget(input(FORM.clientEmail, t(locale, 'fieldClientEmail'), request.client.email));
  fields.addWidget(input(FORM.title, t(locale, 'fieldTitle'), request.title));
  field(fields, FORM.due, t(locale, 'fieldDue'), request.due.value, fieldEvidence(locale, request.due, (iso) => formatDay(locale, iso)));
  field(fields, FORM.amount, t(locale, 'fieldAmount'), amount.value?.currency === 'JPY' ? String(amount.value.value) : undefined, amountEvidence);
  fields.addWidget(input(FORM.projectNumber, t(locale, 'fieldProjectNumber'), undefined));

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
    .setHeader(CardService.newCardHeader().setTitle(request.title || t(locale, 'appName')).setSubtitle(request.client.value ?? request.client.personName ?? ''))
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
