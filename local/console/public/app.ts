/**
 * The console page's shell: left navigation, top bar (title, live indicator, the person the
 * console acts as, language), and one mounted view chosen by the URL hash (#/jobs, #/chat…).
 * Changing language or user re-renders the shell and remounts the view; everything else updates
 * in place from the live feed.
 */
import { api } from './api.js';
import { ICONS, fill, h, icon, refreshTimes } from './dom.js';
import { lang, onLangChange, setLang, t, type Lang, type WordKey } from './i18n.js';
import { parseRoute, routeHref } from './links.js';
import { connectLive, isLive, onLive } from './live.js';
import { currentUser, getMeta, loadMeta, onUserChange, setUser } from './session.js';
import { closeDrawer, errorBox } from './ui.js';
import type { View } from './view.js';
import { AccountingView } from './views/accountingView.js';
import { CalendarView } from './views/calendarView.js';
import { ChatView } from './views/chatView.js';
import { DriveView } from './views/driveView.js';
import { FaultsView } from './views/faultsView.js';
import { GmailView } from './views/gmailView.js';
import { JobsView } from './views/jobsView.js';
import { SchedulesView } from './views/schedulesView.js';
import { SheetsView } from './views/sheetsView.js';

const VIEWS: Record<string, { icon: string; make: () => View }> = {
  jobs: { icon: ICONS.jobs, make: () => new JobsView() },
  chat: { icon: ICONS.chat, make: () => new ChatView() },
  gmail: { icon: ICONS.gmail, make: () => new GmailView() },
  sheets: { icon: ICONS.sheets, make: () => new SheetsView() },
  drive: { icon: ICONS.drive, make: () => new DriveView() },
  calendar: { icon: ICONS.calendar, make: () => new CalendarView() },
  schedules: { icon: ICONS.schedules, make: () => new SchedulesView() },
  accounting: { icon: ICONS.accounting, make: () => new AccountingView() },
  faults: { icon: ICONS.faults, make: () => new FaultsView() },
};

let current: { name: string; view: View } | undefined;
let content: HTMLElement;
let titleEl: HTMLElement;
let subtitleEl: HTMLElement;
let navList: HTMLElement;
let liveEl: HTMLElement;
const activeJobs = new Map<string, string>();

function brandMark(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('class', 'brand-mark');
  svg.setAttribute('aria-hidden', 'true');
  const bg = document.createElementNS(svg.namespaceURI, 'rect');
  bg.setAttribute('width', '32');
  bg.setAttribute('height', '32');
  bg.setAttribute('rx', '8');
  bg.setAttribute('fill', '#1f2328');
  const sash = document.createElementNS(svg.namespaceURI, 'path');
  sash.setAttribute('d', 'M4 24 24 4h6L8 28H4z');
  sash.setAttribute('fill', '#cf3f2b');
  svg.append(bg, sash);
  return svg;
}

