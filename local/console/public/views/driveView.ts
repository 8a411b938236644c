/**
 * Drive: the sandbox's folder tree on the left, the chosen folder's files on the right (name,
 * type, modified, appProperties — how tasuki tags what it created), and a file drawer with its
 * metadata, a Doc's text, and downloads (Docs exported to PDF, stored files as they are).
 * Links from job results (#/drive?folder=…, #/drive?file=…) land here.
 */
import { api } from '../api.js';
import { debounce, fill, h, timeEl, formatBytes, absoluteTime } from '../dom.js';
import { lang, t } from '../i18n.js';
import { routeHref } from '../links.js';
import { onLive } from '../live.js';
import { closeButton, emptyState, errorBox, loading, openDrawer } from '../ui.js';
import type { View } from '../view.js';

type DriveFile = {
  id: string;
  name: string;
  mimeType: string;
  parents?: string[];
  appProperties?: Record<string, string>;
  properties?: Record<string, string>;
  createdTime?: string;
  modifiedTime?: string;
  size?: string;
  webViewLink?: string;
  description?: string;
};

const FOLDER = 'application/vnd.google-apps.folder';
const DOC = 'application/vnd.google-apps.document';
const SHEET = 'application/vnd.google-apps.spreadsheet';

export function fileIcon(mime: string): HTMLElement {
  if (mime === FOLDER) return h('span', { class: 'ficon folder', 'aria-hidden': 'true' }, '▤');
  if (mime === DOC) return h('span', { class: 'ficon doc', 'aria-hidden': 'true' }, 'D');
  if (mime === SHEET) return h('span', { class: 'ficon sheet', 'aria-hidden': 'true' }, 'S');
  if (mime === 'application/pdf') return h('span', { class: 'ficon pdf', 'aria-hidden': 'true' }, 'P');
  return h('span', { class: 'ficon file', 'aria-hidden': 'true' }, '•');
}

export class DriveView implements View {
  readonly id = 'drive';
  readonly flush = true;
  private files: DriveFile[] = [];
  private byId = new Map<string, DriveFile>();
  private folder: string | null = null;
  private expanded = new Set<string>();
  private treeEl?: HTMLElement;
  private mainEl?: HTMLElement;
  private offs: Array<() => void> = [];
  private openFile: string | null = null;

  mount(container: HTMLElement, params: URLSearchParams): void {
    this.treeEl = h('div', { 'data-testid': 'drive-tree' });
    this.mainEl = h('div', { style: 'padding:20px 26px' }, loading());
    fill(container, h('div', { class: 'split' }, h('nav', { class: 'pane side', 'aria-label': t('nav.drive') }, h('div', { class: 'pane-title' }, t('nav.drive')), this.treeEl), h('div', { class: 'pane' }, this.mainEl)));
    const reload = debounce(() => void this.load(), 200);
    this.offs.push(onLive('sandbox', (c) => c.api === 'drive' && reload()));
    this.offs.push(onLive('reconnect', reload));
    void this.load().then(() => this.update(params));
  }

  update(params: URLSearchParams): void {
    const file = params.get('file');
    const folder = params.get('folder');
    if (folder) this.showFolder(folder);
    if (file && file !== this.openFile) {
      const f = this.byId.get(file);
      if (f?.mimeType === FOLDER) this.showFolder(file);
      else {
        if (f?.parents?.[0] && !folder) this.showFolder(f.parents[0]);
        this.openFileDrawer(file);
      }
    }
  }

