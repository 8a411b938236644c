/**
 * Fault knobs for tests and benchmarks: per API, an added latency and error rates per status
 * (429, 500, 503), plus the Chat per-space write limit. Held in memory (they describe an
 * experiment, not Workspace state) and applied by `faultMiddleware` before the API runs, so a
 * faulted call changes nothing.
 *
 *   sandbox.faults.set({ api: 'drive', latencyMs: 200, errorRates: { 503: 0.1 } })
 *   sandbox.faults.set({ api: 'calendar', disabled: true })   // the API not enabled in the project
 *   sandbox.faults.clear()              // every API back to normal
 *
 * `disabled` answers every call of that API as Google does for an API not enabled in the caller's
 * Cloud project: 403 PERMISSION_DENIED, reason SERVICE_DISABLED, naming the API to enable.
 *   sandbox.faults.injected()           // {"503": 12, …}: errors injected so far
 *
 * Chat's per-space write limit is a token bucket: `chatWriteBurst` writes at once, refilled by one
 * every `chatWriteIntervalMs` (Google's limit is about one write per second per space, enforced
 * over longer windows too, so short bursts pass). `chatWriteIntervalMs: 0` turns it off.
 */
import type { RequestHandler } from 'express';
import * as z from 'zod';
import { GoogleError } from './googleError.js';

export const SANDBOX_APIS = ['chat', 'drive', 'sheets', 'docs', 'gmail', 'calendar', 'oauth2'] as const;
export type SandboxApi = (typeof SANDBOX_APIS)[number];

export const FaultStatus = z.enum(['429', '500', '503']);
export const ApiFaults = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    errorRates: z.partialRecord(FaultStatus, z.number().min(0).max(1)).default({}),
    disabled: z.boolean().default(false),
  })
  .strict();
export type ApiFaults = z.infer<typeof ApiFaults>;

/** Each API's service name and title, as Google names them in SERVICE_DISABLED errors. */
const SERVICES: Record<SandboxApi, { service: string; title: string }> = {
  chat: { service: 'chat.googleapis.com', title: 'Google Chat API' },
  drive: { service: 'drive.googleapis.com', title: 'Google Drive API' },
  sheets: { service: 'sheets.googleapis.com', title: 'Google Sheets API' },
  docs: { service: 'docs.googleapis.com', title: 'Google Docs API' },
  gmail: { service: 'gmail.googleapis.com', title: 'Gmail API' },
  calendar: { service: 'calendar-json.googleapis.com', title: 'Google Calendar API' },
  oauth2: { service: 'iamcredentials.googleapis.com', title: 'IAM Service Account Credentials API' },
};

/** The sandbox's stand-in Cloud project number, as it appears in Google's messages. */
export const SANDBOX_PROJECT_NUMBER = '123456789012';

