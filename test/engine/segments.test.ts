import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  decodeModel,
  deserializeModel,
  encodeModel,
  EngineError,
  isSegmentingModel,
  parseItemAttributes,
  serializeModel,
  train,
  type Interaction,
  type ItemRecord,
  type SegmentingModel,
  type TrainingData,
} from '../../local/engine';
import { sampleDataGroundTruth } from '../../scripts/generate-sample-data';
import { catalogue, histories, twoClusters } from './fixtures';

const ROOT = join(__dirname, '..', '..');

function csv(name: string): string[][] {
  const [, ...rows] = parse(readFileSync(join(ROOT, 'sample-data', name), 'utf8'), {
    relax_column_count: true,
  }) as string[][];
  return rows;
}

/** The committed sample data (planted category preferences per user segment). */
function sampleData(): TrainingData {
  const interactions: Interaction[] = csv('interactions.csv').map(
    ([userId = '', itemId = '', ts = '', eventType = '']) => ({
      userId,
      itemId,
      timestamp: Number(ts),
      eventType,
    }),
  );
  const items: ItemRecord[] = csv('items.csv').map(
    ([itemId = '', l1 = '', l2 = '', brand = '', price = '']) => ({
      itemId,
      fields: { CATEGORY_L1: l1, CATEGORY_L2: l2, BRAND: brand, PRICE: Number(price) },
    }),
  );
  return { interactions, items, users: [] };
}

function segmenting(model: unknown): SegmentingModel {
  if (!isSegmentingModel(model)) throw new Error('not a segmenting model');
  return model;
}

describe('aws-item-affinity', () => {
  it('ranks the users of an item and of its co-occurring items first', () => {
    const model = segmenting(train(twoClusters(), { recipe: 'aws-item-affinity' }));
    const segment = model.segment({ itemId: 's1', numResults: 6 });
    expect(segment.map((u) => u.userId).sort()).toEqual([
      'shoe0',
      'shoe1',
      'shoe2',
      'shoe3',
      'shoe4',
      'shoe5',
    ]);
    expect(segment[0]?.score).toBe(1);
    expect(segment.every((u, k) => k === 0 || u.score <= (segment[k - 1]?.score ?? 1))).toBe(true);
  });

  it('reaches users who never touched the item through its neighbours', () => {
    // s5 was only bought by one shoe person; the other shoe people still come before bag people.
    const data = twoClusters();
    data.interactions.push({ userId: 'shoe0', itemId: 's5', timestamp: 1_800_000_000, eventType: 'click' });
    const model = segmenting(train(data, { recipe: 'aws-item-affinity' }));
    const users = model.segment({ itemId: 's5', numResults: 6 }).map((u) => u.userId);
    expect(users[0]).toBe('shoe0');
    expect(users.filter((u) => u.startsWith('shoe'))).toHaveLength(6);
  });

  it('honours numResults and the user filter, and returns nothing for an unknown item', () => {
    const model = segmenting(train(twoClusters(), { recipe: 'aws-item-affinity' }));
    expect(model.segment({ itemId: 'pop', numResults: 3 })).toHaveLength(3);
    const filtered = model.segment({ itemId: 's1', numResults: 50, userFilter: (u) => u !== 'shoe0' });
    expect(filtered.map((u) => u.userId)).not.toContain('shoe0');
    expect(model.segment({ itemId: 'nope', numResults: 10 })).toEqual([]);
  });

  it('survives serializeModel / JSON / deserializeModel with identical segments', () => {
    const model = train(twoClusters(), { recipe: 'arn:aws:personalize:::recipe/aws-item-affinity' });
    const restored = deserializeModel(JSON.parse(JSON.stringify(serializeModel(model))));
    expect(segmenting(restored).segment({ itemId: 'b2', numResults: 10 })).toEqual(
      segmenting(model).segment({ itemId: 'b2', numResults: 10 }),
    );
  });

  it('survives the binary codec with identical segments', () => {
    const model = train(twoClusters(), { recipe: 'aws-item-attribute-affinity' });
    const restored = deserializeModel(decodeModel(encodeModel(serializeModel(model))));
    const query = { itemAttributes: 'ITEMS.GENRE = "shoes"', numResults: 10 };
    expect(segmenting(restored).segment(query)).toEqual(segmenting(model).segment(query));
  });

  it('recommends items for a user from the same affinity (used by the offline metrics)', () => {
    const model = train(twoClusters(), { recipe: 'aws-item-affinity' });
    const items = model.recommend({
      userId: 'fan0',
      numResults: 3,
      recentInteractions: histories({ fan0: ['s1'] }),
    });
    expect(items[0]?.itemId).toMatch(/^s/);
  });
});

