/**
 * Card v2 (`GoogleAppsCardV1Card`) as a strict zod schema: the cards the service posts to Chat
 * (`cardsV2: [{cardId, card}]`) and the sandbox checks them exactly as strictly, so a card that
 * passes here is one Google accepts. Field names follow @googleapis/chat's
 * `Schema$GoogleAppsCardV1*` types (PLATFORM.md §4).
 *
 * Strictness: unknown keys are rejected; one-of fields are enforced (a widget holds exactly one
 * of textParagraph, decoratedText, …; an onClick exactly one of action, openLink, …; an icon one
 * of knownIcon, iconUrl, materialIcon); a card holds at most 100 widgets (Chat ignores the rest,
 * which would silently drop a result, so we refuse).
 *
 * Bundled into Apps Script as well: zod only (`import * as z`), no Node imports.
 */
import * as z from 'zod';

export const MAX_CARD_WIDGETS = 100;

const Color = z.strictObject({ red: z.number().min(0).max(1).optional(), green: z.number().min(0).max(1).optional(), blue: z.number().min(0).max(1).optional(), alpha: z.number().min(0).max(1).optional() });

/** Exactly one of `keys` present (undefined counts as absent). */
function oneOf<T extends Record<string, unknown>>(keys: readonly string[], what: string) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const present = keys.filter((k) => value[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: present.length === 0 ? `${what} must set exactly one of ${keys.join(', ')}; it sets none` : `${what} must set exactly one of ${keys.join(', ')}; it sets ${present.join(' and ')}`,
      });
    }
  };
}

export const ActionParameter = z.strictObject({ key: z.string(), value: z.string() });

export const Action = z.strictObject({
  function: z.string().min(1, 'action.function names the function to run'),
  parameters: z.array(ActionParameter).optional(),
  loadIndicator: z.enum(['SPINNER', 'NONE']).optional(),
  interaction: z.enum(['INTERACTION_UNSPECIFIED', 'OPEN_DIALOG']).optional(),
  persistValues: z.boolean().optional(),
  requiredWidgets: z.array(z.string()).optional(),
  allWidgetsAreRequired: z.boolean().optional(),
});

export const MaterialIcon = z.strictObject({ name: z.string().min(1), fill: z.boolean().optional(), weight: z.number().int().optional(), grade: z.number().int().optional() });

export const Icon = z
  .strictObject({
    knownIcon: z.string().optional(),
    iconUrl: z.string().url().optional(),
    materialIcon: MaterialIcon.optional(),
    altText: z.string().optional(),
    imageType: z.enum(['SQUARE', 'CIRCLE']).optional(),
  })
  .superRefine(oneOf(['knownIcon', 'iconUrl', 'materialIcon'], 'icon'));

export const OpenLink = z.strictObject({
  url: z.string().url('openLink.url must be an absolute URL'),
  openAs: z.enum(['FULL_SIZE', 'OVERLAY']).optional(),
  onClose: z.enum(['NOTHING', 'RELOAD']).optional(),
});

// OnClick and Card refer to each other (onClick.card, overflow menu items); the explicit
// ZodType annotations break the cycle for TypeScript.
type OnClickShape = { action?: unknown; openLink?: unknown; openDynamicLinkAction?: unknown; card?: unknown; overflowMenu?: unknown };
export const OnClick: z.ZodType<OnClickShape> = z.lazy(() =>
  z
    .strictObject({
      action: Action.optional(),
      openLink: OpenLink.optional(),
      openDynamicLinkAction: Action.optional(),
      card: z.lazy((): z.ZodType<unknown> => Card).optional(),
      overflowMenu: z
        .strictObject({
          items: z.array(
            z.strictObject({ text: z.string(), startIcon: Icon.optional(), onClick: OnClick, disabled: z.boolean().optional() }),
          ),
        })
        .optional(),
    })
    .superRefine(oneOf(['action', 'openLink', 'openDynamicLinkAction', 'card', 'overflowMenu'], 'onClick')),
);