export function serviceDisabled(api: SandboxApi): GoogleError {
  const { service, title } = SERVICES[api];
  const activation = `https://console.developers.google.com/apis/api/${service}/overview?project=${SANDBOX_PROJECT_NUMBER}`;
  return new GoogleError(
    403,
    `${title} has not been used in project ${SANDBOX_PROJECT_NUMBER} before or it is disabled. Enable it by visiting ${activation} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    {
      status: 'PERMISSION_DENIED', reason: 'accessNotConfigured', domain: 'usageLimits',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { service, consumer: `projects/${SANDBOX_PROJECT_NUMBER}`, activationUrl: activation } }],
    },
  );
}

export const FaultUpdate = z
  .object({
    api: z.enum(SANDBOX_APIS),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    errorRates: z.partialRecord(FaultStatus, z.number().min(0).max(1)).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type FaultUpdate = { api: SandboxApi; latencyMs?: number; errorRates?: Partial<Record<429 | 500 | 503 | '429' | '500' | '503', number>>; disabled?: boolean };

export const ChatLimits = z
  .object({
    chatWriteIntervalMs: z.number().int().min(0).max(600_000).optional(),
    chatWriteBurst: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type ChatLimits = { chatWriteIntervalMs: number; chatWriteBurst: number };

const ERROR_MESSAGES: Record<string, string> = {
  '429': 'Resource has been exhausted (e.g. check quota).',
  '500': 'Internal error encountered.',
  '503': 'The service is currently unavailable.',
};

export class Faults {
  private readonly perApi = new Map<SandboxApi, ApiFaults>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Errors the knobs injected since start, per status (the chaos suite reports them). */
  private readonly injectedCounts: Record<string, number> = {};
  limits: ChatLimits;

  constructor(limits: Partial<ChatLimits> = {}, private readonly random: () => number = Math.random) {
    this.limits = { chatWriteIntervalMs: limits.chatWriteIntervalMs ?? 1000, chatWriteBurst: limits.chatWriteBurst ?? 3 };
  }

  /** Merges the given knobs into the API's current ones (unspecified knobs stay). */
  set(update: FaultUpdate): ApiFaults {
    const parsed = FaultUpdate.parse({
      ...update,
      errorRates: update.errorRates && Object.fromEntries(Object.entries(update.errorRates).map(([k, v]) => [String(k), v])),
    });
    const current = this.get(parsed.api);
    const next: ApiFaults = {
      latencyMs: parsed.latencyMs ?? current.latencyMs,
      errorRates: parsed.errorRates ?? current.errorRates,
      disabled: parsed.disabled ?? current.disabled,
    };
    this.perApi.set(parsed.api, next);
    return next;
  }

  get(api: SandboxApi): ApiFaults {
    return this.perApi.get(api) ?? { latencyMs: 0, errorRates: {}, disabled: false };
  }

  all(): Record<SandboxApi, ApiFaults> {
    return Object.fromEntries(SANDBOX_APIS.map((api) => [api, this.get(api)])) as Record<SandboxApi, ApiFaults>;
  }

  /** How many errors the knobs have injected since the sandbox started, per status; Chat's write limit is not counted. */
  injected(): Record<string, number> {
    return { ...this.injectedCounts };
  }

  clear(api?: SandboxApi): void {
    if (api) this.perApi.delete(api);
    else this.perApi.clear();
  }

  setLimits(limits: Partial<ChatLimits>): ChatLimits {
    const parsed = ChatLimits.parse(limits);
    this.limits = { ...this.limits, ...Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) };
    this.buckets.clear();
    return this.limits;
  }

  /** Takes one write from the space's bucket; throws Google's 429 when it is empty. */
  takeChatWrite(space: string, now = Date.now()): void {
    const { chatWriteIntervalMs: interval, chatWriteBurst: burst } = this.limits;
    if (interval <= 0) return;
    const b = this.buckets.get(space) ?? { tokens: burst, at: now };
    const refill = Math.floor((now - b.at) / interval);
    if (refill > 0) {
      b.tokens = Math.min(burst, b.tokens + refill);
      b.at = b.tokens === burst ? now : b.at + refill * interval;
    }
    if (b.tokens < 1) {
      this.buckets.set(space, b);
      const waitMs = interval - (now - b.at);
      throw new GoogleError(429, `Resource has been exhausted (e.g. check quota). Too many writes to ${space}; the limit is about one per second per space.`, {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
    b.tokens -= 1;
    this.buckets.set(space, b);
  }

  /** Express middleware applying the API's latency, then maybe one of its errors. */
  middleware(api: SandboxApi): RequestHandler {
    return async (_req, _res, next) => {
      const f = this.get(api);
      try {
        if (f.disabled) throw serviceDisabled(api);
        if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
        for (const [status, rate] of Object.entries(f.errorRates)) {
          if (rate && this.random() < rate) {
            this.injectedCounts[status] = (this.injectedCounts[status] ?? 0) + 1;
            throw new GoogleError(Number(status), `${ERROR_MESSAGES[status] ?? 'Error'} (injected by the sandbox's fault knobs)`, {
              headers: status === '500' ? {} : { 'Retry-After': '1' },
            });
          }
        }
        next();
      } catch (err) {
        next(err);
      }
    };
  }
}
