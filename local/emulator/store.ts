import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceKind } from './arn';
import type { ResourceDocuments } from './documents';
import type { Tag } from './validation';

/**
 * The emulator's state on disk: one SQLite database (`personalize.db`) in the data directory.
 *
 * Durability: the database runs in WAL mode with `synchronous = FULL` by default. Every request that
 * changes state commits one transaction before the response is sent, and with FULL the WAL is fsynced
 * at each commit, so an acknowledged write survives a `kill -9` of the emulator *and* a power loss.
 * (`synchronous = NORMAL` in WAL mode would already survive a process crash — the committed frames sit
 * in the OS page cache — but may lose the last commits on an OS crash; it can be chosen with the
 * `synchronous` option when speed matters more, e.g. on CI tmpfs.)
 *
 * Size: records of a dataset carry its small integer id (table `datasets`), not its ARN; the user
 * index is (dataset, user_id) plus the implicit rowid, the session index holds only rows that have a
 * session id, and models are stored in the engine's binary form, deflated (./model-bytes.ts). A database of the
 * first layout (ARN per row, models as JSON) is migrated when opened; its JSON models stay readable.
 */

/** A stored Personalize resource of one kind. `doc` holds the members of its Describe shape. */
export interface ResourceOf<K extends ResourceKind> {
  readonly arn: string;
  readonly kind: K;
  readonly name: string;
  /** The owning resource (dataset group, solution, campaign, dataset ...). */
  readonly parentArn: string | null;
  /** Dataset group the resource belongs to, when any. */
  readonly groupArn: string | null;
  readonly status: string | null;
  readonly doc: ResourceDocuments[K];
  /** Epoch seconds. */
  readonly createdAt: number;
  /** Epoch seconds. */
  readonly updatedAt: number;
  /** When the lifecycle should next advance this resource (epoch ms), or null. */
  readonly nextAt: number | null;
  readonly seq: number;
}

/**
 * A stored resource of any kind; checking `kind` narrows `doc` to that kind's document. Code that
 * handles every kind alike (rendering, lists, deletion) takes `ResourceOf<ResourceKind>`.
 */
export type ResourceRow = { [K in ResourceKind]: ResourceOf<K> }[ResourceKind];

/** A stored interaction (bulk-imported or streamed through PutEvents). */
export interface StoredInteraction {
  readonly userId: string;
  readonly itemId: string;
  /** Epoch seconds. */
  readonly timestamp: number;
  readonly eventType?: string;
  readonly eventValue?: number;
  readonly sessionId?: string;
  readonly eventId?: string;
  readonly recommendationId?: string;
  readonly impression?: string[];
  readonly fields: Record<string, unknown>;
}

/** A stored item or user record. */
export interface StoredEntity {
  readonly id: string;
  readonly fields: Record<string, unknown>;
}

/** Where a record came from: a dataset import job or the events API. */
export type RecordSource = 'bulk' | 'stream';

/** Options of {@link Store}. */
export interface StoreOptions {
  /** Directory holding `personalize.db`; created when missing. */
  readonly dataDir: string;
  /** SQLite `synchronous` setting. @default 'FULL' */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * Open an existing database for reading only (a training thread beside the emulator that owns
   * it): no schema changes, no writes. @default false
   */
  readonly readonly?: boolean;
}

interface RawResource {
  arn: string;
  kind: string;
  name: string;
  parent_arn: string | null;
  group_arn: string | null;
  status: string | null;
  doc: string;
  created_at: number;
  updated_at: number;
  next_at: number | null;
  seq: number;
}