export const Button = z.strictObject({
  text: z.string().optional(),
  icon: Icon.optional(),
  color: Color.optional(),
  onClick: OnClick,
  disabled: z.boolean().optional(),
  altText: z.string().optional(),
  type: z.enum(['TYPE_UNSPECIFIED', 'OUTLINED', 'FILLED', 'FILLED_TONAL', 'BORDERLESS']).optional(),
});

export const ButtonList = z.strictObject({ buttons: z.array(Button).min(1, 'buttonList.buttons needs at least one button') });

export const TextParagraph = z.strictObject({
  text: z.string(),
  maxLines: z.number().int().min(0).optional(),
  textSyntax: z.enum(['TEXT_SYNTAX_UNSPECIFIED', 'HTML', 'MARKDOWN']).optional(),
});

const SwitchControl = z.strictObject({
  name: z.string().optional(),
  value: z.string().optional(),
  selected: z.boolean().optional(),
  onChangeAction: Action.optional(),
  controlType: z.enum(['SWITCH', 'CHECKBOX', 'CHECK_BOX']).optional(),
});

export const DecoratedText = z.strictObject({
  topLabel: z.string().optional(),
  topLabelText: TextParagraph.optional(),
  text: z.string(),
  contentText: TextParagraph.optional(),
  bottomLabel: z.string().optional(),
  bottomLabelText: TextParagraph.optional(),
  wrapText: z.boolean().optional(),
  icon: Icon.optional(),
  startIcon: Icon.optional(),
  startIconVerticalAlignment: z.enum(['VERTICAL_ALIGNMENT_UNSPECIFIED', 'TOP', 'MIDDLE', 'BOTTOM']).optional(),
  endIcon: Icon.optional(),
  button: Button.optional(),
  switchControl: SwitchControl.optional(),
  onClick: OnClick.optional(),
});

const Suggestions = z.strictObject({ items: z.array(z.strictObject({ text: z.string() })) });

export const TextInput = z.strictObject({
  name: z.string().min(1, 'textInput.name is required'),
  label: z.string().optional(),
  hintText: z.string().optional(),
  value: z.string().optional(),
  type: z.enum(['SINGLE_LINE', 'MULTIPLE_LINE']).optional(),
  onChangeAction: Action.optional(),
  initialSuggestions: Suggestions.optional(),
  autoCompleteAction: Action.optional(),
  validation: z.strictObject({ characterLimit: z.number().int().optional(), inputType: z.string().optional() }).optional(),
  placeholderText: z.string().optional(),
});

export const SelectionItem = z.strictObject({
  text: z.string(),
  value: z.string(),
  selected: z.boolean().optional(),
  startIconUri: z.string().optional(),
  bottomText: z.string().optional(),
});

const PlatformDataSource = z.strictObject({ commonDataSource: z.enum(['UNKNOWN', 'USER']).optional(), hostAppDataSource: z.record(z.string(), z.unknown()).optional() });

export const SelectionInput = z.strictObject({
  name: z.string().min(1, 'selectionInput.name is required'),
  label: z.string().optional(),
  type: z.enum(['CHECK_BOX', 'RADIO_BUTTON', 'SWITCH', 'DROPDOWN', 'MULTI_SELECT']).optional(),
  items: z.array(SelectionItem).optional(),
  onChangeAction: Action.optional(),
  multiSelectMaxSelectedItems: z.number().int().optional(),
  multiSelectMinQueryLength: z.number().int().optional(),
  externalDataSource: Action.optional(),
  platformDataSource: PlatformDataSource.optional(),
  dataSourceConfigs: z.array(z.strictObject({ remoteDataSource: Action.optional(), platformDataSource: PlatformDataSource.optional(), minCharactersTrigger: z.number().int().optional() })).optional(),
  hintText: z.string().optional(),
});

export const DateTimePicker = z.strictObject({
  name: z.string().min(1, 'dateTimePicker.name is required'),
  label: z.string().optional(),
  type: z.enum(['DATE_AND_TIME', 'DATE_ONLY', 'TIME_ONLY']).optional(),
  valueMsEpoch: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
  timezoneOffsetDate: z.number().int().optional(),
  onChangeAction: Action.optional(),
  hostAppDataSource: z.record(z.string(), z.unknown()).optional(),
});

