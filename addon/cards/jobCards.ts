/**
 * CardService cards about jobs, for the Gmail and Sheets side panels: one job, the user's recent
 * jobs, and an error card. They are the Chat cards (the job card the service renders with
 * shared/cards/jobCard.ts, and addon/chat/cards.ts) drawn through CardService, so a job reads and lays out the same in every host and the add-on
 * carries one layout, not two (its bundle has a 150 KiB budget). `fromCardV2` covers the widgets
 * those cards use: decorated text (with a button), paragraphs, text inputs (the reissue form) and
 * button lists.
 */
import type { JobDisplay } from '../../shared/api.js';
import { cardText, type Card } from '../../shared/cards/jobCard.js';
import { jobTitle, stateLine } from '../../shared/cards/jobDisplay.js';
import type { JobView } from '../../shared/job.js';
import type { Locale } from '../../shared/locale.js';
import { JOB_TEXTS } from '../../shared/messages.js';
import { jobListCard } from '../chat/cards.js';
import { t } from '../i18n.js';

type Section = NonNullable<Card['sections']>[number];
type Widget = NonNullable<Section['widgets']>[number];
type Button = NonNullable<NonNullable<Widget['buttonList']>['buttons']>[number];

function button(b: Button): GoogleAppsScript.Card_Service.TextButton {
  const out = CardService.newTextButton().setText(b.text ?? '');
  const link = b.onClick?.openLink?.url;
  const fn = b.onClick?.action?.function;
  if (link) return out.setOpenLink(CardService.newOpenLink().setUrl(link));
  if (fn) {
    const params = Object.fromEntries((b.onClick?.action?.parameters ?? []).map((p) => [p.key ?? '', p.value ?? '']));
    out.setOnClickAction(CardService.newAction().setFunctionName(fn).setParameters(params));
  }
  return out;
}

function widget(w: Widget): GoogleAppsScript.Card_Service.Widget | undefined {
  if (w.decoratedText) {
    const d = w.decoratedText;
    const out = CardService.newDecoratedText().setText(d.text ?? '').setWrapText(d.wrapText ?? true);
    if (d.topLabel) out.setTopLabel(d.topLabel);
    if (d.bottomLabel) out.setBottomLabel(d.bottomLabel);
    if (d.button) out.setButton(button(d.button));
    return out;
  }
  if (w.textParagraph) return CardService.newTextParagraph().setText(w.textParagraph.text ?? '');
  if (w.textInput) {
    const input = CardService.newTextInput().setFieldName(w.textInput.name ?? '').setTitle(w.textInput.label ?? '');
    if (w.textInput.hintText) input.setHint(w.textInput.hintText);
    if (w.textInput.value) input.setValue(w.textInput.value);
    return input;
  }
  if (w.buttonList) {
    const set = CardService.newButtonSet();
    for (const b of w.buttonList.buttons ?? []) set.addButton(button(b));
    return set;
  }
  return undefined;
}

export function fromCardV2Section(s: Section): GoogleAppsScript.Card_Service.CardSection {
  const section = CardService.newCardSection();
  if (s.header) section.setHeader(s.header);
  for (const w of s.widgets ?? []) {
    const built = widget(w);
    if (built) section.addWidget(built);
  }
  return section;
}

export function fromCardV2(card: Card, name: string): GoogleAppsScript.Card_Service.Card {
  const builder = CardService.newCardBuilder().setName(name);
  if (card.header?.title) builder.setHeader(CardService.newCardHeader().setTitle(card.header.title).setSubtitle(card.header.subtitle ?? ''));
  for (const s of card.sections ?? []) builder.addSection(fromCardV2Section(s));
  return builder.build();
}

/**
 * One job: the card the service rendered for this user (JobResponse.display), drawn through
 * CardService; from a service that sends none, its kind and state only.
 */
export function buildJobServiceCard(answer: { job: JobView; display?: JobDisplay | undefined }, locale: Locale): GoogleAppsScript.Card_Service.Card {
  const { job, display } = answer;
  const card = (display?.card as Card | undefined) ?? { header: { title: jobTitle(job, locale), subtitle: stateLine(job, locale) }, sections: [{ widgets: [{ textParagraph: { text: stateLine(job, locale) } }] }] };
  return fromCardV2(card, `job-${job.id}`);
}

/** A section listing jobs (kind · project · client, state, short ref and age), each opening its own card. */
export function jobListSection(jobs: JobView[], locale: Locale, now: Date = new Date()): GoogleAppsScript.Card_Service.CardSection {
  const list = jobListCard(jobs.slice(0, 10), locale, now).sections![0]!;
  return fromCardV2Section({ ...(list as Section), header: t(locale, 'recentJobs') });
}

export function buildJobListCard(jobs: JobView[], locale: Locale, extra?: GoogleAppsScript.Card_Service.CardSection): GoogleAppsScript.Card_Service.Card {
  const card = CardService.newCardBuilder().setName('recent-jobs').setHeader(CardService.newCardHeader().setTitle(t(locale, 'appName')).setSubtitle(t(locale, 'recentJobs')));
  if (extra) card.addSection(extra);
  return card.addSection(jobListSection(jobs, locale)).build();
}

export function buildErrorCard(message: string, locale: Locale): GoogleAppsScript.Card_Service.Card {
  return CardService.newCardBuilder()
    .setName('error')
    .setHeader(CardService.newCardHeader().setTitle(t(locale, 'appName')).setSubtitle(JOB_TEXTS.problem[locale]))
    .addSection(CardService.newCardSection().addWidget(CardService.newTextParagraph().setText(`⚠️ ${cardText(message)}`)))
    .build();
}

export function notify(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder().setNotification(CardService.newNotification().setText(text)).build();
}
