import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { checkHeader, checkMinimumData, createRowChecker, type RowProblem } from '../../core/dataset-rules';
import { parseSchema } from '../../core/schema-rules';
import {
  generateSampleData,
  SAMPLE_DATA_FILES,
  sampleDataGroundTruth,
  type SampleDataTruth,
} from '../../scripts/generate-sample-data';

const ROOT = join(__dirname, '..', '..');
const DAY = 86_400;

interface CsvFile {
  readonly text: string;
  readonly header: string[];
  readonly rows: string[][];
}

function readCsv(name: string): CsvFile {
  const text = readFileSync(join(ROOT, 'sample-data', name), 'utf8');
  const [header = [], ...rows] = parse(text, { relax_column_count: true }) as string[][];
  return { text, header, rows };
}

interface Interaction {
  readonly userId: string;
  readonly itemId: string;
  readonly timestamp: number;
  readonly eventType: string;
  readonly eventValue: string;
  readonly impression: string;
  readonly recommendationId: string;
}

function toInteraction(row: string[]): Interaction {
  const [userId = '', itemId = '', ts = '', eventType = '', eventValue = '', impression = '', recommendationId = ''] =
    row;
  return { userId, itemId, timestamp: Number(ts), eventType, eventValue, impression, recommendationId };
}

const files = {
  users: readCsv('users.csv'),
  items: readCsv('items.csv'),
  interactions: readCsv('interactions.csv'),
};
const interactions = files.interactions.rows.map(toInteraction);
const itemsById = new Map(
  files.items.rows.map(([id = '', l1 = '', l2 = '', , price = '', created = '']) => [
    id,
    { l1, l2, price: Number(price), createdAt: Number(created) },
  ]),
);
const truth: SampleDataTruth = sampleDataGroundTruth();

/** Set of `user|item` keys for events of a type. */
function pairsOf(eventType: string): Set<string> {
  return new Set(interactions.filter((e) => e.eventType === eventType).map((e) => `${e.userId}|${e.itemId}`));
}

describe('committed sample data files', () => {
  const cases = [
    ['users.csv', 'users.json'],
    ['items.csv', 'items.json'],
    ['interactions.csv', 'interactions.json'],
  ] as const;

  it.each(cases)('%s has a header matching its schema', (csv, schema) => {
    // Prepare
    const { fields } = parseSchema(readFileSync(join(ROOT, 'schemas', schema), 'utf8'));
    // Act
    const problems = checkHeader(readCsv(csv).header, fields);
    // Assess
    expect(problems).toEqual([]);
  });

  it.each(cases)('every row of %s passes the row checker', (csv, schema) => {
    // Prepare
    const { fields } = parseSchema(readFileSync(join(ROOT, 'schemas', schema), 'utf8'));
    const { header, rows } = readCsv(csv);
    const check = createRowChecker(fields, header);
    // Act
    const problems: RowProblem[] = [];
    rows.forEach((row, i) => {
      const problem = check(row, i + 2);
      if (problem !== undefined && problems.length < 5) problems.push(problem);
    });
    // Assess
    expect(problems).toEqual([]);
  });

  it('uses \\n line endings and ends with a newline', () => {
    for (const file of Object.values(files)) {
      expect(file.text).not.toContain('\r');
      expect(file.text.endsWith('\n')).toBe(true);
    }
  });

  it('quotes descriptions that contain commas or quotes', () => {
    // Assess: raw text has quoted cells, and parsing restores commas and inner quotes.
    expect(files.items.text).toMatch(/,"[^"\n]*,/);
    const descriptions = files.items.rows.map((row) => row[6] ?? '');
    expect(descriptions.filter((d) => d.includes(',')).length).toBeGreaterThan(500);
    expect(descriptions.some((d) => d.includes('"'))).toBe(true);
    expect(descriptions.filter((d) => d === '').length).toBeGreaterThan(0);
  });

  it('has about 1,500 users, 800 items and 50k–80k interactions', () => {
    expect(files.users.rows.length).toBeGreaterThanOrEqual(1400);
    expect(files.users.rows.length).toBeLessThanOrEqual(1600);
    expect(files.items.rows.length).toBeGreaterThanOrEqual(750);
    expect(files.items.rows.length).toBeLessThanOrEqual(850);
    expect(interactions.length).toBeGreaterThanOrEqual(50_000);
    expect(interactions.length).toBeLessThanOrEqual(80_000);
  });

  it('meets the minimum data rules for training', () => {
    expect(checkMinimumData(interactions)).toBeUndefined();
  });

  it('uses ids like user-0001 and item-0001', () => {
    expect(files.users.rows.every(([id]) => /^user-\d{4}$/.test(id ?? ''))).toBe(true);
    expect(files.items.rows.every(([id]) => /^item-\d{4}$/.test(id ?? ''))).toBe(true);
  });
});

