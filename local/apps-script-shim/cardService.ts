/**
 * CardService for the Apps Script shim: the builders the add-on calls, each producing the Card v2
 * JSON (`GoogleAppsCardV1Card`, the shape Chat uses too) that the card renders as, so the console
 * can draw it and tests can validate it with shared/cardV2.ts.
 *
 * Action responses become `{ action: { navigations, notification, link } }`; universal action
 * responses `{ action: { navigations: [{ pushCard }] } }`.
 *
 * Mechanism: every builder is one table of setters (`jsonBuilder`): each setter writes its
 * argument into the builder's JSON under the Card v2 name, and a render function shapes the JSON
 * the builder stands for. Chaining (`return this`) and the TO_JSON hook come from the mechanism.
 *
 * Typing: every shim builder passes `SubsetOf<Real, Shim>` against @types/google-apps-script, so a
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

// The argument lists differ per setter; JsonBuilder gives each method its own from the table.
type Setter = (data: Json, ...args: any[]) => void;
type Setters = Record<string, Setter>;

/** A builder made from a setter table: each setter becomes a chaining method of the same arguments. */
export type JsonBuilder<S extends Setters> = {
  [K in keyof S]: S[K] extends (data: Json, ...args: infer A) => void ? (...args: A) => JsonBuilder<S> : never;
} & Jsonable;

/**
 * One builder class per table. A set value is made plain when it is set; appended parts
 * (sections, widgets, buttons) when the builder is rendered.
 */
function jsonBuilder<S extends Setters>(setters: S, render: (data: Json) => unknown = clean): new () => JsonBuilder<S> {
  class Builder {
    private readonly data: Json = {};
    [TO_JSON]() {
      return toPlain(render({ ...this.data }));
    }
  }
  for (const [name, setter] of Object.entries(setters)) {
    Object.defineProperty(Builder.prototype, name, {
      value(this: { data: Json }, ...args: unknown[]) {
        setter(this.data, ...args);
        return this;
      },
      writable: true,
      configurable: true,
    });
  }
  return Builder as unknown as new () => JsonBuilder<S>;
}

/** Setter: store the value (made plain, optionally converted first) under a Card v2 key. */
function set<V>(key: string, convert: (value: V) => unknown = (value) => value): (data: Json, value: V) => void {
  return (data, value) => {
    data[key] = toPlain(convert(value));
  };
}

/** Setter: append the value (optionally converted) to a list under a Card v2 key. */
function add<V>(key: string, convert: (value: V) => unknown = (value) => value): (data: Json, value: V) => void {
  return (data, value) => {
    data[key] = [...((data[key] as unknown[] | undefined) ?? []), convert(value)];
  };
}

function onClickOf(kind: 'action' | 'openLink' | 'openDynamicLinkAction') {
  return set<ActionShim | OpenLinkShim>('onClick', (value) => ({ [kind]: toPlain(value) }));
}

/** A built, immutable result (Card, ActionResponse, UniversalActionResponse). `printJson` exists on the real ones ("for debugging only"). */
export class BuiltShim {
  constructor(private readonly json: Json) {}
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
  [TO_JSON]() {
    return this.json;
  }
}

/** A builder whose `build()` freezes its rendered JSON into a BuiltShim. */
function builtBy<S extends Setters>(setters: S, render: (data: Json) => Json): new () => JsonBuilder<S> & { build(): BuiltShim } {
  const Base = jsonBuilder(setters, render);
  Object.defineProperty(Base.prototype, 'build', {
    value(this: Jsonable) {
      return new BuiltShim(this[TO_JSON]() as Json);
    },
    writable: true,
    configurable: true,
  });
  return Base as unknown as new () => JsonBuilder<S> & { build(): BuiltShim };
}

export const ActionShim = jsonBuilder({
  setFunctionName: set<string>('function'),
  setParameters: set('parameters', (params: Record<string, string>) =>
    Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
  ),
  setLoadIndicator: set('loadIndicator', String),
  setPersistValues: set<boolean>('persistValues'),
  setInteraction: set('interaction', String),
  addRequiredWidget: add<string>('requiredWidgets'),
  setAllWidgetsAreRequired: set<boolean>('allWidgetsAreRequired'),
});
export type ActionShim = InstanceType<typeof ActionShim>;