function renderShell(root: HTMLElement): void {
  const meta = getMeta();
  document.documentElement.lang = lang();
  document.title = `tasuki · ${t('app.tagline')}`;
  navList = h('ul', { class: 'nav-list' });
  for (const [name, v] of Object.entries(VIEWS)) {
    navList.appendChild(
      h('li', null, h('a', { class: 'nav-item', href: routeHref(name), 'data-view': name }, icon(v.icon), h('span', null, t(`nav.${name}` as WordKey)), name === 'jobs' ? h('span', { class: 'badge', hidden: true }) : null)),
    );
  }
  titleEl = h('h1');
  subtitleEl = h('div', { class: 'subtitle' });
  liveEl = h('span', { class: 'live', 'data-state': isLive() ? 'up' : 'down', role: 'status' }, h('span', { class: 'dot' }), h('span', null, isLive() ? t('live.on') : t('live.off')));
  const userSelect = h(
    'select',
    { class: 'input', id: 'user-switch', 'aria-label': t('user.label'), title: currentUser().email, style: 'width:auto' },
    meta.users.map((u) => h('option', { value: u.email, selected: u.email === currentUser().email ? true : undefined }, u.name)),
  );
  userSelect.addEventListener('change', () => setUser(userSelect.value));
  const langSeg = h(
    'div',
    { class: 'seg', role: 'group', 'aria-label': t('lang.label') },
    (['ja', 'en'] as Lang[]).map((l) => h('button', { type: 'button', lang: l, 'data-lang': l, 'aria-pressed': String(lang() === l), onclick: () => setLang(l) }, l === 'ja' ? '日本語' : 'English')),
  );
  content = h('main', { class: 'content', id: 'content', tabindex: '-1' });
  fill(
    root,
    h(
      'div',
      { class: 'shell' },
      h(
        'nav',
        { class: 'nav', 'aria-label': 'tasuki' },
        h('div', { class: 'brand' }, brandMark(), h('div', null, h('div', { class: 'brand-name' }, 'tasuki'), h('div', { class: 'brand-sub' }, t('app.tagline')))),
        navList,
        h('div', { class: 'nav-foot' }, t('nav.foot')),
      ),
      h(
        'div',
        { class: 'main' },
        h(
          'header',
          { class: 'topbar' },
          h('div', null, titleEl, subtitleEl),
          h('div', { class: 'spacer' }),
          liveEl,
          h('div', { class: 'user-switch' }, h('span', { class: 'avatar', 'aria-hidden': 'true' }, currentUser().name.slice(0, 1)), userSelect),
          langSeg,
        ),
        content,
      ),
    ),
  );
  root.removeAttribute('aria-busy');
  updateBadge();
}

function mountRoute(force = false): void {
  const route = parseRoute();
  const name = route.view in VIEWS ? route.view : 'jobs';
  if (!force && current?.name === name) {
    current.view.update?.(route.params);
    return;
  }
  current?.view.unmount();
  closeDrawer();
  const view = VIEWS[name]!.make();
  current = { name, view };
  for (const a of Array.from(navList.querySelectorAll('a'))) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  titleEl.textContent = t(`nav.${name}` as WordKey);
  subtitleEl.textContent = t(`sub.${name}` as WordKey);
  content.className = view.flush ? 'content flush' : 'content';
  fill(content);
  view.mount(content, route.params);
}

function updateBadge(): void {
  const badge = navList?.querySelector<HTMLElement>('.badge');
  if (!badge) return;
  let n = 0;
  for (const status of activeJobs.values()) if (status === 'queued' || status === 'running') n++;
  badge.hidden = n === 0;
  badge.textContent = String(n);
  badge.setAttribute('aria-label', `${n} ${t('jobs.filter.active')}`);
}

async function main(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    await loadMeta();
  } catch (err) {
    fill(root, h('div', { style: 'padding:40px;max-width:640px' }, errorBox(err)));
    return;
  }
  renderShell(root);
  connectLive();
  onLive('state', (up) => {
    liveEl.dataset.state = up ? 'up' : 'down';
    liveEl.lastElementChild!.textContent = up ? t('live.on') : t('live.off');
  });
  onLive('job', (job: { id: string; status: string }) => {
    activeJobs.set(job.id, job.status);
    updateBadge();
  });
  const rerender = () => {
    current?.view.unmount();
    current = undefined;
    renderShell(root);
    mountRoute(true);
  };
  // Seed the badge with jobs already active; the live feed only reports changes.
  void api
    .get<{ jobs: Array<{ id: string; status: string }> }>('/jobs')
    .then(({ jobs }) => {
      for (const job of jobs) if (!activeJobs.has(job.id)) activeJobs.set(job.id, job.status);
      updateBadge();
    })
    .catch(() => undefined);
  onLangChange(rerender);
  onUserChange(rerender);
  window.addEventListener('hashchange', () => mountRoute());
  mountRoute(true);
  setInterval(() => refreshTimes(document, lang()), 15_000);
}

void main();
