// An in-process Firestore emulator (@firestore-emulator/server) for tests, with the two
// behaviours of real Firestore that FirestoreStore relies on and the emulator lacks, added here
// so that the store is tested against Firestore's documented semantics:
// - a `currentDocument.updateTime` precondition is enforced (FAILED_PRECONDITION when the stored
//   document's update time differs or it is absent); the emulator ignores it and writes anyway,
//   which would make every compare-and-set succeed;
// - update times of one emulator strictly increase (the emulator stamps writes with Date.now(), so
//   two writes in the same millisecond would share an update time and a stale precondition would
//   pass; real Firestore's microsecond commit times do not collide on one document);
// - fields named in an update mask but absent from the write are removed (FieldValue.delete());
//   the emulator keeps them.
// Everything else (storage, create's exists precondition, queries) is the emulator's own.
// Set FIRESTORE_EMULATOR_HOST to `host` before constructing a Firestore client.
import { createServer } from 'node:net';
import { FirestoreServer } from '@firestore-emulator/server';

export type FirestoreEmulator = { host: string; stop(): void };

const FAILED_PRECONDITION = 9;

type ProtoTimestamp = { seconds: number; nanos: number };
type EmulatorWrite = {
  has_delete?: boolean;
  delete?: string;
  has_update?: boolean;
  update?: { name: string; fields: Map<string, unknown> };
  update_mask?: { field_paths?: string[] };
  has_current_document?: boolean;
  current_document?: { has_exists?: boolean; exists?: boolean; has_update_time?: boolean; update_time?: ProtoTimestamp };
};
type EmulatorDocument = { metadata: { hasExist: boolean; updatedAt: Date | null }; fields: Record<string, unknown> };
type EmulatorState = {
  writeV1Document(date: Date, write: EmulatorWrite): unknown;
  getDocument(path: string): EmulatorDocument;
};

export async function startFirestoreEmulator(): Promise<FirestoreEmulator> {
  const server = new FirestoreServer();
  addFirestoreSemantics(server.state as unknown as EmulatorState);
  // The emulator binds the port it is given and does not report an ephemeral one, so ask the OS
  // for a free port first; retry if someone takes it in between.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      await server.start(port);
      return { host: `127.0.0.1:${port}`, stop: () => server.stop() };
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
}

function addFirestoreSemantics(state: EmulatorState): void {
  const write = state.writeV1Document.bind(state);
  const EmulatorError = emulatorErrorClass(write);
  let lastWriteMs = 0;
  state.writeV1Document = (date, w) => {
    const at = new Date(Math.max(date.getTime(), lastWriteMs + 1));
    lastWriteMs = at.getTime();
    const precondition = w.has_current_document ? w.current_document : undefined;
    if (precondition?.has_update_time && precondition.update_time) {
      const path = w.has_update ? w.update!.name : w.delete!;
      const stored = state.getDocument(path);
      const required = precondition.update_time.seconds * 1000 + Math.floor(precondition.update_time.nanos / 1e6);
      if (!stored.metadata.hasExist || stored.metadata.updatedAt?.getTime() !== required) {
        throw new EmulatorError(FAILED_PRECONDITION, `the stored version of ${path} does not match the required update time`);
      }
    }
    const result = write(at, w);
    const masked = w.has_update ? (w.update_mask?.field_paths ?? []) : [];
    const removed = masked.filter((path) => !w.update!.fields.has(path));
    if (removed.length) {
      const doc = state.getDocument(w.update!.name);
      doc.fields = Object.fromEntries(Object.entries(doc.fields).filter(([key]) => !removed.includes(key)));
    }
    return result;
  };
}

/**
 * The emulator answers with a gRPC status only for errors of its own (bundled, unexported) error
 * class; anything else becomes an opaque failure. Take the class from an error it throws itself:
 * deleting a missing document with an exists precondition.
 */
function emulatorErrorClass(write: EmulatorState['writeV1Document']): new (code: number, message: string) => Error {
  try {
    write(new Date(), {
      has_delete: true,
      delete: 'projects/emulator-probe/databases/(default)/documents/probe/missing',
      has_current_document: true,
      current_document: { has_exists: true, exists: true },
    });
  } catch (err) {
    if (err instanceof Error && typeof (err as { code?: unknown }).code === 'number') {
      return err.constructor as new (code: number, message: string) => Error;
    }
    throw err;
  }
  throw new Error('firestore emulator: could not find its error class (its write path changed)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
