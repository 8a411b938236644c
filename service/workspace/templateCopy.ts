/**
 * Copies a Drive template folder tree (nested folders and files) into a new parent, replacing
 * `{{name}}` placeholders in every file and folder name and inside every Google Doc.
 *
 * Idempotent: each copy is tagged with the job and the template item it came from
 * (tasukiKey = `tpl:<source id>`); one query lists everything the job already made, and only
 * what is missing is created. Placeholders in Docs are replaced on every run, which is harmless
 * (replaceAllText finds nothing the second time) and covers a crash between copy and fill.
 *
 * The template tree's listing is cached per process for a minute: it is the same for every
 * project, and listing it costs one Drive call per folder on every job (a quarter of a job's calls).
 * An edited template is therefore picked up within a minute.
 */
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import { replacePlaceholders } from './docsContent.js';
import { ALL_DRIVES_LIST, DOC_MIME, FOLDER_MIME, copyFile, createFolder, getFile, listChildren, quote, type DriveFile } from './driveFiles.js';
import { callGoogle } from './googleCall.js';

export function fillName(name: string, values: Record<string, string>): string {
  return name.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Everything this job has tagged, by tasukiKey. */
export async function listTaggedByJob(drive: drive_v3.Drive, jobId: string): Promise<Map<string, DriveFile>> {
  const found = new Map<string, DriveFile>();
  let pageToken: string | undefined;
  do {
    const res = await callGoogle('drive.files.list', () =>
      drive.files.list({
        q: `appProperties has { key='tasukiJob' and value=${quote(jobId)} } and trashed = false`,
        fields: 'nextPageToken,files(id,name,mimeType,webViewLink,appProperties)',
        pageSize: 100,
        pageToken,
        ...ALL_DRIVES_LIST,
      }),
    );
    for (const f of res.data.files ?? []) {
      const key = f.appProperties?.tasukiKey;
      if (key && f.id) {
        found.set(key, {
          id: f.id,
          name: f.name ?? '',
          mimeType: f.mimeType ?? '',
          url: f.webViewLink ?? `https://drive.google.com/open?id=${f.id}`,
        });
      }
    }
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  return found;
}

export type TemplateNode = DriveFile & { children?: TemplateNode[] };

const TREE_CACHE_MS = 60_000;
const treeCache = new Map<string, { at: number; tree: TemplateNode[] }>();

/** The template folder's items, recursively; null when the folder does not exist. */
export async function readTemplateTree(drive: drive_v3.Drive, folderId: string, now = Date.now()): Promise<TemplateNode[] | null> {
  const cached = treeCache.get(folderId);
  if (cached && now - cached.at < TREE_CACHE_MS) return cached.tree;
  if (!(await getFile(drive, folderId))) return null;
  const read = async (id: string): Promise<TemplateNode[]> => {
    const nodes: TemplateNode[] = [];
    for (const child of await listChildren(drive, id)) {
      nodes.push(child.mimeType === FOLDER_MIME ? { ...child, children: await read(child.id) } : child);
    }
    return nodes;
  };
  const tree = await read(folderId);
  treeCache.set(folderId, { at: now, tree });
  return tree;
}

export type CopiedItem = { sourceId: string; id: string; name: string; mimeType: string; url: string; path: string };

export async function copyTemplateTree(
  clients: { drive: drive_v3.Drive; docs: docs_v1.Docs },
  opts: {
    templateFolderId: string;
    targetFolderId: string;
    jobId: string;
    /** Placeholder values for file and folder names. */
    nameValues: Record<string, string>;
    /** Placeholder values inside Docs. */
    docValues: Record<string, string>;
    existing?: Map<string, DriveFile>;
  },
): Promise<CopiedItem[]> {
  const existing = opts.existing ?? (await listTaggedByJob(clients.drive, opts.jobId));
  const copied: CopiedItem[] = [];
  const tree = await readTemplateTree(clients.drive, opts.templateFolderId);
  if (!tree) throw new Error(`template folder ${opts.templateFolderId} does not exist`);
  const visit = async (nodes: TemplateNode[], targetFolder: string, path: string) => {
    for (const child of nodes) {
      const key = `tpl:${child.id}`;
      const name = fillName(child.name, opts.nameValues);
      const childPath = path ? `${path}/${name}` : name;
      let made = existing.get(key);
      if (child.mimeType === FOLDER_MIME) {
        made ??= await createFolder(clients.drive, { parentId: targetFolder, name, tag: { jobId: opts.jobId, key } });
        copied.push({ sourceId: child.id, ...made, path: childPath });
        await visit(child.children ?? [], made.id, childPath);
      } else {
        made ??= await copyFile(clients.drive, { sourceId: child.id, parentId: targetFolder, name, tag: { jobId: opts.jobId, key } });
        if (made.mimeType === DOC_MIME) await replacePlaceholders(clients.docs, made.id, opts.docValues);
        copied.push({ sourceId: child.id, ...made, path: childPath });
      }
    }
  };
  await visit(tree, opts.targetFolderId, '');
  return copied;
}