describe('aws-item-attribute-affinity', () => {
  it('segments the users of items with an attribute', () => {
    const model = segmenting(train(twoClusters(), { recipe: 'aws-item-attribute-affinity' }));
    const users = model
      .segment({ itemAttributes: 'ITEMS.GENRE = "bags"', numResults: 6 })
      .map((u) => u.userId);
    expect(users.sort()).toEqual(['bag0', 'bag1', 'bag2', 'bag3', 'bag4', 'bag5']);
  });

  it('parses AND-joined conditions with escaped quotes and numbers', () => {
    expect(
      parseItemAttributes('ITEMS.genres = "Comedy" AND items.price = 10 AND ITEMS.T = "a \\"b\\""'),
    ).toEqual([
      { column: 'GENRES', value: 'Comedy' },
      { column: 'PRICE', value: '10' },
      { column: 'T', value: 'a "b"' },
    ]);
    expect(() => parseItemAttributes('GENRE = "x"')).toThrow(EngineError);
    expect(() => parseItemAttributes('ITEMS.GENRE = "x" OR ITEMS.GENRE = "y"')).toThrow(/joined by AND/);
  });

  it('refuses a column the Items dataset does not have', () => {
    const data = { ...twoClusters(), items: catalogue({ s1: 'shoes' }) };
    const model = segmenting(train(data, { recipe: 'aws-item-attribute-affinity' }));
    expect(() => model.segment({ itemAttributes: 'ITEMS.COLOUR = "red"', numResults: 5 })).toThrow(
      /no column COLOUR/,
    );
  });
});

describe('segments on the sample data (planted category preferences)', () => {
  const data = sampleData();
  const categoryOf = new Map(data.items.map((item) => [item.itemId, item.fields.CATEGORY_L1 as string]));
  const bought = new Map<string, Set<string>>();
  for (const i of data.interactions) {
    if (i.eventType !== 'purchase') continue;
    const set = bought.get(i.userId) ?? new Set<string>();
    set.add(categoryOf.get(i.itemId) as string);
    bought.set(i.userId, set);
  }
  const users = [...new Set(data.interactions.map((i) => i.userId))];
  const truth = sampleDataGroundTruth();
  const popular = new Set(truth.popularItems);
  const counts = new Map<string, number>();
  for (const i of data.interactions) counts.set(i.itemId, (counts.get(i.itemId) ?? 0) + 1);
  const categories = [...new Set(categoryOf.values())].sort();
  const TOP = 100;

  /** Share of `userIds` who bought in `category`. */
  const boughtShare = (userIds: readonly string[], category: string): number =>
    userIds.filter((u) => bought.get(u)?.has(category)).length / userIds.length;
  /** Share of `userIds` whose planted segment prefers `category`. */
  const plantedShare = (userIds: readonly string[], category: string): number => {
    const fans = new Set(
      truth.segments.filter((s) => s.categories.includes(category)).flatMap((s) => s.userIds),
    );
    return userIds.filter((u) => fans.has(u)).length / userIds.length;
  };

  it(`an item-affinity segment of an item of one category is dominated by users who bought in that category`, () => {
    const model = segmenting(train(data, { recipe: 'aws-item-affinity' }));
    const rows = categories.map((category) => {
      // The category's best-selling item that is not one of the items popular with everyone.
      const item = [...categoryOf.entries()]
        .filter(([id, c]) => c === category && !popular.has(id))
        .sort(
          (a, b) => (counts.get(b[0]) ?? 0) - (counts.get(a[0]) ?? 0) || (a[0] < b[0] ? -1 : 1),
        )[0]?.[0] as string;
      const segment = model.segment({ itemId: item, numResults: TOP }).map((u) => u.userId);
      return {
        category,
        item,
        size: segment.length,
        bought: boughtShare(segment, category),
        baseBought: boughtShare(users, category),
        planted: plantedShare(segment, category),
        basePlanted: plantedShare(users, category),
      };
    });
    console.log(
      'item-affinity top-100 segments on sample-data:\n' +
        rows
          .map(
            (r) =>
              `${r.category.padEnd(12)} ${r.item}  bought in category ${(100 * r.bought).toFixed(0)}% (base ${(100 * r.baseBought).toFixed(0)}%)  planted fans ${(100 * r.planted).toFixed(0)}% (base ${(100 * r.basePlanted).toFixed(0)}%)`,
          )
          .join('\n'),
    );
    for (const r of rows) {
      expect(r.size).toBe(TOP);
      expect(r.bought).toBeGreaterThanOrEqual(0.7);
      expect(r.bought).toBeGreaterThan(r.baseBought);
      expect(r.planted).toBeGreaterThanOrEqual(0.7);
    }
  });

  it('an attribute-affinity segment of a category is dominated by that category’s planted fans', () => {
    const model = segmenting(train(data, { recipe: 'aws-item-attribute-affinity' }));
    for (const category of categories) {
      const segment = model
        .segment({ itemAttributes: `ITEMS.CATEGORY_L1 = "${category}"`, numResults: TOP })
        .map((u) => u.userId);
      expect(segment).toHaveLength(TOP);
      expect(plantedShare(segment, category)).toBeGreaterThanOrEqual(0.8);
      expect(boughtShare(segment, category)).toBeGreaterThanOrEqual(0.7);
    }
  });
});

