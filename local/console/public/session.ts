/**
 * Who the console is acting as, and the facts about the local stack the page needs (users,
 * seeded resource ids, job kinds with example inputs, whether the add-on is loaded). Loaded
 * once from `/console/api/meta`.
 */
import { api } from './api.js';

export type ConsoleUser = { email: string; name: string; locale: 'ja' | 'en' };
export type KindInfo = { kind: string; example: unknown; replyToChat: boolean };
export type Meta = {
  users: ConsoleUser[];
  chatSpace: string;
  ledgerSpreadsheetId: string;
  scheduleSpreadsheetId: string;
  calendarId: string;
  /** The office's time zone (dates on the calendar are shown in it). */
  timezone: string;
  kinds: KindInfo[];
  addon: boolean;
  sandboxUrl: string;
  serviceUrl: string;
};

const USER_KEY = 'tasuki.console.user';
let meta: Meta | undefined;
let userEmail = '';
const listeners = new Set<() => void>();

export async function loadMeta(): Promise<Meta> {
  meta = await api.get<Meta>('/meta');
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(USER_KEY);
  } catch {
    // no storage: default user
  }
  userEmail = meta.users.find((u) => u.email === saved)?.email ?? meta.users[0]?.email ?? '';
  return meta;
}

export function getMeta(): Meta {
  if (!meta) throw new Error('meta not loaded');
  return meta;
}

export function currentUser(): ConsoleUser {
  const m = getMeta();
  return m.users.find((u) => u.email === userEmail) ?? m.users[0]!;
}

export function setUser(email: string): void {
  if (email === userEmail) return;
  userEmail = email;
  try {
    localStorage.setItem(USER_KEY, email);
  } catch {
    // not remembered
  }
  for (const fn of listeners) fn();
}

export function onUserChange(fn: () => void): void {
  listeners.add(fn);
}

export function userName(email: string | undefined): string {
  if (!email) return '';
  return meta?.users.find((u) => u.email === email)?.name ?? email;
}
