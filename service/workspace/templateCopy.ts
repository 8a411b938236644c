/**
 * Copies a Drive template folder tree (nested folders and files) into a new parent, replacing
 * `{{name}}` placeholders in every file and folder name and inside every Google Doc.
 *
 * Idempotent: each copy is tagged with the job and the template item it came from
 * (tasukiKey = `tpl:<source id>`); one query lists everything the job already made, and only
 * what is missing is created. Placeholders in Docs are replaced on every run, which is harmless
 * (replaceAllText finds nothing the second time) and covers a crash between copy and fill.
 */
import type { docs_v1 } from '@googleapis/docs';
import type { drive_v3 } from '@googleapis/drive';
import { replacePlaceholders } from './docsContent.js';
import { DOC_MIME, FOLDER_MIME, copyFile, createFolder, listChildren, quote, type DriveFile } from './driveFiles.js';
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
  const visit = async (sourceFolder: string, targetFolder: string, path: string) => {
    for (const child of await listChildren(clients.drive, sourceFolder)) {
      const key = `tpl:${child.id}`;
      const name = fillName(child.name, opts.nameValues);
      const childPath = path ? `${path}/${name}` : name;
      let made = existing.get(key);
      if (child.mimeType === FOLDER_MIME) {
        made ??= await createFolder(clients.drive, { parentId: targetFolder, name, tag: { jobId: opts.jobId, key } });
        copied.push({ sourceId: child.id, ...made, path: childPath });
        await visit(child.id, made.id, childPath);
      } else {
        made ??= await copyFile(clients.drive, { sourceId: child.id, parentId: targetFolder, name, tag: { jobId: opts.jobId, key } });
        if (made.mimeType === DOC_MIME) await replacePlaceholders(clients.docs, made.id, opts.docValues);
        copied.push({ sourceId: child.id, ...made, path: childPath });
      }
    }
  };
  await visit(opts.templateFolderId, opts.targetFolderId, '');
  return copied;
}