export const Image = z.strictObject({ imageUrl: z.string().url(), onClick: OnClick.optional(), altText: z.string().optional() });

const BorderStyle = z.strictObject({ type: z.enum(['BORDER_TYPE_UNSPECIFIED', 'NO_BORDER', 'STROKE']).optional(), strokeColor: Color.optional(), cornerRadius: z.number().int().optional() });

export const Grid = z.strictObject({
  title: z.string().optional(),
  items: z.array(
    z.strictObject({
      id: z.string().optional(),
      image: z
        .strictObject({
          imageUri: z.string().url(),
          altText: z.string().optional(),
          cropStyle: z.strictObject({ type: z.enum(['IMAGE_CROP_TYPE_UNSPECIFIED', 'SQUARE', 'CIRCLE', 'RECTANGLE_CUSTOM', 'RECTANGLE_4_3']).optional(), aspectRatio: z.number().optional() }).optional(),
          borderStyle: BorderStyle.optional(),
        })
        .optional(),
      title: z.string().optional(),
      subtitle: z.string().optional(),
      layout: z.enum(['GRID_ITEM_LAYOUT_UNSPECIFIED', 'TEXT_BELOW', 'TEXT_ABOVE']).optional(),
    }),
  ),
  borderStyle: BorderStyle.optional(),
  columnCount: z.number().int().min(1).optional(),
  onClick: OnClick.optional(),
});

export const Chip = z.strictObject({
  icon: Icon.optional(),
  label: z.string().optional(),
  onClick: OnClick.optional(),
  enabled: z.boolean().optional(),
  disabled: z.boolean().optional(),
  altText: z.string().optional(),
});
export const ChipList = z.strictObject({ layout: z.enum(['LAYOUT_UNSPECIFIED', 'WRAPPED', 'HORIZONTAL_SCROLLABLE']).optional(), chips: z.array(Chip) });

const HorizontalAlignment = z.enum(['HORIZONTAL_ALIGNMENT_UNSPECIFIED', 'START', 'CENTER', 'END']);

/** Widgets allowed inside a column (no columns, grid, divider or carousel); a Widget may be any of them too. */
const COLUMN_WIDGETS = {
  textParagraph: TextParagraph.optional(),
  image: Image.optional(),
  decoratedText: DecoratedText.optional(),
  buttonList: ButtonList.optional(),
  textInput: TextInput.optional(),
  selectionInput: SelectionInput.optional(),
  dateTimePicker: DateTimePicker.optional(),
  chipList: ChipList.optional(),
};
export const ColumnWidget = z.strictObject(COLUMN_WIDGETS).superRefine(oneOf(Object.keys(COLUMN_WIDGETS), 'column widget'));

export const Columns = z.strictObject({
  columnItems: z
    .array(
      z.strictObject({
        horizontalSizeStyle: z.enum(['HORIZONTAL_SIZE_STYLE_UNSPECIFIED', 'FILL_AVAILABLE_SPACE', 'FILL_MINIMUM_SPACE']).optional(),
        horizontalAlignment: HorizontalAlignment.optional(),
        verticalAlignment: z.enum(['VERTICAL_ALIGNMENT_UNSPECIFIED', 'CENTER', 'TOP', 'BOTTOM']).optional(),
        widgets: z.array(ColumnWidget),
      }),
    )
    .max(2, 'columns holds at most 2 columnItems'),
});

const NestedWidget = z
  .strictObject({ textParagraph: TextParagraph.optional(), buttonList: ButtonList.optional(), image: Image.optional() })
  .superRefine(oneOf(['textParagraph', 'buttonList', 'image'], 'carousel widget'));
export const Carousel = z.strictObject({
  carouselCards: z.array(z.strictObject({ widgets: z.array(NestedWidget).optional(), footerWidgets: z.array(NestedWidget).optional() })),
});

export const WIDGET_KEYS = ['textParagraph', 'image', 'decoratedText', 'buttonList', 'textInput', 'selectionInput', 'dateTimePicker', 'divider', 'grid', 'columns', 'chipList', 'carousel'] as const;