export const OpenLinkShim = jsonBuilder({
  setUrl: set<string>('url'),
  setOpenAs: set('openAs', String),
  setOnClose: set('onClose', String),
});
export type OpenLinkShim = InstanceType<typeof OpenLinkShim>;

export const TextButtonShim = jsonBuilder({
  setText: set<string>('text'),
  setOnClickAction: onClickOf('action'),
  setOpenLink: onClickOf('openLink'),
  setOnClickOpenLinkAction: onClickOf('openDynamicLinkAction'),
  setTextButtonStyle: set('type', (style: unknown) => (String(style) === 'TEXT' ? 'BORDERLESS' : String(style))),
  setDisabled: set<boolean>('disabled'),
  setAltText: set<string>('altText'),
});
export type TextButtonShim = InstanceType<typeof TextButtonShim>;

export const ButtonSetShim = jsonBuilder({ addButton: add<TextButtonShim>('buttons') }, ({ buttons = [] }) => ({
  buttonList: { buttons },
}));
export type ButtonSetShim = InstanceType<typeof ButtonSetShim>;

export const TextParagraphShim = jsonBuilder({ setText: set<string>('text') }, (data) => ({
  textParagraph: clean({ text: '', ...data }),
}));
export type TextParagraphShim = InstanceType<typeof TextParagraphShim>;

export const DecoratedTextShim = jsonBuilder(
  {
    setText: set<string>('text'),
    setTopLabel: set<string>('topLabel'),
    setBottomLabel: set<string>('bottomLabel'),
    setWrapText: set<boolean>('wrapText'),
    setButton: set<TextButtonShim>('button'),
    setOnClickAction: onClickOf('action'),
    setOpenLink: onClickOf('openLink'),
  },
  (data) => ({ decoratedText: clean({ text: '', ...data }) }),
);
export type DecoratedTextShim = InstanceType<typeof DecoratedTextShim>;

export const TextInputShim = jsonBuilder(
  {
    setFieldName: set<string>('name'),
    setTitle: set<string>('label'),
    setValue: set<string>('value'),
    setHint: set<string>('hintText'),
    setMultiline: set('type', (multiline: boolean) => (multiline ? 'MULTIPLE_LINE' : 'SINGLE_LINE')),
    setOnChangeAction: set<ActionShim>('onChangeAction'),
  },
  (data) => ({ textInput: clean(data) }),
);
export type TextInputShim = InstanceType<typeof TextInputShim>;

export const SelectionInputShim = jsonBuilder(
  {
    setFieldName: set<string>('name'),
    setTitle: set<string>('label'),
    setType: set('type', String),
    addItem: (data: Json, text: unknown, value: unknown, selected: boolean) => {
      data.items = [...((data.items as unknown[] | undefined) ?? []), { text: String(text), value: String(value), selected: Boolean(selected) }];
    },
    setOnChangeAction: set<ActionShim>('onChangeAction'),
  },
  (data) => ({ selectionInput: clean(data) }),
);
export type SelectionInputShim = InstanceType<typeof SelectionInputShim>;

export const DividerShim = jsonBuilder({}, () => ({ divider: {} }));
export type DividerShim = InstanceType<typeof DividerShim>;

type Widget = TextParagraphShim | DecoratedTextShim | TextInputShim | SelectionInputShim | ButtonSetShim | DividerShim;

export const CardSectionShim = jsonBuilder(
  {
    setHeader: set<string>('header'),
    addWidget: add<Widget>('widgets'),
    setCollapsible: set<boolean>('collapsible'),
    setNumUncollapsibleWidgets: set<number>('uncollapsibleWidgetsCount'),
  },
  ({ widgets = [], ...data }) => clean({ ...data, widgets }),
);
export type CardSectionShim = InstanceType<typeof CardSectionShim>;

export const CardHeaderShim = jsonBuilder(
  {
    setTitle: set<string>('title'),
    setSubtitle: set<string>('subtitle'),
    setImageUrl: set<string>('imageUrl'),
    setImageAltText: set<string>('imageAltText'),
    setImageStyle: set('imageType', (style: unknown) => (String(style) === 'CIRCLE' ? 'CIRCLE' : 'SQUARE')),
  },
  (data) => clean({ title: '', ...data }),
);
export type CardHeaderShim = InstanceType<typeof CardHeaderShim>;

