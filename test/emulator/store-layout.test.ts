import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeModel, train } from '../../local/engine';
import { packModel, unpackModel } from '../../local/emulator/model-bytes';
import { Store } from '../../local/emulator/store';

const DATASET = 'arn:aws:personalize:us-east-1:123456789012:dataset/old-group/INTERACTIONS';
const ITEMS = 'arn:aws:personalize:us-east-1:123456789012:dataset/old-group/ITEMS';

/** The tables of the first layout, as an emulator before the compact layout wrote them. */
const V1_SQL = `
CREATE TABLE interactions (id INTEGER PRIMARY KEY, dataset_arn TEXT NOT NULL, source TEXT NOT NULL, user_id TEXT NOT NULL,
  item_id TEXT NOT NULL, ts REAL NOT NULL, event_type TEXT, event_value REAL, session_id TEXT, event_id TEXT,
  recommendation_id TEXT, impression TEXT, fields TEXT NOT NULL);
CREATE INDEX interactions_user ON interactions(dataset_arn, user_id, id);
CREATE INDEX interactions_session ON interactions(dataset_arn, session_id, id);
CREATE TABLE entities (dataset_arn TEXT NOT NULL, entity_id TEXT NOT NULL, source TEXT NOT NULL, fields TEXT NOT NULL,
  PRIMARY KEY (dataset_arn, entity_id));
CREATE TABLE models (arn TEXT PRIMARY KEY, model TEXT NOT NULL, metrics TEXT NOT NULL);
`;

describe('the state database layout', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'personalize-layout-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a database of the first layout is migrated on open, keeping row ids, records and JSON models', () => {
    // Prepare
    const model = serializeModel(
      train(
        {
          interactions: [
            { userId: 'u1', itemId: 'a', timestamp: 1 },
            { userId: 'u2', itemId: 'b', timestamp: 2 },
          ],
          items: [],
          users: [],
        },
        { recipe: 'aws-popularity-count' },
      ),
    );
    const old = new Database(join(dir, 'personalize.db'));
    old.exec(V1_SQL);
    old
      .prepare('INSERT INTO interactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(7, DATASET, 'bulk', 'u1', 'a', 1, 'click', null, null, null, null, null, '{}');
    old
      .prepare('INSERT INTO interactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(9, DATASET, 'stream', 'u1', 'b', 2, 'watch', 4, 's1', 'e1', null, '["a"]', '{"X":1}');
    old.prepare('INSERT INTO entities VALUES (?, ?, ?, ?)').run(ITEMS, 'a', 'bulk', '{"GENRE":"drama"}');
    old.prepare('INSERT INTO models VALUES (?, ?, ?)').run('v1', JSON.stringify(model), '{"coverage":1}');
    old.close();

    // Act
    const store = new Store({ dataDir: dir, synchronous: 'NORMAL' });

    // Assess
    expect(store.interactionWatermark(DATASET)).toBe(9);
    expect(store.interactions(DATASET)).toEqual([
      { userId: 'u1', itemId: 'a', timestamp: 1, eventType: 'click', fields: {} },
      {
        userId: 'u1',
        itemId: 'b',
        timestamp: 2,
        eventType: 'watch',
        eventValue: 4,
        sessionId: 's1',
        eventId: 'e1',
        impression: ['a'],
        fields: { X: 1 },
      },
    ]);
    expect(store.streamedCount(DATASET, 's1')).toBe(1);
    expect(store.entity(ITEMS, 'a')).toEqual({ id: 'a', fields: { GENRE: 'drama' } });
    const stored = store.getModel('v1');
    expect(stored?.metrics).toEqual({ coverage: 1 });
    expect(unpackModel(stored?.model ?? '')).toEqual(model);
    store.putModel('v2', packModel(model), {});
    expect(unpackModel(store.getModel('v2')?.model ?? '')).toEqual(JSON.parse(JSON.stringify(model)));
    store.close();
  });
});
