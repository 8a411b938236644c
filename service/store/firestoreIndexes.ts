/**
 * The Firestore indexes FirestoreStore's queries need in a real database (the emulator needs
 * none), as data for the deploy script, plus the gcloud arguments that create them.
 *
 * - listJobs orders by createdAt desc, id desc, optionally with equality on requestedBy and/or
 *   status and `createdAt <` for paging: one composite index per filter combination.
 * - listUnsettledJobs (the reconciler's sweep): equality on `unsettled`, a range and order on
 *   `updatedAt`.
 * - The JSON text fields (`record`, `_tasukiData`) are never queried; exempting them from
 *   single-field indexing saves write cost on large records. Document collections are named
 *   `docs:<collection>` by their users, so only `jobs` is listed here; queries that combine a
 *   where on one field with orderBy on another in a `docs:` collection need a composite index of
 *   their own (Firestore's error message names it).
 */

export type FirestoreIndex = {
  collectionGroup: string;
  fields: Array<{ fieldPath: string; order: 'ascending' | 'descending' }>;
};

const NEWEST_FIRST: FirestoreIndex['fields'] = [
  { fieldPath: 'createdAt', order: 'descending' },
  { fieldPath: 'id', order: 'descending' },
];

export const FIRESTORE_COMPOSITE_INDEXES: readonly FirestoreIndex[] = [
  { collectionGroup: 'jobs', fields: NEWEST_FIRST },
  { collectionGroup: 'jobs', fields: [{ fieldPath: 'requestedBy', order: 'ascending' }, ...NEWEST_FIRST] },
  { collectionGroup: 'jobs', fields: [{ fieldPath: 'status', order: 'ascending' }, ...NEWEST_FIRST] },
  {
    collectionGroup: 'jobs',
    fields: [{ fieldPath: 'requestedBy', order: 'ascending' }, { fieldPath: 'status', order: 'ascending' }, ...NEWEST_FIRST],
  },
  { collectionGroup: 'jobs', fields: [{ fieldPath: 'unsettled', order: 'ascending' }, { fieldPath: 'updatedAt', order: 'ascending' }] },
];

export const FIRESTORE_UNINDEXED_FIELDS: ReadonlyArray<{ collectionGroup: string; fieldPath: string }> = [
  { collectionGroup: 'jobs', fieldPath: 'record' },
];

/** `gcloud firestore indexes composite create …` arguments (without project/database flags). */
export function compositeIndexCreateArgs(index: FirestoreIndex): string[] {
  return [
    'firestore', 'indexes', 'composite', 'create',
    `--collection-group=${index.collectionGroup}`,
    '--query-scope=COLLECTION',
    ...index.fields.map((f) => `--field-config=field-path=${f.fieldPath},order=${f.order}`),
  ];
}

/** `gcloud firestore indexes fields update … --disable-indexes` arguments (without project/database flags). */
export function fieldIndexDisableArgs(field: { collectionGroup: string; fieldPath: string }): string[] {
  return ['firestore', 'indexes', 'fields', 'update', field.fieldPath, `--collection-group=${field.collectionGroup}`, '--disable-indexes'];
}
