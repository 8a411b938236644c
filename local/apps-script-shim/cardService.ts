/**
 * CardService for the Apps Script shim: the builders the add-on calls, each producing the Card v2
 * JSON (`GoogleAppsCardV1Card`, the shape Chat uses too) that the card renders as, so the console
 * can draw it and tests can validate it with shared/cardV2.ts.
 *
 * Action responses become `{ action: { navigations, notification, link } }`; universal action
 * responses `{ action: { navigations: [{ pushCard }] } }`.
 *
 * Typing: every shim class passes `SubsetOf<Real, Shim>` against @types/google-apps-script, so a
 * builder method the real CardService lacks does not compile. The shim implements only what the
 * add-on calls; calling anything else fails at run time as it would in a typo'd script.
 */
/// <reference types="google-apps-script" />

type Json = Record<string, unknown>;

/** Compile-time check: the shim declares no public member the real interface lacks. */
export type SubsetOf<Real, Shim> = [Exclude<keyof Shim, keyof Real | typeof TO_JSON>] extends [never]
  ? true
  : { membersTheRealPlatformLacks: Exclude<keyof Shim, keyof Real | typeof TO_JSON> };

export const TO_JSON: unique symbol = Symbol('tasuki.shim.toJson');

type Jsonable = { [TO_JSON](): unknown };

function isJsonable(value: unknown): value is Jsonable {
  return typeof value === 'object' && value !== null && TO_JSON in value;
}

/** Deep plain JSON of anything the add-on returns (shim objects, arrays, Chat JSON). */
export function toPlain(value: unknown): unknown {
  if (isJsonable(value)) return toPlain(value[TO_JSON]());
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
    return out;
  }
  return value;
}