describe('interactions', () => {
  it('refer only to users and items that exist', () => {
    // Prepare
    const userIds = new Set(files.users.rows.map(([id]) => id));
    // Act
    const unknownUsers = interactions.filter((e) => !userIds.has(e.userId));
    const unknownItems = interactions.filter((e) => !itemsById.has(e.itemId));
    // Assess
    expect(unknownUsers).toEqual([]);
    expect(unknownItems).toEqual([]);
  });

  it('lie in the 90 days ending 2026-09-30T00:00:00Z', () => {
    const end = Date.UTC(2026, 8, 30) / 1000;
    expect(interactions.every((e) => e.timestamp >= end - 90 * DAY && e.timestamp < end)).toBe(true);
    expect(truth.epoch).toEqual({ start: end - 90 * DAY, end, trendStart: end - 14 * DAY });
  });

  it('are sorted by timestamp, then user', () => {
    const outOfOrder = interactions.findIndex((e, i) => {
      const prev = interactions[i - 1];
      return prev !== undefined && (prev.timestamp > e.timestamp || (prev.timestamp === e.timestamp && prev.userId > e.userId));
    });
    expect(outOfOrder).toBe(-1);
  });

  it('use only the view, cart and purchase event types', () => {
    expect(new Set(interactions.map((e) => e.eventType))).toEqual(new Set(['view', 'cart', 'purchase']));
  });

  it('follow the funnel: a purchase or cart always comes after a view of the same item by the same user', () => {
    // Prepare
    const viewed = new Set<string>();
    const orphans: Interaction[] = [];
    // Act
    for (const e of interactions) {
      const key = `${e.userId}|${e.itemId}`;
      if (e.eventType === 'view') viewed.add(key);
      else if (!viewed.has(key)) orphans.push(e);
    }
    // Assess
    expect(orphans).toEqual([]);
  });

  it('carry the item price as EVENT_VALUE on purchases only', () => {
    const purchases = interactions.filter((e) => e.eventType === 'purchase');
    expect(purchases.every((e) => Number(e.eventValue) === itemsById.get(e.itemId)?.price)).toBe(true);
    expect(interactions.filter((e) => e.eventType !== 'purchase').every((e) => e.eventValue === '')).toBe(true);
  });

  it('convert about 25% of views to carts and 40% of carts to purchases', () => {
    const count = (type: string): number => interactions.filter((e) => e.eventType === type).length;
    const cartRate = count('cart') / count('view');
    const purchaseRate = count('purchase') / count('cart');
    expect(cartRate).toBeGreaterThan(0.2);
    expect(cartRate).toBeLessThan(0.32);
    expect(purchaseRate).toBeGreaterThan(0.35);
    expect(purchaseRate).toBeLessThan(0.5);
  });

  it('set IMPRESSION and RECOMMENDATION_ID together on a small share of views, listing the viewed item', () => {
    // Prepare
    const withImpression = interactions.filter((e) => e.impression !== '');
    // Assess
    expect(withImpression.length / interactions.length).toBeGreaterThan(0.01);
    expect(withImpression.length / interactions.length).toBeLessThan(0.1);
    expect(interactions.every((e) => (e.impression === '') === (e.recommendationId === ''))).toBe(true);
    expect(withImpression.every((e) => e.eventType === 'view')).toBe(true);
    expect(withImpression.every((e) => e.impression.split('|').includes(e.itemId))).toBe(true);
    expect(withImpression.every((e) => e.impression.split('|').every((id) => itemsById.has(id)))).toBe(true);
  });

  it('never involve an item before its CREATION_TIMESTAMP', () => {
    const early = interactions.filter((e) => e.timestamp < (itemsById.get(e.itemId)?.createdAt ?? Infinity));
    expect(early).toEqual([]);
  });
});