  unmount(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  private async load(): Promise<void> {
    try {
      const { files } = await api.get<{ files: DriveFile[] }>('/drive/files');
      this.files = files.sort((a, b) => (a.mimeType === FOLDER ? 0 : 1) - (b.mimeType === FOLDER ? 0 : 1) || a.name.localeCompare(b.name, 'ja'));
      this.byId = new Map(files.map((f) => [f.id, f]));
    } catch (err) {
      fill(this.mainEl!, errorBox(err));
      return;
    }
    if (!this.files.length) {
      fill(this.mainEl!, emptyState(t('drive.noFiles'), '', '▤'));
      fill(this.treeEl!);
      return;
    }
    if (this.folder === null) {
      const roots = this.roots().filter((f) => f.mimeType === FOLDER);
      for (const r of roots) this.expanded.add(r.id);
      this.folder = (roots.find((r) => this.children(r.id).length) ?? roots[0])?.id ?? '';
    }
    this.renderTree();
    this.renderFolder();
  }

  /** Files whose parent is not in the listing (My Drive's top level). */
  private roots(): DriveFile[] {
    return this.files.filter((f) => !f.parents?.length || !this.byId.has(f.parents[0]!));
  }

  private children(id: string): DriveFile[] {
    return this.files.filter((f) => f.parents?.includes(id));
  }

  private showFolder(id: string): void {
    this.folder = id;
    for (let cur = this.byId.get(id); cur; cur = cur.parents?.[0] ? this.byId.get(cur.parents[0]) : undefined) this.expanded.add(cur.id);
    this.renderTree();
    this.renderFolder();
  }

  private renderTree(): void {
    const node = (f: DriveFile): HTMLElement => {
      const kids = this.children(f.id).filter((c) => c.mimeType === FOLDER);
      const open = this.expanded.has(f.id);
      const btn = h(
        'button',
        {
          type: 'button',
          'aria-current': String(f.id === this.folder),
          'aria-expanded': kids.length ? String(open) : undefined,
          onclick: () => {
            if (f.id === this.folder && kids.length) {
              if (open) this.expanded.delete(f.id);
              else this.expanded.add(f.id);
            }
            this.expanded.add(f.id);
            history.replaceState(null, '', routeHref('drive', { folder: f.id }));
            this.showFolder(f.id);
          },
        },
        h('span', { class: 'twisty', 'aria-hidden': 'true' }, kids.length ? (open ? '▾' : '▸') : ''),
        fileIcon(FOLDER),
        h('span', { style: 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap' }, f.name),
      );
      return h('li', null, btn, kids.length && open ? h('ul', null, kids.map(node)) : null);
    };
    const scroll = this.treeEl!.parentElement?.scrollTop ?? 0;
    fill(this.treeEl!, h('ul', { class: 'tree' }, this.roots().filter((f) => f.mimeType === FOLDER).map(node)));
    if (this.treeEl!.parentElement) this.treeEl!.parentElement.scrollTop = scroll;
  }

  private renderFolder(): void {
    const main = this.mainEl!;
    const folder = this.folder ? this.byId.get(this.folder) : undefined;
    const items = folder ? this.children(folder.id) : this.roots();
    const trail: DriveFile[] = [];
    for (let cur = folder; cur; cur = cur.parents?.[0] ? this.byId.get(cur.parents[0]) : undefined) trail.unshift(cur);
    fill(
      main,
      h(
        'div',
        { class: 'breadcrumb' },
        h('span', null, t('drive.root')),
        trail.map((f) => [h('span', { 'aria-hidden': 'true' }, '›'), h('button', { type: 'button', onclick: () => this.showFolder(f.id) }, f.name)]),
      ),
      items.length
        ? h(
            'div',
            { class: 'panel', style: 'overflow:hidden' },
            h(
              'table',
              { class: 'table', 'data-testid': 'drive-files' },
              h('thead', null, h('tr', null, h('th', null, t('drive.col.name')), h('th', null, t('drive.col.modified')), h('th', null, t('drive.col.props')))),
              h(
                'tbody',
                null,
                items.map((f) => {
                  const open = () => (f.mimeType === FOLDER ? this.showFolder(f.id) : this.openFileDrawer(f.id));
                  return h(
                    'tr',
                    { class: 'clickable', tabindex: '0', 'data-file-id': f.id, onclick: open, onkeydown: (e: KeyboardEvent) => (e.key === 'Enter' ? open() : undefined) },
                    h('td', null, h('span', { style: 'display:inline-flex;gap:8px;align-items:center' }, fileIcon(f.mimeType), f.name)),
                    h('td', { class: 'muted num' }, timeEl(f.modifiedTime, lang())),
                    h('td', null, propChips(f.appProperties)),
                  );
                }),
              ),
            ),
          )
        : h('div', { class: 'panel' }, emptyState(t('drive.empty'), '', '▤')),
    );
  }

  private openFileDrawer(id: string): void {
    const f = this.byId.get(id);
    this.openFile = id;
    const drawer = openDrawer({
      label: f?.name ?? id,
      onClose: () => {
        this.openFile = null;
      },
    });
    drawer.root.dataset.testid = 'file-detail';
    fill(drawer.head, h('div', { style: 'flex:1;min-width:0' }, h('h2', { style: 'display:flex;gap:8px;align-items:center' }, fileIcon(f?.mimeType ?? ''), f?.name ?? id), h('div', { class: 'sub' }, id)), closeButton(() => drawer.close()));
    if (!f) {
      fill(drawer.body, errorBox(new Error(`${id}: not found`)));
      return;
    }
    const textBox = h('div');
    const isDoc = f.mimeType === DOC;
    fill(
      drawer.body,
      h(
        'dl',
        { class: 'facts' },
        [h('dt', null, 'mimeType'), h('dd', { class: 'mono' }, f.mimeType)],
        f.modifiedTime ? [h('dt', null, t('drive.col.modified')), h('dd', null, absoluteTime(f.modifiedTime, lang()))] : null,
        f.size ? [h('dt', null, 'size'), h('dd', null, formatBytes(Number(f.size)))] : null,
        f.description ? [h('dt', null, 'description'), h('dd', null, f.description)] : null,
      ),
      h('div', { class: 'section-title' }, 'appProperties'),
      f.appProperties && Object.keys(f.appProperties).length ? propChips(f.appProperties) : h('p', { class: 'muted', style: 'margin:0' }, '—'),
      textBox,
    );
    const buttons: HTMLElement[] = [];
    if (f.mimeType === SHEET) buttons.push(h('a', { class: 'btn', href: routeHref('sheets', { id: f.id }) }, t('nav.sheets')));
    if (isDoc) buttons.push(h('a', { class: 'btn', href: `/console/api/drive/files/${encodeURIComponent(f.id)}/download?inline=1`, target: '_blank', rel: 'noopener' }, t('drive.pdf')));
    if (f.mimeType !== FOLDER && !f.mimeType.startsWith('application/vnd.google-apps.'))
      buttons.push(h('a', { class: 'btn', href: `/console/api/drive/files/${encodeURIComponent(f.id)}/download`, download: f.name }, t('drive.download')));
    fill(drawer.foot, buttons);
    if (isDoc) {
      fill(textBox, h('div', { class: 'section-title' }, t('drive.openText')), loading());
      void api
        .get<{ title: string; text: string }>(`/drive/files/${encodeURIComponent(f.id)}/text`)
        .then(({ text }) => fill(textBox, h('div', { class: 'section-title' }, t('drive.openText')), h('div', { class: 'doc-text', 'data-testid': 'doc-text' }, text || '—')))
        .catch((err) => fill(textBox, errorBox(err)));
    }
  }
}

function propChips(props: Record<string, string> | undefined): HTMLElement {
  return h('div', { class: 'props' }, Object.entries(props ?? {}).map(([k, v]) => h('span', { class: 'chip', title: `${k}=${v}` }, h('b', null, k), '=', v.length > 24 ? `${v.slice(0, 22)}…` : v)));
}