interface RawInteraction {
  user_id: string;
  item_id: string;
  ts: number;
  event_type: string | null;
  event_value: number | null;
  session_id: string | null;
  event_id: string | null;
  recommendation_id: string | null;
  impression: string | null;
  /** NULL for no extra columns. */
  fields: string | null;
}

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS resources (
  arn TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  parent_arn TEXT,
  group_arn TEXT,
  status TEXT,
  doc TEXT NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  next_at REAL,
  seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_kind ON resources(kind, seq);
CREATE INDEX IF NOT EXISTS resources_parent ON resources(parent_arn);
CREATE INDEX IF NOT EXISTS resources_group ON resources(group_arn);
CREATE INDEX IF NOT EXISTS resources_next ON resources(next_at) WHERE next_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS tags (
  arn TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (arn, tag_key)
);
CREATE TABLE IF NOT EXISTS datasets (
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS interactions (
  id INTEGER PRIMARY KEY,
  dataset INTEGER NOT NULL,
  stream INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  ts REAL NOT NULL,
  event_type TEXT,
  event_value REAL,
  session_id TEXT,
  event_id TEXT,
  recommendation_id TEXT,
  impression TEXT,
  fields TEXT
);
CREATE INDEX IF NOT EXISTS interactions_user ON interactions(dataset, user_id);
CREATE INDEX IF NOT EXISTS interactions_session ON interactions(dataset, session_id) WHERE session_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS entities (
  dataset INTEGER NOT NULL,
  entity_id TEXT NOT NULL,
  stream INTEGER NOT NULL,
  fields TEXT NOT NULL,
  PRIMARY KEY (dataset, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS models (
  arn TEXT PRIMARY KEY,
  model BLOB NOT NULL,
  metrics TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attribution_totals (
  attribution_arn TEXT NOT NULL,
  metric_name TEXT NOT NULL,
  source TEXT NOT NULL,
  value REAL NOT NULL,
  samples INTEGER NOT NULL,
  PRIMARY KEY (attribution_arn, metric_name, source)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attribution_outbox (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,
  payload TEXT NOT NULL
);
`;

/**
 * Moves a database of the first layout (the dataset ARN on every interaction and entity row, with
 * `source` as text) to the current one, keeping row ids (models' watermarks refer to them).
 */
const MIGRATE_V1_SQL = `
ALTER TABLE interactions RENAME TO interactions_v1;
DROP INDEX IF EXISTS interactions_user;
DROP INDEX IF EXISTS interactions_session;
ALTER TABLE entities RENAME TO entities_v1;
${SCHEMA_SQL}
INSERT OR IGNORE INTO datasets (arn) SELECT DISTINCT dataset_arn FROM interactions_v1;
INSERT OR IGNORE INTO datasets (arn) SELECT DISTINCT dataset_arn FROM entities_v1;
INSERT INTO interactions (id, dataset, stream, user_id, item_id, ts, event_type, event_value, session_id, event_id, recommendation_id, impression, fields)
  SELECT v.id, d.id, v.source = 'stream', v.user_id, v.item_id, v.ts, v.event_type, v.event_value, v.session_id, v.event_id,
         v.recommendation_id, v.impression, NULLIF(v.fields, '{}')
  FROM interactions_v1 v JOIN datasets d ON d.arn = v.dataset_arn;
INSERT INTO entities (dataset, entity_id, stream, fields)
  SELECT d.id, v.entity_id, v.source = 'stream', v.fields FROM entities_v1 v JOIN datasets d ON d.arn = v.dataset_arn;
DROP TABLE interactions_v1;
DROP TABLE entities_v1;
`;

/** The store is the one place that trusts the database: a row's document is the one its kind was written with. */
function toRow(raw: RawResource): ResourceRow {
  return {
    arn: raw.arn,
    kind: raw.kind,
    name: raw.name,
    parentArn: raw.parent_arn,
    groupArn: raw.group_arn,
    status: raw.status,
    doc: JSON.parse(raw.doc) as unknown,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    nextAt: raw.next_at,
    seq: raw.seq,
  } as ResourceRow;
}

function toInteraction(raw: RawInteraction): StoredInteraction {
  return {
    userId: raw.user_id,
    itemId: raw.item_id,
    timestamp: raw.ts,
    ...(raw.event_type !== null ? { eventType: raw.event_type } : {}),
    ...(raw.event_value !== null ? { eventValue: raw.event_value } : {}),
    ...(raw.session_id !== null ? { sessionId: raw.session_id } : {}),
    ...(raw.event_id !== null ? { eventId: raw.event_id } : {}),
    ...(raw.recommendation_id !== null ? { recommendationId: raw.recommendation_id } : {}),
    ...(raw.impression !== null ? { impression: JSON.parse(raw.impression) as string[] } : {}),
    fields: raw.fields === null ? {} : (JSON.parse(raw.fields) as Record<string, unknown>),
  };
}

/** Interaction rows: ordered by the integer primary key alone, so the indexes need no `id` column. */
const INTERACTION_COLUMNS =
  'id, user_id, item_id, ts, event_type, event_value, session_id, event_id, recommendation_id, impression, fields';

/** Values to create a resource row with. */
export type NewResource<K extends ResourceKind> = Omit<ResourceOf<K>, 'seq'>;

/** Changes to apply to a resource row; without `doc`, the stored document stays. */
export interface ResourcePatch<K extends ResourceKind> {
  readonly status?: string | null;
  readonly doc?: ResourceDocuments[K];
  readonly updatedAt?: number;
  readonly nextAt?: number | null;
}

/** All persistent state of one emulator instance. */
export class Store {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<Store['prepare']>;
  private generationCounter = 0;
  private entityCounter = 0;
  /**
   * Streamed interactions (PutEvents) per dataset and per user/session key, in arrival order, kept in
   * memory for the runtime path; loaded lazily from the database, appended after each commit.
   */
  private readonly streamed = new Map<string, Map<string, (StoredInteraction & { readonly id: number })[]>>();

  constructor(options: StoreOptions) {
    if (options.readonly) {
      this.db = new Database(join(options.dataDir, 'personalize.db'), {
        readonly: true,
        fileMustExist: true,
      });
      this.db.pragma('busy_timeout = 5000');
      this.statements = this.prepare();
      return;
    }
    mkdirSync(options.dataDir, { recursive: true });
    this.db = new Database(join(options.dataDir, 'personalize.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    // After a checkpoint the WAL file shrinks back to this size instead of keeping its largest.
    this.db.pragma(`journal_size_limit = ${4 * 1024 * 1024}`);
    const layoutV1 = this.db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('interactions')")
      .all()
      .some((column) => column.name === 'dataset_arn');
    if (layoutV1) this.db.transaction(() => this.db.exec(MIGRATE_V1_SQL))();
    else this.db.exec(SCHEMA_SQL);
    this.statements = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      get: db.prepare<[string], RawResource>('SELECT * FROM resources WHERE arn = ?'),
      insert: db.prepare(
        `INSERT INTO resources (arn, kind, name, parent_arn, group_arn, status, doc, created_at, updated_at, next_at, seq)
         VALUES (@arn, @kind, @name, @parentArn, @groupArn, @status, @doc, @createdAt, @updatedAt, @nextAt,
                 (SELECT IFNULL(MAX(seq), 0) + 1 FROM resources))`,
      ),
      update: db.prepare(
        'UPDATE resources SET status = @status, doc = @doc, updated_at = @updatedAt, next_at = @nextAt WHERE arn = @arn',
      ),
      delete: db.prepare('DELETE FROM resources WHERE arn = ?'),
      deleteTags: db.prepare('DELETE FROM tags WHERE arn = ?'),
      byKind: db.prepare<[string], RawResource>('SELECT * FROM resources WHERE kind = ? ORDER BY seq DESC'),
      byKindParent: db.prepare<[string, string], RawResource>(
        'SELECT * FROM resources WHERE kind = ? AND parent_arn = ? ORDER BY seq DESC',
      ),
      byKindGroup: db.prepare<[string, string], RawResource>(
        'SELECT * FROM resources WHERE kind = ? AND group_arn = ? ORDER BY seq DESC',
      ),
      due: db.prepare<[], RawResource>(
        'SELECT * FROM resources WHERE next_at IS NOT NULL ORDER BY next_at, seq',
      ),
      tags: db.prepare<[string], { tag_key: string; tag_value: string }>(
        'SELECT tag_key, tag_value FROM tags WHERE arn = ? ORDER BY rowid',
      ),
      putTag: db.prepare(
        'INSERT INTO tags (arn, tag_key, tag_value) VALUES (?, ?, ?) ON CONFLICT(arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value',
      ),
      deleteTag: db.prepare('DELETE FROM tags WHERE arn = ? AND tag_key = ?'),
      datasetId: db.prepare<[string], { id: number }>('SELECT id FROM datasets WHERE arn = ?'),
      insertDataset: db.prepare<[string]>('INSERT INTO datasets (arn) VALUES (?)'),
      deleteDataset: db.prepare<[string]>('DELETE FROM datasets WHERE arn = ?'),
      insertInteraction: db.prepare(
        `INSERT INTO interactions (dataset, stream, user_id, item_id, ts, event_type, event_value, session_id, event_id, recommendation_id, impression, fields)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      streamedInteractions: db.prepare<[number], RawInteraction & { id: number }>(
        `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE dataset = ? AND stream = 1 ORDER BY id`,
      ),
      deleteInteractions: db.prepare<[number, number]>(
        'DELETE FROM interactions WHERE dataset = ? AND stream = ?',
      ),
      deleteAllInteractions: db.prepare<[number]>('DELETE FROM interactions WHERE dataset = ?'),
      interactions: db.prepare<[number], RawInteraction>(
        `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE dataset = ? ORDER BY ts, id`,
      ),
      maxInteractionId: db.prepare<[number], { id: number | null }>(
        'SELECT MAX(id) AS id FROM interactions WHERE dataset = ?',
      ),
      // Two index searches instead of one OR (which SQLite would answer with a scan). The indexes end
      // in the rowid, so `id > ? ORDER BY id DESC` is a range of each.
      userInteractionsByUser: db.prepare<[number, string, number, number], RawInteraction & { id: number }>(
        `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE dataset = ? AND user_id = ? AND id > ? ORDER BY id DESC LIMIT ?`,
      ),
      userInteractionsBySession: db.prepare<
        [number, string, number, number],
        RawInteraction & { id: number }
      >(
        `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE dataset = ? AND session_id = ? AND id > ? ORDER BY id DESC LIMIT ?`,
      ),
      countInteractions: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM interactions WHERE dataset = ?',
      ),
      countByEventType: db.prepare<[number], { event_type: string | null; n: number }>(
        'SELECT event_type, COUNT(*) AS n FROM interactions WHERE dataset = ? GROUP BY event_type',
      ),
      upsertEntity: db.prepare<[number, string, number, string]>(
        `INSERT INTO entities (dataset, entity_id, stream, fields) VALUES (?, ?, ?, ?)
         ON CONFLICT(dataset, entity_id) DO UPDATE SET stream = excluded.stream, fields = excluded.fields`,
      ),
      deleteEntities: db.prepare<[number, number]>('DELETE FROM entities WHERE dataset = ? AND stream = ?'),
      deleteAllEntities: db.prepare<[number]>('DELETE FROM entities WHERE dataset = ?'),
      entities: db.prepare<[number], { entity_id: string; fields: string }>(
        'SELECT entity_id, fields FROM entities WHERE dataset = ? ORDER BY entity_id',
      ),
      entity: db.prepare<[number, string], { fields: string }>(
        'SELECT fields FROM entities WHERE dataset = ? AND entity_id = ?',
      ),
      countEntities: db.prepare<[number], { n: number }>(
        'SELECT COUNT(*) AS n FROM entities WHERE dataset = ?',
      ),
      putModel: db.prepare<[string, Uint8Array, string]>(
        'INSERT INTO models (arn, model, metrics) VALUES (?, ?, ?) ON CONFLICT(arn) DO UPDATE SET model = excluded.model, metrics = excluded.metrics',
      ),
      getModel: db.prepare<[string], { model: string | Buffer; metrics: string }>(
        'SELECT model, metrics FROM models WHERE arn = ?',
      ),
      deleteModel: db.prepare('DELETE FROM models WHERE arn = ?'),
      addTotal: db.prepare<[string, string, string, number, number]>(
        `INSERT INTO attribution_totals (attribution_arn, metric_name, source, value, samples) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(attribution_arn, metric_name, source) DO UPDATE SET value = value + excluded.value, samples = samples + excluded.samples`,
      ),
      totals: db.prepare<[string], { metric_name: string; source: string; value: number; samples: number }>(
        'SELECT metric_name, source, value, samples FROM attribution_totals WHERE attribution_arn = ? ORDER BY metric_name, source',
      ),
      deleteTotals: db.prepare<[string]>('DELETE FROM attribution_totals WHERE attribution_arn = ?'),
      enqueue: db.prepare<[string, string]>('INSERT INTO attribution_outbox (target, payload) VALUES (?, ?)'),
      outbox: db.prepare<[number], { id: number; target: string; payload: string }>(
        'SELECT id, target, payload FROM attribution_outbox ORDER BY id LIMIT ?',
      ),
      dequeue: db.prepare<[number]>('DELETE FROM attribution_outbox WHERE id = ?'),
    };
  }

  /**
   * Increases whenever a resource changes; caches keyed on it (runtime lookups) stay correct without
   * explicit invalidation.
   */
  get generation(): number {
    return this.generationCounter;
  }

  /** Increases whenever item or user records change (caches of the items dataset key on it). */
  get entityVersion(): number {
    return this.entityCounter;
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    let result: T;
    try {
      result = this.db.transaction(fn)();
    } catch (error) {
      this.afterCommit.length = 0;
      throw error;
    }
    for (const callback of this.afterCommit.splice(0)) callback();
    return result;
  }

  /** Callbacks to run once the outermost transaction commits (dropped when it rolls back). */
  private readonly afterCommit: (() => void)[] = [];

  /** A resource of any kind, or, with `kind`, only when it is of that kind. */
  getResource(arn: string): ResourceRow | undefined;
  getResource<K extends ResourceKind>(arn: string, kind: K): ResourceOf<K> | undefined;
  getResource(arn: string, kind?: ResourceKind): ResourceRow | undefined {
    const raw = this.statements.get.get(arn);
    if (!raw || (kind !== undefined && raw.kind !== kind)) return undefined;
    return toRow(raw);
  }

  insertResource<K extends ResourceKind>(row: NewResource<K>): ResourceOf<K> {
    this.statements.insert.run({ ...row, doc: JSON.stringify(row.doc) });
    this.generationCounter += 1;
    const stored = this.getResource(row.arn, row.kind);
    if (!stored) throw new Error(`resource ${row.arn} vanished after insert`);
    return stored;
  }

  /** Changes a resource's status, document or schedule (the stored row is read again first). */
  updateResource<K extends ResourceKind>(row: ResourceOf<K>, patch: ResourcePatch<K>): ResourceOf<K> {
    const current = this.getResource(row.arn, row.kind);
    if (!current) throw new Error(`resource ${row.arn} does not exist`);
    const next = {
      arn: row.arn,
      status: patch.status !== undefined ? patch.status : current.status,
      doc: JSON.stringify(patch.doc ?? current.doc),
      updatedAt: patch.updatedAt ?? current.updatedAt,
      nextAt: patch.nextAt !== undefined ? patch.nextAt : current.nextAt,
    };
    this.statements.update.run(next);
    this.generationCounter += 1;
    return {
      ...current,
      status: next.status,
      doc: patch.doc ?? current.doc,
      updatedAt: next.updatedAt,
      nextAt: next.nextAt,
    };
  }

  deleteResource(arn: string): void {
    this.transaction(() => {
      this.statements.delete.run(arn);
      this.statements.deleteTags.run(arn);
      this.statements.deleteModel.run(arn);
    });
    this.generationCounter += 1;
  }

  /** Resources of one kind, newest first, optionally under one parent or dataset group. */
  listResources<K extends ResourceKind>(
    kind: K,
    scope: { parentArn?: string; groupArn?: string } = {},
  ): ResourceOf<K>[] {
    const raws =
      scope.parentArn !== undefined
        ? this.statements.byKindParent.all(kind, scope.parentArn)
        : scope.groupArn !== undefined
          ? this.statements.byKindGroup.all(kind, scope.groupArn)
          : this.statements.byKind.all(kind);
    return raws.map(toRow) as ResourceOf<K>[];
  }

  /** Resources with a scheduled lifecycle step, soonest first. */
  scheduled(): ResourceRow[] {
    return this.statements.due.all().map(toRow);
  }

  tags(arn: string): Tag[] {
    return this.statements.tags.all(arn).map((t) => ({ tagKey: t.tag_key, tagValue: t.tag_value }));
  }

  putTags(arn: string, tags: readonly Tag[]): void {
    this.transaction(() => {
      for (const tag of tags) this.statements.putTag.run(arn, tag.tagKey, tag.tagValue);
    });
  }

  removeTags(arn: string, keys: readonly string[]): void {
    this.transaction(() => {
      for (const key of keys) this.statements.deleteTag.run(arn, key);
    });
  }

  /** The integer id rows of a dataset are stored under, or undefined when it has none yet. */
  private datasetId(datasetArn: string): number | undefined {
    return this.statements.datasetId.get(datasetArn)?.id;
  }

  /** The integer id of a dataset, given one on its first records. */
  private datasetIdFor(datasetArn: string): number {
    return (
      this.datasetId(datasetArn) ?? Number(this.statements.insertDataset.run(datasetArn).lastInsertRowid)
    );
  }

  /** Appends interactions to a dataset. */
  addInteractions(datasetArn: string, source: RecordSource, rows: readonly StoredInteraction[]): void {
    const nested = this.db.inTransaction;
    const ids: number[] = [];
    this.transaction(() => {
      const dataset = this.datasetIdFor(datasetArn);
      const stream = source === 'stream' ? 1 : 0;
      for (const r of rows) {
        const fields = Object.keys(r.fields).length > 0 ? JSON.stringify(r.fields) : null;
        const result = this.statements.insertInteraction.run(
          dataset,
          stream,
          r.userId,
          r.itemId,
          r.timestamp,
          r.eventType ?? null,
          r.eventValue ?? null,
          r.sessionId ?? null,
          r.eventId ?? null,
          r.recommendationId ?? null,
          r.impression ? JSON.stringify(r.impression) : null,
          fields,
        );
        ids.push(Number(result.lastInsertRowid));
      }
    });
    if (source !== 'stream') return;
    const remember = (): void =>
      rows.forEach((r, i) => this.rememberStreamed(datasetArn, { ...r, id: ids[i] ?? 0 }));
    // Inside an outer transaction the rows are not committed yet: remember them once it commits.
    if (nested) this.afterCommit.push(remember);
    else remember();
  }

  private streamedOf(datasetArn: string): Map<string, (StoredInteraction & { readonly id: number })[]> {
    let byKey = this.streamed.get(datasetArn);
    if (!byKey) {
      byKey = new Map();
      this.streamed.set(datasetArn, byKey);
      const dataset = this.datasetId(datasetArn);
      const raws = dataset === undefined ? [] : this.statements.streamedInteractions.all(dataset);
      for (const raw of raws) this.rememberStreamed(datasetArn, { ...toInteraction(raw), id: raw.id });
    }
    return byKey;
  }

  private rememberStreamed(datasetArn: string, row: StoredInteraction & { readonly id: number }): void {
    const byKey = this.streamed.get(datasetArn);
    if (!byKey) return; // loaded lazily on first use
    const keys =
      row.sessionId !== undefined && row.sessionId !== row.userId
        ? [row.userId, row.sessionId]
        : [row.userId];
    for (const key of keys) {
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
  }

  /** How many interactions have been streamed for a user or session (changes whenever one arrives). */
  streamedCount(datasetArn: string, userId: string): number {
    return this.streamedOf(datasetArn).get(userId)?.length ?? 0;
  }

  /**
   * Interactions streamed through PutEvents for a user or session after a watermark, ordered by
   * timestamp, oldest first, at most `limit` (the most recently stored). Served from memory.
   */
  streamedInteractions(
    datasetArn: string,
    userId: string,
    limit: number,
    afterId: number,
  ): StoredInteraction[] {
    const list = this.streamedOf(datasetArn).get(userId);
    if (!list) return [];
    const recent = list.filter((r) => r.id > afterId).slice(-limit);
    return recent.sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
  }

  /** Removes the bulk-imported interactions of a dataset (a FULL import replaces them). */
  clearBulkInteractions(datasetArn: string): void {
    const dataset = this.datasetId(datasetArn);
    if (dataset !== undefined) this.statements.deleteInteractions.run(dataset, 0);
  }

  /** All interactions of a dataset, oldest first. */
  interactions(datasetArn: string): StoredInteraction[] {
    const dataset = this.datasetId(datasetArn);
    return dataset === undefined ? [] : this.statements.interactions.all(dataset).map(toInteraction);
  }

  /** Id of the newest interaction row of a dataset (0 when empty): marks what a model was trained on. */
  interactionWatermark(datasetArn: string): number {
    const dataset = this.datasetId(datasetArn);
    return dataset === undefined ? 0 : (this.statements.maxInteractionId.get(dataset)?.id ?? 0);
  }

  /**
   * The `limit` most recently stored interactions of a user (matched by user id or session id),
   * ordered by timestamp, oldest first; with `afterId`, only rows stored after that watermark (see
   * {@link interactionWatermark}). Both lookups are index range scans.
   */
  userInteractions(datasetArn: string, userId: string, limit: number, afterId = 0): StoredInteraction[] {
    const dataset = this.datasetId(datasetArn);
    if (dataset === undefined) return [];
    const byUser = this.statements.userInteractionsByUser.all(dataset, userId, afterId, limit);
    const bySession = this.statements.userInteractionsBySession.all(dataset, userId, afterId, limit);
    const rows =
      bySession.length === 0
        ? byUser
        : [...new Map([...byUser, ...bySession].map((r) => [r.id, r])).values()];
    rows.sort((a, b) => b.ts - a.ts || b.id - a.id);
    return rows.slice(0, limit).reverse().map(toInteraction);
  }

  countInteractions(datasetArn: string): number {
    const dataset = this.datasetId(datasetArn);
    return dataset === undefined ? 0 : (this.statements.countInteractions.get(dataset)?.n ?? 0);
  }

  /** How many interactions a dataset holds of each event type (exact spelling; `''` for none). */
  interactionCountsByEventType(datasetArn: string): Map<string, number> {
    const dataset = this.datasetId(datasetArn);
    const rows = dataset === undefined ? [] : this.statements.countByEventType.all(dataset);
    return new Map(rows.map((r) => [r.event_type ?? '', r.n]));
  }

  /** Inserts or replaces item/user records. */
  upsertEntities(datasetArn: string, source: RecordSource, rows: readonly StoredEntity[]): void {
    this.transaction(() => {
      const dataset = this.datasetIdFor(datasetArn);
      const stream = source === 'stream' ? 1 : 0;
      for (const r of rows) this.statements.upsertEntity.run(dataset, r.id, stream, JSON.stringify(r.fields));
    });
    this.entityCounter += 1;
  }

  /** Removes the bulk-imported item/user records of a dataset. */
  clearBulkEntities(datasetArn: string): void {
    const dataset = this.datasetId(datasetArn);
    if (dataset !== undefined) this.statements.deleteEntities.run(dataset, 0);
    this.entityCounter += 1;
  }

  entities(datasetArn: string): StoredEntity[] {
    const dataset = this.datasetId(datasetArn);
    if (dataset === undefined) return [];
    return this.statements.entities
      .all(dataset)
      .map((r) => ({ id: r.entity_id, fields: JSON.parse(r.fields) as Record<string, unknown> }));
  }

  entity(datasetArn: string, id: string): StoredEntity | undefined {
    const dataset = this.datasetId(datasetArn);
    const raw = dataset === undefined ? undefined : this.statements.entity.get(dataset, id);
    return raw ? { id, fields: JSON.parse(raw.fields) as Record<string, unknown> } : undefined;
  }

  countEntities(datasetArn: string): number {
    const dataset = this.datasetId(datasetArn);
    return dataset === undefined ? 0 : (this.statements.countEntities.get(dataset)?.n ?? 0);
  }

  /** Drops every record of a dataset (when the dataset is deleted). */
  clearDataset(datasetArn: string): void {
    this.streamed.delete(datasetArn);
    this.transaction(() => {
      const dataset = this.datasetId(datasetArn);
      if (dataset === undefined) return;
      this.statements.deleteAllInteractions.run(dataset);
      this.statements.deleteAllEntities.run(dataset);
      this.statements.deleteDataset.run(datasetArn);
    });
    this.entityCounter += 1;
  }

  /** Stores a model in its packed form (./model-bytes.ts) with its offline metrics. */
  putModel(arn: string, model: Uint8Array, metrics: Record<string, number>): void {
    this.statements.putModel.run(arn, model, JSON.stringify(metrics));
  }

  /**
   * A stored model: its packed bytes (./model-bytes.ts), or, for a model stored by an emulator of the
   * first layout, its JSON text.
   */
  getModel(arn: string): { model: Uint8Array | string; metrics: Record<string, number> } | undefined {
    const raw = this.statements.getModel.get(arn);
    return raw ? { model: raw.model, metrics: JSON.parse(raw.metrics) as Record<string, number> } : undefined;
  }

  /** Adds values to a metric attribution's running totals (per metric and event attribution source). */
  addAttributionTotals(
    attributionArn: string,
    totals: readonly { metricName: string; source: string; value: number; samples: number }[],
  ): void {
    this.transaction(() => {
      for (const t of totals)
        this.statements.addTotal.run(attributionArn, t.metricName, t.source, t.value, t.samples);
    });
  }

  /** A metric attribution's running totals. */
  attributionTotals(
    attributionArn: string,
  ): { metricName: string; source: string; value: number; samples: number }[] {
    return this.statements.totals
      .all(attributionArn)
      .map((r) => ({ metricName: r.metric_name, source: r.source, value: r.value, samples: r.samples }));
  }

  /** Drops a metric attribution's totals (when it is deleted). */
  clearAttributionTotals(attributionArn: string): void {
    this.statements.deleteTotals.run(attributionArn);
  }

  /** Queues a report to publish (CloudWatch metric data, an S3 object); committed with the caller's transaction. */
  enqueueReport(target: string, payload: unknown): void {
    this.statements.enqueue.run(target, JSON.stringify(payload));
  }

  /** The oldest queued reports. */
  queuedReports(limit: number): { id: number; target: string; payload: unknown }[] {
    return this.statements.outbox
      .all(limit)
      .map((r) => ({ id: r.id, target: r.target, payload: JSON.parse(r.payload) as unknown }));
  }

  /** Removes a published report from the queue. */
  dequeueReport(id: number): void {
    this.statements.dequeue.run(id);
  }

  /** Deletes everything (admin reset). */
  reset(): void {
    this.db.exec(
      'DELETE FROM resources; DELETE FROM tags; DELETE FROM interactions; DELETE FROM entities; DELETE FROM datasets; DELETE FROM models; DELETE FROM attribution_totals; DELETE FROM attribution_outbox;',
    );
    this.streamed.clear();
    this.generationCounter += 1;
    this.entityCounter += 1;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }
}
