/**
 * Jobs: every console user's recent jobs in one table (kind, status, attempts, progress,
 * requester, age), updated in place from the live feed; a detail drawer per job (overview,
 * progress, error, result links, steps, input, result) with Retry and Cancel; and the
 * "Run a job" drawer offering every job kind with an example input that fits the seeded data.
 */
import { api } from '../api.js';
import { ICONS, fill, h, icon, patchList, timeEl, absoluteTime } from '../dom.js';
import { adviceText, failureText, progressLabel, resultLinks, retryOffered, stateLabel, type DisplayJob } from '../../../../shared/cards/jobDisplay.js';
import { OPERATOR_TEXTS, stepLabel } from '../../../../shared/messages.js';
import { kindDescription, kindLabel, lang, t, type WordKey } from '../i18n.js';
import { linkProps, routeHref } from '../links.js';
import { onLive } from '../live.js';
import { currentUser, getMeta, userName } from '../session.js';
import { closeDrawer, emptyState, errorBox, errorText, loading, openDrawer, toast } from '../ui.js';
import type { View } from '../view.js';

export type Job = {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
  input: unknown;
  requestedBy: string;
  attempts: number;
  generation: number;
  steps: string[];
  progress?: { done: number; total: number; label: string; updatedAt: string };
  result?: any;
  error?: { code: string; message: string; retryable: boolean; userMessage?: { ja: string; en: string }; detail?: string };
  reply?: { chat?: { space: string; thread?: string }; sheet?: { spreadsheetId: string; sheetName: string; row: number } };
  cancelRequested: boolean;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  locale: string;
};

type Filter = 'all' | 'active' | 'failed';

/** The job's state as people read it (retrying, canceling…), in the viewer's language. */
export function statusPill(job: Pick<Job, 'status' | 'error' | 'cancelRequested'>): HTMLElement {
  return h('span', { class: `pill ${job.status}` }, stateLabel(job, lang()));
}

/** What the job is doing, in the viewer's language: the handler's label, else the last step's name. */
function progressText(job: Job): string {
  const own = progressLabel(job as DisplayJob, lang());
  if (own) return own;
  for (let i = job.steps.length - 1; i >= 0; i--) {
    const label = stepLabel(job.steps[i]!, lang());
    if (label) return label;
  }
  return '';
}