describe('segments predict who interacts next (held-out last 14 days of the sample data)', () => {
  it('an item-affinity segment finds the item’s future users at least as well as the category’s most active users, and the category’s future buyers far better than the most active users', () => {
    const data = sampleData();
    const cutoff = Math.max(...data.interactions.map((i) => i.timestamp)) - 14 * 86_400;
    const past = data.interactions.filter((i) => i.timestamp < cutoff);
    const future = data.interactions.filter((i) => i.timestamp >= cutoff);
    const categoryOf = new Map(data.items.map((item) => [item.itemId, item.fields.CATEGORY_L1 as string]));
    const model = segmenting(train({ ...data, interactions: past }, { recipe: 'aws-item-affinity' }));
    const activity = new Map<string, number>();
    for (const i of past) activity.set(i.userId, (activity.get(i.userId) ?? 0) + 1);
    const mostActive = [...activity.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 100)
      .map(([u]) => u);
    const counts = new Map<string, number>();
    for (const i of past) counts.set(i.itemId, (counts.get(i.itemId) ?? 0) + 1);
    const popular = new Set(sampleDataGroundTruth().popularItems);
    const categories = [...new Set(categoryOf.values())].sort();
    let ours = 0;
    let baseline = 0;
    let categoryFans = 0;
    let itemOurs = 0;
    let itemFans = 0;
    for (const category of categories) {
      const item = [...categoryOf.entries()]
        .filter(([id, c]) => c === category && !popular.has(id))
        .sort((a, b) => (counts.get(b[0]) ?? 0) - (counts.get(a[0]) ?? 0) || (a[0] < b[0] ? -1 : 1))[0]?.[0];
      const buyers = new Set(
        future
          .filter((i) => i.eventType === 'purchase' && categoryOf.get(i.itemId) === category)
          .map((i) => i.userId),
      );
      const segment = model.segment({ itemId: item as string, numResults: 100 }).map((u) => u.userId);
      ours += segment.filter((u) => buyers.has(u)).length;
      const itemUsers = new Set(future.filter((i) => i.itemId === item).map((i) => i.userId));
      itemOurs += segment.filter((u) => itemUsers.has(u)).length;
      const inCategory = new Map<string, number>();
      for (const i of past)
        if (categoryOf.get(i.itemId) === category)
          inCategory.set(i.userId, (inCategory.get(i.userId) ?? 0) + 1);
      categoryFans += [...inCategory.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 100)
        .filter(([u]) => buyers.has(u)).length;
      itemFans += [...inCategory.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 100)
        .filter(([u]) => itemUsers.has(u)).length;
      baseline += mostActive.filter((u) => buyers.has(u)).length;
    }
    console.log(
      `future category buyers among 8 top-100 segments: item-affinity ${ours}, 100 most active users ${baseline}, 100 most active in the category ${categoryFans}; future users of the item: ${itemOurs} vs ${itemFans}`,
    );
    expect(ours).toBeGreaterThan(2 * baseline);
    expect(ours).toBeGreaterThanOrEqual(0.95 * categoryFans);
    expect(itemOurs).toBeGreaterThanOrEqual(itemFans);
  });
});

describe('legacy HRNN recipes', () => {
  it.each(['aws-hrnn', 'aws-hrnn-metadata', 'aws-hrnn-coldstart'])(
    '%s trains the user-personalization model',
    (recipe) => {
      const data = twoClusters();
      const legacy = train(data, { recipe: `arn:aws:personalize:::recipe/${recipe}` });
      const current = train(data, { recipe: 'aws-user-personalization' });
      expect(legacy.recommend({ userId: 'shoe0', numResults: 5 })).toEqual(
        current.recommend({ userId: 'shoe0', numResults: 5 }),
      );
      const restored = deserializeModel(JSON.parse(JSON.stringify(serializeModel(legacy))));
      expect(restored.recommend({ userId: 'bag0', numResults: 5 }).length).toBeGreaterThan(0);
    },
  );
});