export const Widget = z
  .strictObject({
    ...COLUMN_WIDGETS,
    divider: z.strictObject({}).optional(),
    grid: Grid.optional(),
    columns: Columns.optional(),
    carousel: Carousel.optional(),
    horizontalAlignment: HorizontalAlignment.optional(),
    id: z.string().optional(),
    visibility: z.enum(['VISIBILITY_UNSPECIFIED', 'VISIBLE', 'HIDDEN']).optional(),
  })
  .superRefine(oneOf(WIDGET_KEYS, 'widget'));
export type Widget = z.infer<typeof Widget>;

export const Section = z.strictObject({
  header: z.string().optional(),
  widgets: z.array(Widget),
  collapsible: z.boolean().optional(),
  uncollapsibleWidgetsCount: z.number().int().min(0).optional(),
  id: z.string().optional(),
  collapseControl: z.strictObject({ horizontalAlignment: HorizontalAlignment.optional(), expandButton: Button.optional(), collapseButton: Button.optional() }).optional(),
});
export type Section = z.infer<typeof Section>;

export const CardHeader = z.strictObject({
  title: z.string(),
  subtitle: z.string().optional(),
  imageType: z.enum(['SQUARE', 'CIRCLE']).optional(),
  imageUrl: z.string().url().optional(),
  imageAltText: z.string().optional(),
});

export const Card = z
  .strictObject({
    header: CardHeader.optional(),
    sections: z.array(Section).max(100, 'a card holds at most 100 sections').optional(),
    sectionDividerStyle: z.enum(['DIVIDER_STYLE_UNSPECIFIED', 'SOLID_DIVIDER', 'NO_DIVIDER']).optional(),
    cardActions: z.array(z.strictObject({ actionLabel: z.string(), onClick: OnClick })).optional(),
    name: z.string().optional(),
    fixedFooter: z.strictObject({ primaryButton: Button.optional(), secondaryButton: Button.optional() }).optional(),
    displayStyle: z.enum(['DISPLAY_STYLE_UNSPECIFIED', 'PEEK', 'REPLACE']).optional(),
    peekCardHeader: CardHeader.optional(),
  })
  .superRefine((card, ctx) => {
    const count = (card.sections ?? []).reduce((n, s) => n + s.widgets.length, 0);
    if (count > MAX_CARD_WIDGETS) {
      ctx.addIssue({ code: 'custom', path: ['sections'], message: `a card holds at most ${MAX_CARD_WIDGETS} widgets; this one has ${count}` });
    }
  });

/** A Card v2 (`GoogleAppsCardV1Card`). */
export const CardV2 = Card;
export type CardV2 = z.infer<typeof Card>;

/** One entry of a Chat message's `cardsV2`. */
export const CardWithId = z.strictObject({ cardId: z.string().min(1, 'cardId is required'), card: Card });
export type CardWithId = z.infer<typeof CardWithId>;
export const CardsV2 = z.array(CardWithId);

export type CardValidation = { ok: true } | { ok: false; path: string; message: string };

/** Formats a zod path as `sections[1].widgets[0].buttonList`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** The first problem of a parse as {path, message}; unknown keys get the key in the path. */
export function firstIssue(error: z.ZodError, prefix = ''): { path: string; message: string } {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return { path: formatPath([...issue.path, key], prefix), message: `unknown field "${key}"` };
  }
  return { path: formatPath(issue.path, prefix) || prefix || '(card)', message: issue.message };
}

export function validateCardV2(card: unknown): CardValidation {
  const parsed = Card.safeParse(card);
  return parsed.success ? { ok: true } : { ok: false, ...firstIssue(parsed.error) };
}

/** Validates a Chat message's `cardsV2` array; paths start with `cardsV2`. */
export function validateCardsV2(cards: unknown): CardValidation {
  const parsed = CardsV2.safeParse(cards);
  return parsed.success ? { ok: true } : { ok: false, ...firstIssue(parsed.error, 'cardsV2') };
}