export const FixedFooterShim = jsonBuilder({
  setPrimaryButton: set<TextButtonShim>('primaryButton'),
  setSecondaryButton: set<TextButtonShim>('secondaryButton'),
});
export type FixedFooterShim = InstanceType<typeof FixedFooterShim>;

export const CardActionShim = jsonBuilder({
  setText: set<string>('actionLabel'),
  setOnClickAction: onClickOf('action'),
  setOpenLink: onClickOf('openLink'),
});
export type CardActionShim = InstanceType<typeof CardActionShim>;

export const CardBuilderShim = builtBy(
  {
    setHeader: set<CardHeaderShim>('header'),
    addSection: add<CardSectionShim>('sections'),
    addCardAction: add<CardActionShim>('cardActions'),
    setFixedFooter: set<FixedFooterShim>('fixedFooter'),
    setName: set<string>('name'),
    setDisplayStyle: set('displayStyle', String),
    setPeekCardHeader: set<CardHeaderShim>('peekCardHeader'),
  },
  (data) =>
    clean({
      header: data.header,
      sections: data.sections,
      cardActions: data.cardActions,
      fixedFooter: data.fixedFooter,
      name: data.name,
      displayStyle: data.displayStyle,
      peekCardHeader: data.peekCardHeader,
    }),
);
export type CardBuilderShim = InstanceType<typeof CardBuilderShim>;

/** Setter without an argument: append a fixed navigation step. */
const fixedStep = (json: Json) => (data: Json) => add<Json>('steps')(data, json);
export const NavigationShim = jsonBuilder(
  {
    pushCard: add('steps', (card: BuiltShim) => ({ pushCard: toPlain(card) })),
    updateCard: add('steps', (card: BuiltShim) => ({ updateCard: toPlain(card) })),
    popCard: fixedStep({ popCard: true }),
    popToRoot: fixedStep({ popToRoot: true }),
    popToNamedCard: add('steps', (name: string) => ({ popToCard: name })),
  },
  ({ steps = [] }) => steps,
);
export type NavigationShim = InstanceType<typeof NavigationShim>;

export const NotificationShim = jsonBuilder({ setText: set<string>('text') }, ({ text = '' }) => ({ text }));
export type NotificationShim = InstanceType<typeof NotificationShim>;

export const ActionResponseBuilderShim = builtBy(
  {
    setNavigation: set<NavigationShim>('navigations'),
    setNotification: set<NotificationShim>('notification'),
    setOpenLink: set<OpenLinkShim>('link'),
    setStateChanged: set<boolean>('stateChanged'),
  },
  (data) => ({ action: clean(data) }),
);
export type ActionResponseBuilderShim = InstanceType<typeof ActionResponseBuilderShim>;

export const UniversalActionResponseBuilderShim = builtBy(
  {
    displayAddOnCards: set('navigations', (cards: BuiltShim[]) => cards.map((card) => ({ pushCard: toPlain(card) }))),
    setOpenLink: set<OpenLinkShim>('link'),
  },
  (data) => ({ action: clean(data) }),
);
export type UniversalActionResponseBuilderShim = InstanceType<typeof UniversalActionResponseBuilderShim>;

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
    newSelectionInput: () => new SelectionInputShim(),
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
    SelectionInputType: enumOf('CHECK_BOX', 'RADIO_BUTTON', 'DROPDOWN', 'SWITCH', 'MULTI_SELECT'),
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
  SubsetOf<GoogleAppsScript.Card_Service.SelectionInput, SelectionInputShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Divider, DividerShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardSection, CardSectionShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardHeader, CardHeaderShim>,
  SubsetOf<GoogleAppsScript.Card_Service.FixedFooter, FixedFooterShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardAction, CardActionShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Card, BuiltShim>,
  SubsetOf<GoogleAppsScript.Card_Service.CardBuilder, CardBuilderShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Navigation, NavigationShim>,
  SubsetOf<GoogleAppsScript.Card_Service.Notification, NotificationShim>,
  SubsetOf<GoogleAppsScript.Card_Service.ActionResponse, BuiltShim>,
  SubsetOf<GoogleAppsScript.Card_Service.ActionResponseBuilder, ActionResponseBuilderShim>,
  SubsetOf<GoogleAppsScript.Card_Service.UniversalActionResponse, BuiltShim>,
  SubsetOf<GoogleAppsScript.Card_Service.UniversalActionResponseBuilder, UniversalActionResponseBuilderShim>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void checks;