function clean(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

export class ActionShim {
  private data: Json = {};
  setFunctionName(name: string): this {
    this.data.function = name;
    return this;
  }
  setParameters(params: Record<string, string>): this {
    this.data.parameters = Object.entries(params).map(([key, value]) => ({ key, value: String(value) }));
    return this;
  }
  setLoadIndicator(indicator: unknown): this {
    this.data.loadIndicator = String(indicator);
    return this;
  }
  setPersistValues(persist: boolean): this {
    this.data.persistValues = persist;
    return this;
  }
  setInteraction(interaction: unknown): this {
    this.data.interaction = String(interaction);
    return this;
  }
  addRequiredWidget(name: string): this {
    this.data.requiredWidgets = [...((this.data.requiredWidgets as string[]) ?? []), name];
    return this;
  }
  setAllWidgetsAreRequired(all: boolean): this {
    this.data.allWidgetsAreRequired = all;
    return this;
  }
  [TO_JSON]() {
    return clean(this.data);
  }
}

export class OpenLinkShim {
  private data: Json = {};
  setUrl(url: string): this {
    this.data.url = url;
    return this;
  }
  setOpenAs(openAs: unknown): this {
    this.data.openAs = String(openAs);
    return this;
  }
  setOnClose(onClose: unknown): this {
    this.data.onClose = String(onClose);
    return this;
  }
  [TO_JSON]() {
    return clean(this.data);
  }
}

function onClickOf(kind: 'action' | 'openLink' | 'openDynamicLinkAction', value: unknown): Json {
  return { [kind]: toPlain(value) };
}

export class TextButtonShim {
  private data: Json = {};
  setText(text: string): this {
    this.data.text = text;
    return this;
  }
  setOnClickAction(action: ActionShim): this {
    this.data.onClick = onClickOf('action', action);
    return this;
  }
  setOpenLink(link: OpenLinkShim): this {
    this.data.onClick = onClickOf('openLink', link);
    return this;
  }
  setOnClickOpenLinkAction(action: ActionShim): this {
    this.data.onClick = onClickOf('openDynamicLinkAction', action);
    return this;
  }
  setTextButtonStyle(style: unknown): this {
    const s = String(style);
    this.data.type = s === 'TEXT' ? 'BORDERLESS' : s;
    return this;
  }
  setDisabled(disabled: boolean): this {
    this.data.disabled = disabled;
    return this;
  }
  setAltText(alt: string): this {
    this.data.altText = alt;
    return this;
  }
  [TO_JSON]() {
    return clean(this.data);
  }
}

export class ButtonSetShim {
  private buttons: TextButtonShim[] = [];
  addButton(button: TextButtonShim): this {
    this.buttons.push(button);
    return this;
  }
  [TO_JSON]() {
    return { buttonList: { buttons: this.buttons.map(toPlain) } };
  }
}

export class TextParagraphShim {
  private data: Json = {};
  setText(text: string): this {
    this.data.text = text;
    return this;
  }
  [TO_JSON]() {
    return { textParagraph: clean({ text: '', ...this.data }) };
  }
}

export class DecoratedTextShim {
  private data: Json = {};
  setText(text: string): this {
    this.data.text = text;
    return this;
  }
  setTopLabel(text: string): this {
    this.data.topLabel = text;
    return this;
  }
  setBottomLabel(text: string): this {
    this.data.bottomLabel = text;
    return this;
  }
  setWrapText(wrap: boolean): this {
    this.data.wrapText = wrap;
    return this;
  }
  setButton(button: TextButtonShim): this {
    this.data.button = toPlain(button);
    return this;
  }
  setOnClickAction(action: ActionShim): this {
    this.data.onClick = onClickOf('action', action);
    return this;
  }
  setOpenLink(link: OpenLinkShim): this {
    this.data.onClick = onClickOf('openLink', link);
    return this;
  }
  [TO_JSON]() {
    return { decoratedText: clean({ text: '', ...this.data }) };
  }
}

export class TextInputShim {
  private data: Json = {};
  setFieldName(name: string): this {
    this.data.name = name;
    return this;
  }
  setTitle(title: string): this {
    this.data.label = title;
    return this;
  }
  setValue(value: string): this {
    this.data.value = value;
    return this;
  }
  setHint(hint: string): this {
    this.data.hintText = hint;
    return this;
  }
  setMultiline(multiline: boolean): this {
    this.data.type = multiline ? 'MULTIPLE_LINE' : 'SINGLE_LINE';
    return this;
  }
  setOnChangeAction(action: ActionShim): this {
    this.data.onChangeAction = toPlain(action);
    return this;
  }
  [TO_JSON]() {
    return { textInput: clean(this.data) };
  }
}

export class DividerShim {
  [TO_JSON]() {
    return { divider: {} };
  }
}

type Widget = TextParagraphShim | DecoratedTextShim | TextInputShim | ButtonSetShim | DividerShim;

export class CardSectionShim {
  private data: Json = {};
  private widgets: Widget[] = [];
  setHeader(header: string): this {
    this.data.header = header;
    return this;
  }
  addWidget(widget: Widget): this {
    this.widgets.push(widget);
    return this;
  }
  setCollapsible(collapsible: boolean): this {
    this.data.collapsible = collapsible;
    return this;
  }
  setNumUncollapsibleWidgets(n: number): this {
    this.data.uncollapsibleWidgetsCount = n;
    return this;
  }
  [TO_JSON]() {
    return clean({ ...this.data, widgets: this.widgets.map(toPlain) });
  }
}

export class CardHeaderShim {
  private data: Json = {};
  setTitle(title: string): this {
    this.data.title = title;
    return this;
  }
  setSubtitle(subtitle: string): this {
    this.data.subtitle = subtitle;
    return this;
  }
  setImageUrl(url: string): this {
    this.data.imageUrl = url;
    return this;
  }
  setImageAltText(alt: string): this {
    this.data.imageAltText = alt;
    return this;
  }
  setImageStyle(style: unknown): this {
    this.data.imageType = String(style) === 'CIRCLE' ? 'CIRCLE' : 'SQUARE';
    return this;
  }
  [TO_JSON]() {
    return clean({ title: '', ...this.data });
  }
}

export class FixedFooterShim {
  private data: Json = {};
  setPrimaryButton(button: TextButtonShim): this {
    this.data.primaryButton = toPlain(button);
    return this;
  }
  setSecondaryButton(button: TextButtonShim): this {
    this.data.secondaryButton = toPlain(button);
    return this;
  }
  [TO_JSON]() {
    return clean(this.data);
  }
}

export class CardActionShim {
  private data: Json = {};
  setText(text: string): this {
    this.data.actionLabel = text;
    return this;
  }
  setOnClickAction(action: ActionShim): this {
    this.data.onClick = onClickOf('action', action);
    return this;
  }
  setOpenLink(link: OpenLinkShim): this {
    this.data.onClick = onClickOf('openLink', link);
    return this;
  }
  [TO_JSON]() {
    return clean(this.data);
  }
}

/** A built card. `printJson` exists on the real Card ("for debugging only"). */
export class CardShim {
  constructor(private readonly json: Json) {}
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
  [TO_JSON]() {
    return this.json;
  }
}

export class CardBuilderShim {
  private data: Json = {};
  private sections: CardSectionShim[] = [];
  private cardActions: CardActionShim[] = [];
  setHeader(header: CardHeaderShim): this {
    this.data.header = toPlain(header);
    return this;
  }
  addSection(section: CardSectionShim): this {
    this.sections.push(section);
    return this;
  }
  addCardAction(action: CardActionShim): this {
    this.cardActions.push(action);
    return this;
  }
  setFixedFooter(footer: FixedFooterShim): this {
    this.data.fixedFooter = toPlain(footer);
    return this;
  }
  setName(name: string): this {
    this.data.name = name;
    return this;
  }
  setDisplayStyle(style: unknown): this {
    this.data.displayStyle = String(style);
    return this;
  }
  setPeekCardHeader(header: CardHeaderShim): this {
    this.data.peekCardHeader = toPlain(header);
    return this;
  }
  build(): CardShim {
    const json = clean({
      header: this.data.header,
      sections: this.sections.length ? this.sections.map(toPlain) : undefined,
      cardActions: this.cardActions.length ? this.cardActions.map(toPlain) : undefined,
      fixedFooter: this.data.fixedFooter,
      name: this.data.name,
      displayStyle: this.data.displayStyle,
      peekCardHeader: this.data.peekCardHeader,
    });
    return new CardShim(json);
  }
}

export class NavigationShim {
  private steps: Json[] = [];
  pushCard(card: CardShim): this {
    this.steps.push({ pushCard: toPlain(card) });
    return this;
  }
  updateCard(card: CardShim): this {
    this.steps.push({ updateCard: toPlain(card) });
    return this;
  }
  popCard(): this {
    this.steps.push({ popCard: true });
    return this;
  }
  popToRoot(): this {
    this.steps.push({ popToRoot: true });
    return this;
  }
  popToNamedCard(name: string): this {
    this.steps.push({ popToCard: name });
    return this;
  }
  [TO_JSON]() {
    return this.steps;
  }
}

export class NotificationShim {
  private text = '';
  setText(text: string): this {
    this.text = text;
    return this;
  }
  [TO_JSON]() {
    return { text: this.text };
  }
}

export class ActionResponseShim {
  constructor(private readonly json: Json) {}
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
  [TO_JSON]() {
    return this.json;
  }
}

export class ActionResponseBuilderShim {
  private action: Json = {};
  setNavigation(navigation: NavigationShim): this {
    this.action.navigations = toPlain(navigation);
    return this;
  }
  setNotification(notification: NotificationShim): this {
    this.action.notification = toPlain(notification);
    return this;
  }
  setOpenLink(link: OpenLinkShim): this {
    this.action.link = toPlain(link);
    return this;
  }
  setStateChanged(changed: boolean): this {
    this.action.stateChanged = changed;
    return this;
  }
  build(): ActionResponseShim {
    return new ActionResponseShim({ action: clean(this.action) });
  }
}

export class UniversalActionResponseShim {
  constructor(private readonly json: Json) {}
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
  [TO_JSON]() {
    return this.json;
  }
}

export class UniversalActionResponseBuilderShim {
  private action: Json = {};
  displayAddOnCards(cards: CardShim[]): this {
    this.action.navigations = cards.map((card) => ({ pushCard: toPlain(card) }));
    return this;
  }
  setOpenLink(link: OpenLinkShim): this {
    this.action.link = toPlain(link);
    return this;
  }
  build(): UniversalActionResponseShim {
    return new UniversalActionResponseShim({ action: clean(this.action) });
  }
}

function enumOf<const K extends string>(...keys: K[]): Record<K, K> {
  return Object.fromEntries(keys.map((k) => [k, k])) as Record<K, K>;
}

export function createCardService() {
  return {
    newCardBuilder: () => new CardBuilderShim(),
    newCardHeader: () => new CardHeaderShim(),
    newCardSection: () => new CardSectionShim(),
    newCardAction: () => new CardActionShim(),
    newTextParagraph: () => new TextParagraphShim(),
    newDecoratedText: () => new DecoratedTextShim(),
    newTextInput: () => new TextInputShim(),
    newButtonSet: () => new ButtonSetShim(),
    newTextButton: () => new TextButtonShim(),
    newDivider: () => new DividerShim(),
    newFixedFooter: () => new FixedFooterShim(),
    newAction: () => new ActionShim(),
    newOpenLink: () => new OpenLinkShim(),
    newNavigation: () => new NavigationShim(),
    newNotification: () => new NotificationShim(),
    newActionResponseBuilder: () => new ActionResponseBuilderShim(),
    newUniversalActionResponseBuilder: () => new UniversalActionResponseBuilderShim(),
    TextButtonStyle: enumOf('OUTLINED', 'TEXT', 'FILLED', 'FILLED_TONAL', 'BORDERLESS'),
    LoadIndicator: enumOf('SPINNER', 'NONE'),
    OpenAs: enumOf('FULL_SIZE', 'OVERLAY'),
    OnClose: enumOf('NOTHING', 'RELOAD'),
    ImageStyle: enumOf('SQUARE', 'CIRCLE'),
    DisplayStyle: enumOf('PEEK', 'REPLACE'),
    Interaction: enumOf('INTERACTION_UNSPECIFIED', 'OPEN_DIALOG'),
  };
}

// The shim's surface is a subset of the real platform's (a typo'd or invented method fails here).
const checks: [
  SubsetOf<GoogleAppsScript.Card_Service.CardService, ReturnType<typeof createCardService>>,
  SubsetOf<GoogleAppsScript.Card_Service.Action, ActionShim>,
  SubsetOf<GoogleAppsScript.Card_Service.OpenLink, OpenLinkShim>,
  SubsetOf<GoogleAppsScript.Card_Service.TextButton, TextButtonShim>,
  SubsetOf<GoogleAppsScript.Card_Service.ButtonSet, ButtonSetShim>,
  SubsetOf<GoogleAppsScript.Card_Service.TextParagraph, TextParagraphShim>,
  SubsetOf<GoogleAppsScript.Card_Service.DecoratedText, DecoratedTextShim>,
  SubsetOf<GoogleAppsScript.Card_Service.TextInput, TextInputShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Divider, DividerShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardSection, CardSectionShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardHeader, CardHeaderShim>,
  SubsetOf<GoogleAppsScript.Card_Service.FixedFooter, FixedFooterShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardAction, CardActionShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Card, CardShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardBuilder, CardBuilderShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Navigation, NavigationShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Notification, NotificationShim>,
  SubsetOf<GoogleAppsScript.Card_Service.ActionResponse, ActionResponseShim>,
  SubsetOf<GoogleAppsScript.Card_Service.ActionResponseBuilder, ActionResponseBuilderShim>,
  SubsetOf<GoogleAppsScript.Card_Service.UniversalActionResponse, UniversalActionResponseShim>,
  SubsetOf<GoogleAppsScript.Card_Service.UniversalActionResponseBuilder, UniversalActionResponseBuilderShim>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void checks;
