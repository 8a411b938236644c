// Card v2 schema: real cards pass; unknown keys, broken one-ofs and too many widgets are refused
// with the path of the bad field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CardWithId, MAX_CARD_WIDGETS, validateCardV2, validateCardsV2, type CardV2 } from '../shared/cardV2.js';

const jobCard: CardV2 = {
  header: { title: '案件を作成しました / Project created', subtitle: 'P-2026-013', imageType: 'CIRCLE', imageUrl: 'https://fonts.gstatic.com/s/i/googlematerialicons/task_alt/v6/24px.svg' },
  sections: [
    {
      header: '詳細 Details',
      collapsible: false,
      widgets: [
        { decoratedText: { topLabel: 'クライアント Client', text: '株式会社アクメ', startIcon: { materialIcon: { name: 'business' } } } },
        { textParagraph: { text: '<b>納期</b> 2026-12-20', textSyntax: 'HTML' } },
        { divider: {} },
        {
          buttonList: {
            buttons: [
              { text: 'フォルダを開く Open folder', onClick: { openLink: { url: 'https://drive.google.com/drive/folders/abc' } } },
              { text: '再実行 Retry', type: 'OUTLINED', onClick: { action: { function: 'onRetryJob', parameters: [{ key: 'jobId', value: 'j-1' }], loadIndicator: 'SPINNER' } } },
            ],
          },
        },
        { columns: { columnItems: [{ widgets: [{ textParagraph: { text: 'left' } }] }, { horizontalAlignment: 'END', widgets: [{ image: { imageUrl: 'https://example.com/a.png', altText: 'chart' } }] }] } },
        { selectionInput: { name: 'client', label: 'Client', type: 'DROPDOWN', items: [{ text: 'Acme', value: 'acme', selected: true }] } },
        { textInput: { name: 'title', label: '件名 Title', type: 'SINGLE_LINE' } },
        { dateTimePicker: { name: 'due', label: '納期 Due', type: 'DATE_ONLY', valueMsEpoch: '1797465600000' } },
        { grid: { title: 'Files', columnCount: 2, items: [{ id: 'a', title: 'brief' }] } },
        { chipList: { chips: [{ label: 'acme', onClick: { action: { function: 'onRefreshJob' } } }] } },
      ],
    },
  ],
};

test('a card using every widget tasuki builds validates', () => {
  assert.deepEqual(validateCardV2(jobCard), { ok: true });
  assert.equal(CardWithId.safeParse({ cardId: 'job', card: jobCard }).success, true);
});

test('unknown keys are rejected with the path to the key', () => {
  const card = structuredClone(jobCard) as Record<string, any>;
  card.sections[0].widgets[0].decoratedText.colour = 'red';
  const r = validateCardV2(card);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.path, 'sections[0].widgets[0].decoratedText.colour');
});

test('a widget must hold exactly one kind', () => {
  const none = validateCardV2({ sections: [{ widgets: [{ horizontalAlignment: 'CENTER' }] }] });
  assert.equal(none.ok, false);
  assert.equal(!none.ok && none.path, 'sections[0].widgets[0]');
  assert.match(!none.ok ? none.message : '', /exactly one of textParagraph/);
  const two = validateCardV2({ sections: [{ widgets: [{ textParagraph: { text: 'a' }, divider: {} }] }] });
  assert.match(!two.ok ? two.message : '', /sets textParagraph and divider/);
});

test('an onClick must hold exactly one of action, openLink, …, with the Chat-style path', () => {
  const r = validateCardsV2([
    { cardId: 'c', card: { sections: [{ widgets: [{ textParagraph: { text: 'x' } }] }, { widgets: [{ buttonList: { buttons: [{ text: 'b', onClick: {} }] } }] }] } },
  ]);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.path, 'cardsV2[0].card.sections[1].widgets[0].buttonList.buttons[0].onClick');
  const both = validateCardV2({ sections: [{ widgets: [{ buttonList: { buttons: [{ text: 'b', onClick: { action: { function: 'f' }, openLink: { url: 'https://x.example' } } }] } }] }] });
  assert.match(!both.ok ? both.message : '', /sets action and openLink/);
});

test('enums, types and required fields are checked', () => {
  const badEnum = validateCardV2({ sections: [{ widgets: [{ textInput: { name: 'n', type: 'BIG' } }] }] });
  assert.equal(!badEnum.ok && badEnum.path, 'sections[0].widgets[0].textInput.type');
  const badParam = validateCardV2({ sections: [{ widgets: [{ buttonList: { buttons: [{ text: 'b', onClick: { action: { function: 'f', parameters: [{ key: 'n', value: 3 }] } } }] } }] }] });
  assert.equal(!badParam.ok && badParam.path, 'sections[0].widgets[0].buttonList.buttons[0].onClick.action.parameters[0].value');
  const noName = validateCardV2({ sections: [{ widgets: [{ selectionInput: { label: 'x' } }] }] });
  assert.equal(!noName.ok && noName.path, 'sections[0].widgets[0].selectionInput.name');
  const badUrl = validateCardV2({ sections: [{ widgets: [{ buttonList: { buttons: [{ text: 'b', onClick: { openLink: { url: 'not a url' } } }] } }] }] });
  assert.equal(!badUrl.ok && badUrl.path, 'sections[0].widgets[0].buttonList.buttons[0].onClick.openLink.url');
});

test(`a card holds at most ${MAX_CARD_WIDGETS} widgets`, () => {
  const widgets = Array.from({ length: 51 }, (_, i) => ({ textParagraph: { text: String(i) } }));
  assert.equal(validateCardV2({ sections: [{ widgets: widgets.slice(0, 50) }, { widgets: widgets.slice(0, 50) }] }).ok, true);
  const r = validateCardV2({ sections: [{ widgets }, { widgets }] });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : '', /at most 100 widgets; this one has 102/);
});

test('nested cards and overflow menus are validated recursively', () => {
  const ok = validateCardV2({
    sections: [{ widgets: [{ buttonList: { buttons: [{ text: 'more', onClick: { overflowMenu: { items: [{ text: 'Retry', onClick: { action: { function: 'onRetryJob' } } }] } } }] } }] }],
  });
  assert.deepEqual(ok, { ok: true });
  const bad = validateCardV2({
    sections: [{ widgets: [{ buttonList: { buttons: [{ text: 'open', onClick: { card: { sections: [{ widgets: [{ image: {} }] }] } } }] } }] }],
  });
  assert.equal(!bad.ok && bad.path, 'sections[0].widgets[0].buttonList.buttons[0].onClick.card.sections[0].widgets[0].image.imageUrl');
});
