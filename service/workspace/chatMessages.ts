/**
 * Chat messages that jobs post besides the job's own reply message (which the reply port owns):
 * announcements in the team space, one card per portal order. Every message has a client-assigned
 * id derived from what it is about, and is written with messages.patch(allowMissing=true): the
 * first write creates it, a redelivered job's write updates the same message, never a second one.
 *
 * Chat allows about one write per second per space, shared by everything posting there; a job
 * that posts (an announcement, one card per portal order) waits out 429s here (Retry-After, else
 * a growing pause) for up to RATE_LIMIT_WAIT_BUDGET_MS before giving up to the queue's slower
 * backoff.
 */
import type { chat_v1 } from '@googleapis/chat';
import { createHash } from 'node:crypto';
import { forCardHtml } from '../../shared/userText.js';
import { JobFailure } from '../jobFailure.js';
import { callGoogle, statusOf } from './googleCall.js';

/** `client-` + a lowercase hash of the parts: ≤63 chars of [a-z0-9-], as Chat requires. */
export function clientMessageId(...parts: string[]): string {
  return `client-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

export type ChatCard = chat_v1.Schema$CardWithId;

/**
 * How long one message may wait out Chat's per-space limit in all. A busy team space (many jobs
 * reporting and announcing at once) can stay at its limit for tens of seconds; giving up after a
 * few seconds failed whole jobs (a project made, its announcement refused) and sent them through
 * the queue's much slower retries. Bounded, and cut short by the run's signal.
 */
export const RATE_LIMIT_WAIT_BUDGET_MS = 30_000;

export async function upsertChatMessage(
  chat: chat_v1.Chat,
  opts: { space: string; messageId: string; text: string; cardsV2?: ChatCard[]; signal?: AbortSignal; viewer?: string; sleep?: (ms: number) => Promise<void> },
): Promise<{ name: string }> {
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeOnce(chat, opts);
    } catch (err) {
      if (!(err instanceof JobFailure) || err.code !== 'google_rate_limited') throw err;
      const waitMs = Math.min(10_000, (err.retryAfterSeconds ?? Math.min(attempt, 5)) * 1000);
      if (waited + waitMs > RATE_LIMIT_WAIT_BUDGET_MS) throw err;
      waited += waitMs;
      opts.signal?.throwIfAborted();
      await (opts.sleep ?? ((ms) => abortableSleep(ms, opts.signal)))(waitMs);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/**
 * Creates or replaces the message `messageId` (client-…) in `space`. Public messages are one
 * `patch(allowMissing=true)`. A private one (`viewer`: only that user sees it) must be created
 * with privateMessageViewer, which Chat takes only on create: patch, and on 404 create (a 409
 * from a racing writer means it now exists: patch again).
 */
export async function writeChatMessage(
  chat: chat_v1.Chat,
  opts: { space: string; messageId: string; body: chat_v1.Schema$Message; updateMask: string; viewer?: string },
): Promise<{ name: string }> {
  const name = `${opts.space}/messages/${opts.messageId}`;
  const patch = async (allowMissing: boolean) => (await chat.spaces.messages.patch({ name, updateMask: opts.updateMask, requestBody: opts.body, ...(allowMissing ? { allowMissing } : {}) })).data;
  if (!opts.viewer) return { name: (await patch(true)).name ?? name };
  try {
    return { name: (await patch(false)).name ?? name };
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    const res = await chat.spaces.messages.create({ parent: opts.space, messageId: opts.messageId, requestBody: { ...opts.body, privateMessageViewer: { name: opts.viewer } } });
    return { name: res.data.name ?? name };
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    return { name: (await patch(false)).name ?? name };
  }
}

async function writeOnce(chat: chat_v1.Chat, opts: { space: string; messageId: string; text: string; cardsV2?: ChatCard[]; viewer?: string }): Promise<{ name: string }> {
  return callGoogle(
    'chat.spaces.messages.patch',
    () =>
      writeChatMessage(chat, {
        space: opts.space,
        messageId: opts.messageId,
        updateMask: opts.cardsV2 ? 'text,cards_v2' : 'text',
        body: { text: opts.text, ...(opts.cardsV2 ? { cardsV2: opts.cardsV2 } : {}) },
        ...(opts.viewer ? { viewer: opts.viewer } : {}),
      }),
    {
      notFound: { ja: 'tasuki が投稿する Chat スペースが見つかりません。管理者に連絡してください。', en: 'The Chat space tasuki posts in was not found. Ask your administrator.' },
      forbidden: { ja: `Chat スペース ${opts.space} に投稿できません。tasuki アプリをスペースに追加してください。`, en: `tasuki cannot post in ${opts.space}. Add the tasuki app to the space.` },
    },
  );
}

/**
 * A small card: title, optional lines, link buttons, optional action buttons and image. `lines`
 * are plain text (they often hold user text) and are HTML-escaped here for the textParagraph;
 * the title, subtitle and button texts are plain text in Chat already.
 */
export function linksCard(opts: {
  cardId: string;
  title: string;
  subtitle?: string;
  lines?: string[];
  links?: Array<{ title: string; url: string }>;
  actions?: Array<{ text: string; function: string; parameters: Record<string, string> }>;
  imageUrl?: string;
  imageAlt?: string;
}): ChatCard {
  const widgets: chat_v1.Schema$GoogleAppsCardV1Widget[] = [];
  for (const line of opts.lines ?? []) widgets.push({ textParagraph: { text: forCardHtml(line) } });
  if (opts.imageUrl) widgets.push({ image: { imageUrl: opts.imageUrl, altText: opts.imageAlt ?? opts.title } });
  const buttons: chat_v1.Schema$GoogleAppsCardV1Button[] = [
    ...(opts.links ?? []).map((l) => ({ text: l.title, onClick: { openLink: { url: l.url } } })),
    ...(opts.actions ?? []).map((a) => ({
      text: a.text,
      onClick: { action: { function: a.function, parameters: Object.entries(a.parameters).map(([key, value]) => ({ key, value })) } },
    })),
  ];
  if (buttons.length) widgets.push({ buttonList: { buttons } });
  return {
    cardId: opts.cardId,
    card: { header: { title: opts.title, ...(opts.subtitle ? { subtitle: opts.subtitle } : {}) }, sections: [{ widgets }] },
  };
}