/** The progress bar and its label; in the table a failed job's label is its error (`errorAsLabel`). */
export function progressEl(job: Job, errorAsLabel = true): HTMLElement {
  const p = job.progress;
  const done = job.status === 'succeeded';
  const pct = done ? 100 : p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : job.status === 'running' ? 4 : 0;
  const counts = p && p.total ? `${p.done}/${p.total}` : '';
  const label =
    errorAsLabel && job.status === 'failed' && job.error
      ? failureText(job as DisplayJob, lang())
      : p
        ? counts && !progressText(job).includes(counts)
          ? [progressText(job), counts].filter(Boolean).join(' · ')
          : progressText(job)
        : job.status === 'queued'
          ? stateLabel(job, lang())
          : '';
  return h(
    'div',
    { class: 'progress' },
    h('div', { class: `bar ${job.status}`, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': label || t('jobs.col.progress') }, h('span', { style: `width:${pct}%` })),
    h('div', { class: 'label', title: label }, label || '\u00a0'),
  );
}

/** Jobs the page knows about, shared by the table and the drawer (the live feed keeps it fresh). */
const known = new Map<string, Job>();
const jobListeners = new Set<(job: Job) => void>();

function remember(job: Job): void {
  const prev = known.get(job.id);
  if (prev && prev.updatedAt > job.updatedAt) return;
  known.set(job.id, job);
  for (const fn of jobListeners) fn(job);
}

export class JobsView implements View {
  readonly id = 'jobs';
  private filter: Filter = 'all';
  private tbody?: HTMLElement;
  private tableWrap?: HTMLElement;
  private offs: Array<() => void> = [];
  private loaded = false;
  private loadError: unknown;

  mount(container: HTMLElement, params: URLSearchParams): void {
    const segButtons = (['all', 'active', 'failed'] as Filter[]).map((f) =>
      h('button', { type: 'button', 'aria-pressed': String(this.filter === f), onclick: () => this.setFilter(f) }, t(`jobs.filter.${f}` as WordKey)),
    );
    this.tableWrap = h('div', { class: 'panel', style: 'overflow:hidden' });
    fill(
      container,
      h(
        'div',
        { class: 'toolbar' },
        h('div', { class: 'seg', role: 'group', 'aria-label': t('jobs.col.status') }, segButtons),
        h('div', { class: 'spacer' }),
        h('button', { class: 'btn primary', type: 'button', 'data-testid': 'run-job', onclick: () => openRunForm() }, icon(ICONS.play), t('jobs.run')),
      ),
      this.tableWrap,
    );
    const onJob = () => this.renderRows();
    jobListeners.add(onJob);
    this.offs.push(() => jobListeners.delete(onJob));
    this.offs.push(onLive('job', (job: Job) => remember(job)));
    this.offs.push(onLive('reconnect', () => void this.load()));
    this.renderRows();
    void this.load();
    this.update(params);
  }

  update(params: URLSearchParams): void {
    const id = params.get('id');
    if (id) openJobDetail(id);
    if (params.get('run') === '1') openRunForm(params.get('kind') ?? undefined);
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private setFilter(f: Filter): void {
    this.filter = f;
    const seg = this.tableWrap?.parentElement?.querySelector('.seg');
    seg?.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', String(['all', 'active', 'failed'][i] === f)));
    this.renderRows();
  }

  private async load(): Promise<void> {
    try {
      const { jobs } = await api.get<{ jobs: Job[] }>('/jobs');
      for (const job of jobs) remember(job);
      this.loaded = true;
      this.loadError = undefined;
    } catch (err) {
      this.loadError = err;
    }
    this.renderRows();
  }

  private renderRows(): void {
    const wrap = this.tableWrap;
    if (!wrap) return;
    const all = Array.from(known.values()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const jobs = all.filter((j) => (this.filter === 'all' ? true : this.filter === 'active' ? j.status === 'queued' || j.status === 'running' : j.status === 'failed'));
    if (!this.loaded && !all.length) {
      fill(wrap, this.loadError ? h('div', { style: 'padding:16px' }, errorBox(this.loadError)) : loading());
      this.tbody = undefined;
      return;
    }
    if (!jobs.length) {
      this.tbody = undefined;
      const runBtn = h('button', { class: 'btn primary', type: 'button', onclick: () => openRunForm('system.echo') }, icon(ICONS.play), t('jobs.run'));
      fill(wrap, all.length ? emptyState(t('jobs.filter.none'), '', '∅') : emptyState(t('jobs.empty.title'), t('jobs.empty.body'), '襷', runBtn));
      return;
    }
    if (!this.tbody || !this.tbody.isConnected) {
      this.tbody = h('tbody');
      const head = (['kind', 'status', 'attempts', 'progress', 'by', 'age'] as const).map((c) => h('th', { scope: 'col' }, t(`jobs.col.${c}` as WordKey)));
      fill(
        wrap,
        h(
          'table',
          { class: 'table', 'data-testid': 'jobs-table' },
          h('colgroup', null, h('col', { style: 'width:26%' }), h('col', { style: 'width:12%' }), h('col', { style: 'width:8%' }), h('col', { style: 'width:28%' }), h('col', { style: 'width:16%' }), h('col', { style: 'width:10%' })),
          h('thead', null, h('tr', null, head)),
          this.tbody,
        ),
      );
    }
    patchList(this.tbody, jobs, (j) => j.id, (j) => `${j.updatedAt}|${j.status}|${lang()}`, (job) => this.row(job));
  }

  private row(job: Job): HTMLElement {
    const open = () => openJobDetail(job.id);
    return h(
      'tr',
      {
        class: 'clickable',
        tabindex: '0',
        'data-job-id': job.id,
        'data-status': job.status,
        'aria-label': `${kindLabel(job.kind)} ${t(`status.${job.status}` as WordKey)}`,
        onclick: open,
        onkeydown: (e: KeyboardEvent) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            open();
          }
        },
      },
      h('td', { class: 'kind' }, kindLabel(job.kind), h('small', null, job.kind)),
      h('td', null, statusPill(job)),
      h('td', { class: 'num' }, String(job.attempts)),
      h('td', null, progressEl(job)),
      h('td', null, h('span', { title: job.requestedBy }, userName(job.requestedBy))),
      h('td', { class: 'muted num', style: 'white-space:nowrap' }, timeEl(job.createdAt, lang())),
    );
  }
}

/** The drawer's words, from the catalogue (shared/messages.ts OPERATOR_TEXTS), in the viewer's language. */
function o(key: keyof typeof OPERATOR_TEXTS): string {
  return OPERATOR_TEXTS[key][lang()];
}

/** A technical value with its label: the label in the viewer's language, the value as recorded. */
function labelled(label: string, value: string, testid: string): HTMLElement {
  return h('div', { class: 'code', style: 'margin-top:6px', 'data-testid': testid }, h('span', { class: 'label' }, label), ': ', h('span', { class: 'value' }, value));
}

/**
 * The detail drawer of one job; follows live updates while open. Every label is the catalogue's
 * in the viewer's language; the technical values (kind, id, code, detail, step names, JSON) are
 * shown as recorded, each under its label.
 */
export function openJobDetail(id: string): void {
  let job = known.get(id);
  const drawer = openDrawer({
    label: o('overview'),
    onClose: () => {
      jobListeners.delete(onJob);
      if (location.hash.includes(`id=${id}`)) history.replaceState(null, '', routeHref('jobs'));
    },
  });
  drawer.root.dataset.testid = 'job-detail';
  const onJob = (changed: Job) => {
    if (changed.id !== id) return;
    job = changed;
    render();
  };
  jobListeners.add(onJob);

  const render = () => {
    if (!job) {
      fill(drawer.head, h('h2', null, id));
      fill(drawer.body, loading());
      return;
    }
    const j = job;
    fill(
      drawer.head,
      h('div', { style: 'flex:1;min-width:0' }, h('h2', null, kindLabel(j.kind)), h('div', { class: 'sub' }, `${j.kind} · ${j.id}`)),
      statusPill(j),
      h('button', { class: 'icon-btn', type: 'button', 'aria-label': t('common.close'), onclick: () => drawer.close() }, icon(ICONS.close)),
    );
    const scroll = drawer.body.scrollTop;
    const links = resultLinks(j.result, lang()).map((l) => ({ title: l.label, url: l.url }));
    fill(
      drawer.body,
      j.progress || j.status === 'running' || j.status === 'queued' ? [h('div', { class: 'section-title' }, o('progress')), progressEl(j, false)] : null,
      j.error
        ? [
            h('div', { class: 'section-title' }, o('error')),
            h(
              'div',
              { class: 'error-box', 'data-testid': 'job-error' },
              // What staff read, in the viewer's language; then, for the operator, the code and detail.
              h('div', null, failureText(j as DisplayJob, lang())),
              adviceText(j as DisplayJob, lang()) ? h('div', { style: 'margin-top:4px' }, adviceText(j as DisplayJob, lang())) : null,
              labelled(o('errorCode'), j.error.code, 'job-error-code'),
              j.error.detail ? labelled(o('errorDetail'), j.error.detail, 'job-error-detail') : null,
              h('div', { style: 'margin-top:4px;font-size:12px' }, retryOffered(j) ? o('retryable') : o('permanent')),
            ),
          ]
        : null,
      links.length
        ? [h('div', { class: 'section-title' }, o('links')), h('div', { class: 'links' }, links.map((l) => h('a', linkProps(l.url), '↗ ', l.title)))]
        : null,
      h('div', { class: 'section-title' }, o('overview')),
      h(
        'dl',
        { class: 'facts' },
        fact(o('kind'), j.kind),
        fact(o('jobId'), j.id),
        fact(o('requestedBy'), `${userName(j.requestedBy)} <${j.requestedBy}>`),
        fact(o('attempts'), `${j.attempts} · ${o('generation')} ${j.generation}`),
        fact(o('created'), absoluteTime(j.createdAt, lang())),
        j.startedAt ? fact(o('started'), absoluteTime(j.startedAt, lang())) : null,
        j.finishedAt ? fact(o('finished'), absoluteTime(j.finishedAt, lang())) : null,
        j.reply
          ? [
              h('dt', null, o('reply')),
              h(
                'dd',
                null,
                j.reply.chat ? h('a', { href: routeHref('chat', { space: j.reply.chat.space }) }, `Chat ${j.reply.chat.space}`) : null,
                j.reply.chat && j.reply.sheet ? ' · ' : null,
                j.reply.sheet ? h('a', { href: routeHref('sheets', { id: j.reply.sheet.spreadsheetId, sheet: j.reply.sheet.sheetName }) }, `Sheets ${j.reply.sheet.sheetName}!${j.reply.sheet.row}`) : null,
              ),
            ]
          : null,
        j.cancelRequested && j.status !== 'canceled' ? fact(o('cancelRequested'), '✓') : null,
      ),
      h('div', { class: 'section-title' }, o('steps')),
      // The service's view already leaves out the worker's own $-steps (toJobView).
      j.steps.length
        ? h('ul', { class: 'steps' }, j.steps.map((s) => h('li', null, stepLabel(s, lang()) || s, ' ', h('small', { class: 'muted' }, `${o('stepName')}: `, h('span', { class: 'mono' }, s)))))
        : h('p', { class: 'muted', style: 'margin:0' }, o('noSteps')),
      h('div', { class: 'section-title' }, o('input')),
      h('pre', { class: 'json' }, JSON.stringify(j.input, null, 2)),
      j.result !== undefined ? [h('div', { class: 'section-title' }, o('result')), h('pre', { class: 'json', 'data-testid': 'job-result' }, JSON.stringify(j.result, null, 2))] : null,
    );
    drawer.body.scrollTop = scroll;
    // The console is the operator's tool: Retry stays available; the error box says whether it can help.
    const canRetry = j.status === 'failed' || j.status === 'canceled';
    const canCancel = (j.status === 'queued' || j.status === 'running') && !j.cancelRequested;
    fill(
      drawer.foot,
      h('button', { class: 'btn danger', type: 'button', disabled: canCancel ? undefined : true, onclick: (e: Event) => act(e, 'cancel') }, t('common.cancel')),
      h('button', { class: 'btn primary', type: 'button', disabled: canRetry ? undefined : true, onclick: (e: Event) => act(e, 'retry') }, t('common.retry')),
    );
  };

  const act = async (e: Event, what: 'retry' | 'cancel') => {
    const btn = e.currentTarget as HTMLButtonElement;
    btn.disabled = true;
    try {
      const { job: next } = await api.post<{ job: Job }>(`/jobs/${encodeURIComponent(id)}/${what}`, { user: actingUserFor(job) });
      remember(next);
    } catch (err) {
      toast(errorText(err), 'error');
      btn.disabled = false;
    }
  };

  render();
  void api
    .get<{ job: Job }>(`/jobs/${encodeURIComponent(id)}?user=${encodeURIComponent(actingUserFor(job))}`)
    .then(({ job: fresh }) => remember(fresh))
    .catch((err) => {
      if (!job) fill(drawer.body, errorBox(err));
    });
}

/** The job's own requester when the console can act as them, else the selected user. */
function actingUserFor(job: Job | undefined): string {
  const users = getMeta().users.map((u) => u.email);
  return job && users.includes(job.requestedBy) ? job.requestedBy : currentUser().email;
}

function fact(label: string, value: string): HTMLElement[] {
  return [h('dt', null, label), h('dd', null, value)];
}


/** The "Run a job" drawer. */
export function openRunForm(initialKind?: string): void {
  const meta = getMeta();
  const kinds = meta.kinds;
  let kind = kinds.find((k) => k.kind === initialKind) ?? kinds[0]!;
  const drawer = openDrawer({ label: t('run.title') });
  drawer.root.dataset.testid = 'run-form';
  fill(drawer.head, h('div', { style: 'flex:1' }, h('h2', null, t('run.title')), h('div', { class: 'sub' }, t('run.asUser', { user: `${currentUser().name} <${currentUser().email}>` }))), h('button', { class: 'icon-btn', type: 'button', 'aria-label': t('common.close'), onclick: () => drawer.close() }, icon(ICONS.close)));

  const select = h('select', { class: 'input', id: 'run-kind', name: 'kind' }, kinds.map((k) => h('option', { value: k.kind, selected: k.kind === kind.kind ? true : undefined }, `${kindLabel(k.kind)} — ${k.kind}`)));
  const input = h('textarea', { class: 'input', id: 'run-input', name: 'input', rows: 14, spellcheck: 'false' });
  const replyChat = h('input', { type: 'checkbox', id: 'run-reply-chat', name: 'replyChat' });
  const idem = h('input', { class: 'input', id: 'run-idem', name: 'idempotencyKey', placeholder: 'e.g. console-demo-1' });
  const errors = h('div', { 'aria-live': 'polite' });
  const description = h('div', { class: 'hint', id: 'run-kind-desc' });
  select.setAttribute('aria-describedby', 'run-kind-desc');
  const setKind = (k: (typeof kinds)[number]) => {
    kind = k;
    description.textContent = kindDescription(k.kind);
    input.value = JSON.stringify(k.example, null, 2);
    replyChat.checked = k.replyToChat;
    fill(errors);
  };
  setKind(kind);
  select.addEventListener('change', () => setKind(kinds.find((k) => k.kind === select.value) ?? kinds[0]!));

  const form = h(
    'form',
    { id: 'run-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'run-kind' }, t('run.kind')), select, description),
    h(
      'div',
      { class: 'field' },
      h('div', { style: 'display:flex;align-items:center' }, h('label', { for: 'run-input', style: 'flex:1' }, t('run.input')), h('button', { class: 'btn ghost sm', type: 'button', onclick: () => setKind(kind) }, t('run.reset'))),
      input,
      h('div', { class: 'hint' }, t('run.inputHint')),
    ),
    h('div', { class: 'field' }, h('label', { class: 'check', for: 'run-reply-chat' }, replyChat, t('run.replyChat'), h('span', { class: 'chip' }, meta.chatSpace))),
    h('div', { class: 'field' }, h('label', { for: 'run-idem' }, t('run.idem')), idem, h('div', { class: 'hint' }, t('run.idemHint'))),
    errors,
  );
  const submit = h('button', { class: 'btn primary', type: 'submit', form: 'run-form', 'data-testid': 'run-submit' }, icon(ICONS.play), t('run.submit'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fill(errors);
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.value || '{}');
    } catch (err) {
      fill(errors, h('div', { class: 'error-box', role: 'alert' }, t('run.badJson', { message: err instanceof Error ? err.message : String(err) })));
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body: Record<string, unknown> = { user: currentUser().email, kind: kind.kind, input: parsed, locale: lang() };
      if (replyChat.checked) body.reply = { chat: { space: meta.chatSpace } };
      if (idem.value.trim()) body.idempotencyKey = idem.value.trim();
      const { job } = await api.post<{ job: Job; created: boolean }>('/jobs', body);
      remember(job);
      closeDrawer();
      openJobDetail(job.id);
    } catch (err) {
      fill(errors, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  fill(drawer.body, form);
  fill(drawer.foot, h('button', { class: 'btn', type: 'button', onclick: () => drawer.close() }, t('common.close')), submit);
  select.focus();
}