describe('the generator', () => {
  it('reproduces the committed files byte for byte', () => {
    // Prepare
    const outDir = mkdtempSync(join(tmpdir(), 'sample-data-'));
    try {
      // Act
      generateSampleData(outDir);
      // Assess
      for (const name of SAMPLE_DATA_FILES) {
        const fresh = readFileSync(join(outDir, name));
        const committed = readFileSync(join(ROOT, 'sample-data', name));
        expect({ name, identical: fresh.equals(committed) }).toEqual({ name, identical: true });
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('the planted structure', () => {
  const segmentOf = new Map(truth.segments.flatMap((s) => s.userIds.map((u) => [u, s] as const)));

  it('puts every user in exactly one segment', () => {
    const assigned = truth.segments.flatMap((s) => s.userIds);
    expect(assigned.length).toBe(files.users.rows.length);
    expect(new Set(assigned).size).toBe(files.users.rows.length);
    expect(truth.segments.length).toBeGreaterThanOrEqual(6);
    expect(truth.segments.length).toBeLessThanOrEqual(8);
  });

  it('users of a segment interact mostly with that segment\'s categories', () => {
    for (const segment of truth.segments) {
      // Prepare
      const inSegment = (e: Interaction): boolean => segment.categories.includes(itemsById.get(e.itemId)?.l1 ?? '');
      const members = interactions.filter((e) => segmentOf.get(e.userId) === segment);
      const others = interactions.filter((e) => segmentOf.get(e.userId) !== segment);
      // Act
      const memberShare = members.filter(inSegment).length / members.length;
      const otherShare = others.filter(inSegment).length / others.length;
      // Assess
      expect({ segment: segment.name, mostly: memberShare > 0.6 }).toEqual({ segment: segment.name, mostly: true });
      expect({ segment: segment.name, lift: memberShare > 2 * otherShare }).toEqual({
        segment: segment.name,
        lift: true,
      });
    }
  });

  it('co-purchase pairs co-occur far more than chance', () => {
    // Prepare
    const purchased = pairsOf('purchase');
    const buyers = new Set(interactions.filter((e) => e.eventType === 'purchase').map((e) => e.userId));
    let both = 0;
    let primaryBuyers = 0;
    let expectedByChance = 0;
    // Act
    for (const { primary, accessory } of truth.coPurchasePairs) {
      const boughtPrimary = [...buyers].filter((u) => purchased.has(`${u}|${primary}`));
      const accessoryRate = [...buyers].filter((u) => purchased.has(`${u}|${accessory}`)).length / buyers.size;
      primaryBuyers += boughtPrimary.length;
      both += boughtPrimary.filter((u) => purchased.has(`${u}|${accessory}`)).length;
      expectedByChance += boughtPrimary.length * accessoryRate;
    }
    // Assess
    expect(truth.coPurchasePairs.length).toBeGreaterThanOrEqual(20);
    expect(primaryBuyers).toBeGreaterThan(100);
    expect(both / primaryBuyers).toBeGreaterThan(0.3);
    expect(both).toBeGreaterThan(10 * expectedByChance);
  });

  it('accessories are bought soon after their primary item', () => {
    // Prepare
    const firstPurchase = new Map<string, number>();
    for (const e of interactions) {
      const key = `${e.userId}|${e.itemId}`;
      if (e.eventType === 'purchase' && !firstPurchase.has(key)) firstPurchase.set(key, e.timestamp);
    }
    const gaps: number[] = [];
    // Act
    for (const { primary, accessory } of truth.coPurchasePairs) {
      for (const [key, t] of firstPurchase) {
        if (!key.endsWith(`|${primary}`)) continue;
        const user = key.slice(0, key.indexOf('|'));
        const after = firstPurchase.get(`${user}|${accessory}`);
        if (after !== undefined) gaps.push(after - t);
      }
    }
    // Assess
    const soon = gaps.filter((g) => g > 0 && g < 3600).length;
    expect(gaps.length).toBeGreaterThan(30);
    expect(soon / gaps.length).toBeGreaterThan(0.8);
  });

  it('popular items are popular with every segment', () => {
    for (const itemId of truth.popularItems) {
      const segments = new Set(interactions.filter((e) => e.itemId === itemId).map((e) => segmentOf.get(e.userId)));
      expect({ itemId, segments: segments.size }).toEqual({ itemId, segments: truth.segments.length });
    }
  });

  it('trending items are seen far more often per day in the last two weeks than before', () => {
    // Prepare
    const trending = new Set(truth.trendingItems);
    const events = interactions.filter((e) => trending.has(e.itemId));
    const { start, end, trendStart } = truth.epoch;
    // Act
    const recentPerDay = events.filter((e) => e.timestamp >= trendStart).length / ((end - trendStart) / DAY);
    const earlierPerDay = events.filter((e) => e.timestamp < trendStart).length / ((trendStart - start) / DAY);
    // Assess
    expect(truth.trendingItems.length).toBeGreaterThanOrEqual(3);
    expect(recentPerDay).toBeGreaterThan(5 * earlierPerDay);
  });

  it('about 10% of items are new: created in the last two weeks and then interacted with', () => {
    // Prepare
    const { end, trendStart } = truth.epoch;
    const created = [...itemsById.entries()].filter(([, it]) => it.createdAt >= trendStart).map(([id]) => id);
    const interacted = new Set(interactions.map((e) => e.itemId));
    // Assess
    expect(created.sort()).toEqual([...truth.newItems].sort());
    expect(created.length / itemsById.size).toBeCloseTo(0.1, 1);
    expect(created.every((id) => (itemsById.get(id)?.createdAt ?? end) < end)).toBe(true);
    expect(created.filter((id) => interacted.has(id)).length).toBeGreaterThan(created.length / 2);
  });
});
