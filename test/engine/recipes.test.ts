import { EngineError, SUPPORTED_RECIPES, deserializeModel, serializeModel, train } from '../../local/engine';
import type { Interaction, Model, SerializedModel } from '../../local/engine';
import { catalogue, crowd, histories, ids, twoClusters } from './fixtures';

const DAY = 86_400;

describe('aws-popularity-count', () => {
  it('orders items by interaction count', () => {
    // Prepare
    const data = {
      interactions: histories({ u1: ['a', 'b', 'c'], u2: ['a', 'b'], u3: ['a'] }),
      items: [],
      users: [],
    };

    // Act
    const model = train(data, { recipe: 'aws-popularity-count' });

    // Assess
    expect(ids(model.recommend({ numResults: 10 }))).toEqual(['a', 'b', 'c']);
  });

  it('counts only the configured event type', () => {
    // Prepare
    const interactions = [
      ...histories({ u1: ['a'], u2: ['a'], u3: ['a'] }, 1000, 'click'),
      ...histories({ u1: ['b'], u2: ['b'] }, 1000, 'purchase'),
    ];

    // Act
    const model = train(
      { interactions, items: [], users: [] },
      { recipe: 'aws-popularity-count', eventType: 'purchase' },
    );

    // Assess
    expect(ids(model.recommend({ numResults: 10 }))).toEqual(['b']);
  });

  it('drops events below the event value threshold', () => {
    // Prepare
    const interactions: Interaction[] = [
      { userId: 'u1', itemId: 'cheap', timestamp: 1, eventValue: 1 },
      { userId: 'u2', itemId: 'cheap', timestamp: 2, eventValue: 2 },
      { userId: 'u1', itemId: 'loved', timestamp: 3, eventValue: 5 },
    ];

    // Act
    const model = train(
      { interactions, items: [], users: [] },
      { recipe: 'aws-popularity-count', eventValueThreshold: 4 },
    );

    // Assess
    expect(ids(model.recommend({ numResults: 10 }))).toEqual(['loved']);
  });

  it('skips items the candidate filter rejects and still fills numResults', () => {
    // Prepare
    const data = {
      interactions: histories({ u1: ['a', 'b', 'c', 'd'], u2: ['a', 'b', 'c'], u3: ['a', 'b'] }),
      items: [],
      users: [],
    };
    const model = train(data, { recipe: 'aws-popularity-count' });

    // Act
    const results = model.recommend({ numResults: 2, candidateFilter: (itemId) => itemId !== 'a' });

    // Assess
    expect(ids(results)).toEqual(['b', 'c']);
    expect(results[0]?.score).toBe(1);
  });
});

describe('aws-trending-now', () => {
  it('ranks the item whose interactions grew in the latest window first, ahead of a steadily popular item', () => {
    // Prepare: "steady" is popular in both days, "rising" jumps from 1 to 5 interactions on the last day.
    const end = 1_700_000_000;
    const at = (userId: string, itemId: string, daysAgo: number): Interaction => ({
      userId,
      itemId,
      timestamp: end - daysAgo * DAY,
    });
    const interactions = [
      ...['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((u) => at(u, 'steady', 1.5)),
      ...['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((u) => at(u, 'steady', 0.5)),
      at('u1', 'rising', 1.5),
      ...['u2', 'u3', 'u4', 'u5', 'u6'].map((u) => at(u, 'rising', 0.2)),
      at('u7', 'fading', 1.2),
      at('u8', 'fading', 1.3),
      at('u9', 'now', 0),
    ];

    // Act
    const model = train({ interactions, items: [], users: [] }, { recipe: 'aws-trending-now' });
    const results = model.recommend({ numResults: 10 });

    // Assess
    expect(ids(results).slice(0, 2)).toEqual(['rising', 'now']);
    expect(ids(results).indexOf('steady')).toBeLessThan(ids(results).indexOf('fading'));
  });

  it('uses trend_discovery_frequency as the window length', () => {
    // Prepare: "hour" rose within the last hour; "day" rose over the last day but not within the hour.
    const end = 1_700_000_000;
    const interactions: Interaction[] = [
      ...[1, 2, 3].map((k) => ({ userId: `h${k}`, itemId: 'hour', timestamp: end - 60 * k })),
      ...[1, 2, 3, 4, 5, 6].map((k) => ({
        userId: `d${k}`,
        itemId: 'day',
        timestamp: end - 3 * 3600 - 60 * k,
      })),
    ];
    const data = { interactions, items: [], users: [] };

    // Act
    const hourly = train(data, {
      recipe: 'aws-trending-now',
      hyperParameters: { trend_discovery_frequency: '1 hour' },
    });
    const daily = train(data, {
      recipe: 'aws-trending-now',
      hyperParameters: { trend_discovery_frequency: '1 day' },
    });

    // Assess
    expect(ids(hourly.recommend({ numResults: 1 }))).toEqual(['hour']);
    expect(ids(daily.recommend({ numResults: 1 }))).toEqual(['day']);
  });

  it('rejects a malformed trend_discovery_frequency naming the hyperparameter', () => {
    // Prepare
    const data = { interactions: histories({ u1: ['a'] }), items: [], users: [] };

    // Act
    const act = (): Model =>
      train(data, { recipe: 'aws-trending-now', hyperParameters: { trend_discovery_frequency: 'often' } });

    // Assess
    expect(act).toThrow(EngineError);
    expect(act).toThrow(/trend_discovery_frequency/);
  });
});

describe('aws-sims', () => {
  it('returns the co-purchased partner first, ahead of a merely popular item', () => {
    // Prepare: x and y are bought together by 4 users; "pop" is bought by everyone.
    const spec = { ...crowd('pair', 4, ['pop', 'x', 'y']), ...crowd('other', 10, ['pop', 'z']) };
    const data = { interactions: histories(spec), items: [], users: [] };

    // Act
    const model = train(data, { recipe: 'aws-sims' });
    const results = model.recommend({ itemId: 'x', numResults: 3 });

    // Assess
    expect(results[0]).toEqual({ itemId: 'y', score: 1 });
    expect(ids(results)).not.toContain('x');
  });

  it('ignores pairs seen together fewer than min_cointeraction_count times', () => {
    // Prepare: x-y co-occur twice, x-w five times but w is ubiquitous.
    const spec = { ...crowd('a', 2, ['x', 'y']), ...crowd('b', 5, ['x', 'w']), ...crowd('c', 20, ['w']) };
    const data = { interactions: histories(spec), items: [], users: [] };

    // Act
    const strict = train(data, { recipe: 'aws-sims', hyperParameters: { min_cointeraction_count: '3' } });
    const loose = train(data, { recipe: 'aws-sims', hyperParameters: { min_cointeraction_count: '1' } });

    // Assess
    expect(ids(strict.recommend({ itemId: 'x', numResults: 1 }))).toEqual(['w']);
    expect(ids(loose.recommend({ itemId: 'x', numResults: 1 }))).toEqual(['y']);
  });

  it('damps popular neighbours more as popularity_discount_factor grows', () => {
    // Prepare: x co-occurs with "big" 4 times (big has 40 users) and with "niche" 3 times (niche has 3 users).
    const spec = {
      ...crowd('a', 4, ['x', 'big']),
      ...crowd('b', 3, ['x', 'niche']),
      ...crowd('c', 36, ['big']),
    };
    const data = { interactions: histories(spec), items: [], users: [] };

    // Act
    const raw = train(data, { recipe: 'aws-sims', hyperParameters: { popularity_discount_factor: '0' } });
    const discounted = train(data, {
      recipe: 'aws-sims',
      hyperParameters: { popularity_discount_factor: '1' },
    });

    // Assess
    expect(ids(raw.recommend({ itemId: 'x', numResults: 1 }))).toEqual(['big']);
    expect(ids(discounted.recommend({ itemId: 'x', numResults: 1 }))).toEqual(['niche']);
  });

  it('answers an unknown item with popular items', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-sims' });

    // Act
    const results = model.recommend({ itemId: 'never-seen', numResults: 1 });

    // Assess
    expect(ids(results)).toEqual(['pop']);
  });

  it('aggregates over the user history when queried with a user only', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-sims' });

    // Act
    const results = model.recommend({
      userId: 'new-user',
      numResults: 2,
      recentInteractions: histories({ 'new-user': ['b1', 'b2'] }),
    });

    // Assess
    expect(ids(results).sort()).toEqual(['b3', 'b4']);
  });
});

describe('aws-similar-items', () => {
  it('finds metadata neighbours for an item nobody interacted with', () => {
    // Prepare: s5 is a shoe without interactions.
    const model = train(twoClusters(), { recipe: 'aws-similar-items' });

    // Act
    const results = model.recommend({ itemId: 's5', numResults: 4 });

    // Assess
    expect(ids(results).sort()).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('still prefers co-interacted items for a known item', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-similar-items' });

    // Act
    const results = model.recommend({ itemId: 's1', numResults: 3 });

    // Assess
    expect(ids(results).sort()).toEqual(['s2', 's3', 's4']);
  });
});

describe('aws-user-personalization', () => {
  it('recommends items like the user history and no seen items when the training data has no repeats', () => {
    // Prepare
    const data = twoClusters();
    data.interactions.push(...histories({ newcomer: ['pop', 'b1'] }, 1_800_000_000));

    // Act
    const model = train(data, { recipe: 'aws-user-personalization' });
    const results = model.recommend({ userId: 'newcomer', numResults: 3 });

    // Assess
    expect(ids(results).sort()).toEqual(['b2', 'b3', 'b4']);
  });

  it('changes recommendations immediately when new real-time events arrive', () => {
    // Prepare
    const data = twoClusters();
    data.interactions.push(...histories({ newcomer: ['pop', 's1'] }, 1_800_000_000));
    const model = train(data, { recipe: 'aws-user-personalization' });
    const before = model.recommend({ userId: 'newcomer', numResults: 2 });

    // Act
    const after = model.recommend({
      userId: 'newcomer',
      numResults: 2,
      recentInteractions: histories({ newcomer: ['b1', 'b2'] }, 1_900_000_000),
    });

    // Assess
    expect(ids(before).every((itemId) => itemId.startsWith('s'))).toBe(true);
    expect(ids(after).every((itemId) => itemId.startsWith('b'))).toBe(true);
    expect(ids(after)).not.toContain('b1');
  });

  it('weights recent history more than old history', () => {
    // Prepare: the user liked shoes long ago and bags lately.
    const model = train(twoClusters(), { recipe: 'aws-user-personalization' });
    const recentInteractions = histories({ u: ['s1', 's2', 's3', 'b1', 'b2', 'b3'] });

    // Act
    const results = model.recommend({ userId: 'u', numResults: 1, recentInteractions });

    // Assess
    expect(ids(results)).toEqual(['b4']);
  });

  it('answers a cold user with popular items', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-user-personalization' });

    // Act
    const results = model.recommend({ userId: 'stranger', numResults: 1 });

    // Assess
    expect(ids(results)).toEqual(['pop']);
  });

  it('marks popular fallbacks and exploration items with reasons in the v2 recipe only', () => {
    // Prepare
    const data = twoClusters();
    const v1 = train(data, { recipe: 'aws-user-personalization' });
    const v2 = train(data, { recipe: 'aws-user-personalization-v2' });

    // Act
    const [fromV1] = v1.recommend({ userId: 'stranger', numResults: 1 });
    const [fromV2] = v2.recommend({ userId: 'stranger', numResults: 1 });

    // Assess
    expect(fromV1?.reason).toBeUndefined();
    expect(fromV2?.reason).toEqual(['Popular item']);
  });

  it('applies the candidate filter to personalised results', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-user-personalization' });

    // Act
    const results = model.recommend({
      userId: 'shoe0',
      numResults: 3,
      candidateFilter: (itemId) => itemId.startsWith('b'),
    });

    // Assess
    expect(results).toHaveLength(3);
    expect(ids(results).every((itemId) => itemId.startsWith('b'))).toBe(true);
  });

  it('mixes in fresh items with exploration, deterministically', () => {
    // Prepare: "fresh" was created yesterday and has a single interaction.
    const data = twoClusters();
    const end = Math.max(...data.interactions.map((i) => i.timestamp));
    data.items.push({ itemId: 'fresh', creationTimestamp: end - DAY, fields: { GENRE: 'shoes' } });
    data.items.push({ itemId: 'fresh2', creationTimestamp: end - 2 * DAY, fields: { GENRE: 'bags' } });
    data.items.forEach((item) => {
      if (item.creationTimestamp === undefined) item.creationTimestamp = end - 400 * DAY;
    });
    const model = train(data, { recipe: 'aws-user-personalization-v2', seed: 7 });
    const query = { userId: 'shoe0', numResults: 4, exploration: { weight: 1, itemAgeCutOffDays: 30 } };

    // Act
    const explored = model.recommend(query);
    const again = model.recommend(query);
    const none = model.recommend({ ...query, exploration: { weight: 0, itemAgeCutOffDays: 30 } });

    // Assess
    expect(ids(explored).slice(0, 2).sort()).toEqual(['fresh', 'fresh2']);
    expect(explored[0]?.reason).toEqual(['Exploration']);
    expect(again).toEqual(explored);
    expect(ids(none)).not.toContain('fresh');
    const scores = explored.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('aws-user-personalization signals', () => {
  it('prefers the item that usually comes next over the one that usually comes before', () => {
    // Prepare: everybody watches x, then y, then z.
    const data = { interactions: histories(crowd('viewer', 8, ['x', 'y', 'z'])), items: [], users: [] };
    const model = train(data, { recipe: 'aws-user-personalization' });

    // Act
    const results = model.recommend({
      userId: 'new',
      numResults: 2,
      recentInteractions: histories({ new: ['y'] }),
    });

    // Assess
    expect(ids(results)).toEqual(['z', 'x']);
  });

  it('prefers what was popular just before the user was active over what was popular long ago', () => {
    // Prepare: "classic" had 10 users long ago, "current" 5 users lately; the user's only item is unique.
    const end = 1_700_000_000;
    const interactions: Interaction[] = [
      ...Array.from({ length: 10 }, (_, k) => ({
        userId: `old${k}`,
        itemId: 'classic',
        timestamp: end - 300 * DAY + k,
      })),
      ...Array.from({ length: 5 }, (_, k) => ({
        userId: `new${k}`,
        itemId: 'current',
        timestamp: end - DAY + k,
      })),
      { userId: 'me', itemId: 'solo', timestamp: end },
    ];
    const model = train({ interactions, items: [], users: [] }, { recipe: 'aws-user-personalization' });

    // Act
    const results = model.recommend({ userId: 'me', numResults: 2 });

    // Assess
    expect(ids(results)).toEqual(['current', 'classic']);
  });

  it('weighs the whole history equally with recency_mask=false and only the newest bptt items with bptt', () => {
    // Prepare: three shoes long ago, then one bag.
    const data = twoClusters();
    const recentInteractions = histories({ u: ['s1', 's2', 's3', 'b1'] });

    // Act
    const flat = train(data, {
      recipe: 'aws-user-personalization',
      hyperParameters: { recency_mask: 'false' },
    });
    const short = train(data, { recipe: 'aws-user-personalization', hyperParameters: { bptt: '1' } });

    // Assess
    expect(ids(flat.recommend({ userId: 'u', numResults: 1, recentInteractions }))).toEqual(['s4']);
    expect(ids(short.recommend({ userId: 'u', numResults: 1, recentInteractions }))[0]).toMatch(/^b/);
  });

  it('returns nothing when asked for zero results', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-user-personalization' });

    // Act
    const results = model.recommend({ userId: 'shoe0', numResults: 0 });

    // Assess
    expect(results).toEqual([]);
  });
});

describe('aws-user-personalization repeat behaviour', () => {
  /**
   * A shop funnel: each user views a, then b, then puts a in the cart, buys it and views c; a, b
   * and c rotate through p0..p29.
   */
  function funnel(): Interaction[] {
    const steps: [number, string][] = [
      [0, 'view'],
      [1, 'view'],
      [0, 'cart'],
      [0, 'purchase'],
      [2, 'view'],
    ];
    return Array.from({ length: 90 }, (_, u) =>
      steps.map(([offset, eventType], k) => ({
        userId: `shopper${u}`,
        itemId: `p${(u + offset) % 30}`,
        timestamp: 1_700_000_000 + u * 3600 + k * 60,
        eventType,
      })),
    ).flat();
  }

  it('recommends a recently viewed item that was not bought yet, but not the item just bought', () => {
    // Prepare: the newcomer bought p3, then viewed p1 and p2.
    const model = train(
      { interactions: funnel(), items: [], users: [] },
      { recipe: 'aws-user-personalization' },
    );
    const t = 1_800_000_000;
    const recentInteractions: Interaction[] = [
      { userId: 'newcomer', itemId: 'p3', timestamp: t, eventType: 'purchase' },
      { userId: 'newcomer', itemId: 'p1', timestamp: t + 60, eventType: 'view' },
      { userId: 'newcomer', itemId: 'p2', timestamp: t + 120, eventType: 'view' },
    ];

    // Act
    const results = model.recommend({ userId: 'newcomer', numResults: 3, recentInteractions });
    const ranked = model.rank({ userId: 'newcomer', inputList: ['p3', 'p2', 'p1'], recentInteractions });

    // Assess
    expect(ids(results)[0]).toBe('p1');
    expect(ids(results)).not.toContain('p3');
    expect(ids(ranked)[0]).toBe('p1');
  });

  it('uses the event types of stored histories and survives serialization', () => {
    // Prepare: "browser" viewed p10 and p11; "buyer" also put p10 in the cart and bought it.
    const t = 1_800_000_000;
    const event = (userId: string, itemId: string, k: number, eventType: string): Interaction => ({
      userId,
      itemId,
      timestamp: t + k * 60,
      eventType,
    });
    const interactions = [
      ...funnel(),
      event('browser', 'p10', 0, 'view'),
      event('browser', 'p11', 1, 'view'),
      event('buyer', 'p10', 0, 'view'),
      event('buyer', 'p11', 1, 'view'),
      event('buyer', 'p10', 2, 'cart'),
      event('buyer', 'p10', 3, 'purchase'),
    ];
    const model = train({ interactions, items: [], users: [] }, { recipe: 'aws-user-personalization' });
    const restored = deserializeModel(JSON.parse(JSON.stringify(serializeModel(model))) as SerializedModel);

    // Act
    const browser = model.recommend({ userId: 'browser', numResults: 3 });
    const buyer = model.recommend({ userId: 'buyer', numResults: 3 });

    // Assess
    expect(ids(browser)[0]).toBe('p10');
    expect(ids(buyer)).not.toContain('p10');
    expect(restored.recommend({ userId: 'browser', numResults: 3 })).toEqual(browser);
    expect(restored.recommend({ userId: 'buyer', numResults: 3 })).toEqual(buyer);
  });

  it('recommends a clicked item whose watch row of the same time is still missing, not a watched one', () => {
    // Prepare: every item has a click and a watch row at the same time, as in MovieLens.
    const clicks = histories(crowd('viewer', 8, ['x', 'y', 'z']), 1_700_000_000, 'click');
    const watches = clicks.map((event) => ({ ...event, eventType: 'watch' }));
    const model = train(
      { interactions: [...clicks, ...watches], items: [], users: [] },
      { recipe: 'aws-user-personalization' },
    );
    const t = 1_800_000_000;

    // Act: x was clicked and watched, y only clicked so far.
    const results = model.recommend({
      userId: 'new',
      numResults: 2,
      recentInteractions: [
        { userId: 'new', itemId: 'x', timestamp: t, eventType: 'click' },
        { userId: 'new', itemId: 'x', timestamp: t, eventType: 'watch' },
        { userId: 'new', itemId: 'y', timestamp: t + 1, eventType: 'click' },
      ],
    });

    // Assess
    expect(ids(results)).toEqual(['y', 'z']);
  });

  it('keeps excluding seen items from SIMS user queries', () => {
    // Prepare
    const model = train({ interactions: funnel(), items: [], users: [] }, { recipe: 'aws-sims' });

    // Act
    const results = model.recommend({ userId: 'shopper0', numResults: 6 });

    // Assess
    expect(ids(results)).not.toContain('p0');
    expect(ids(results)).not.toContain('p1');
    expect(ids(results)).not.toContain('p2');
  });
});

describe('aws-personalized-ranking', () => {
  it('orders the input list by the user affinity and puts unknown items last', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-personalized-ranking' });

    // Act
    const ranking = model.rank({ userId: 'bag0', inputList: ['mystery', 's1', 'b2'] });

    // Assess
    expect(ids(ranking)).toEqual(['b2', 's1', 'mystery']);
    expect(ranking[2]?.score).toBe(0);
  });

  it('returns every input item once, with known scores summing to 1', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-personalized-ranking-v2' });

    // Act
    const ranking = model.rank({ userId: 'shoe1', inputList: ['s1', 'b1', 's1', 'pop', 'zzz'] });

    // Assess
    expect(ids(ranking).sort()).toEqual(['b1', 'pop', 's1', 'zzz']);
    const total = ranking.slice(0, 3).reduce((sum, item) => sum + item.score, 0);
    expect(total).toBeCloseTo(1, 10);
  });

  it('reacts to real-time events of the user', () => {
    // Prepare
    const model = train(twoClusters(), { recipe: 'aws-personalized-ranking' });

    // Act
    const ranking = model.rank({
      userId: 'stranger',
      inputList: ['s3', 'b3'],
      recentInteractions: histories({ stranger: ['s1', 's2'] }),
    });

    // Assess
    expect(ids(ranking)).toEqual(['s3', 'b3']);
  });
});

describe('model serialization', () => {
  it.each(SUPPORTED_RECIPES.map((recipe) => [recipe]))(
    'round-trips %s through JSON with identical results',
    (recipe) => {
      // Prepare
      const data = twoClusters();
      const model = train(data, { recipe });

      // Act
      const restored = deserializeModel(JSON.parse(JSON.stringify(serializeModel(model))) as SerializedModel);

      // Assess
      expect(restored.recipe).toBe(recipe);
      const queries = [
        { userId: 'shoe0', numResults: 5 },
        { itemId: 's1', numResults: 5 },
        {
          userId: 'x',
          numResults: 5,
          recentInteractions: histories({ x: ['b1'] }),
          exploration: { weight: 0.5, itemAgeCutOffDays: 30 },
        },
      ];
      for (const query of queries) expect(restored.recommend(query)).toEqual(model.recommend(query));
      const rankQuery = { userId: 'bag1', inputList: ['s1', 'b1', 'pop', 'unknown'] };
      expect(restored.rank(rankQuery)).toEqual(model.rank(rankQuery));
    },
  );

  it.each(SUPPORTED_RECIPES.map((recipe) => [recipe]))('serializes %s to plain JSON-safe data', (recipe) => {
    // Prepare
    const data = twoClusters();
    data.items.push({ itemId: 'new', creationTimestamp: null, fields: { GENRE: null } });

    // Act
    const serialized = serializeModel(train(data, { recipe }));

    // Assess
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(serialized);
  });

  it('rejects objects that are not serialized engine models', () => {
    // Prepare
    const bogus = {
      format: 'something-else',
      recipe: 'aws-sims',
      kind: 'ranked-list',
      state: { itemIds: [], scores: [] },
    };

    // Act
    const act = (): Model => deserializeModel(bogus as unknown as SerializedModel);

    // Assess
    expect(act).toThrow(EngineError);
  });
});

describe('train', () => {
  it('rejects an unsupported recipe, listing the supported ones', () => {
    // Prepare
    const data = twoClusters();

    // Act
    const act = (): Model => train(data, { recipe: 'aws-semantic-similarity' });

    // Assess
    expect(act).toThrow(EngineError);
    expect(act).toThrow(
      /Recipe aws-semantic-similarity is not supported by the local engine; supported: .*aws-sims/,
    );
  });

  it('accepts a recipe ARN as well as a recipe name', () => {
    // Prepare
    const data = twoClusters();

    // Act
    const model = train(data, { recipe: 'arn:aws:personalize:::recipe/aws-sims' });

    // Assess
    expect(model.recipe).toBe('aws-sims');
  });

  it('fails with an EngineError when no interaction matches the event type', () => {
    // Prepare
    const data = twoClusters();

    // Act
    const act = (): Model => train(data, { recipe: 'aws-sims', eventType: 'purchase' });

    // Assess
    expect(act).toThrow(/no interactions to train on after keeping only eventType "purchase"/);
  });

  it('rejects an out-of-range hyperparameter naming it', () => {
    // Prepare
    const data = twoClusters();

    // Act
    const act = (): Model =>
      train(data, { recipe: 'aws-sims', hyperParameters: { popularity_discount_factor: '3' } });

    // Assess
    expect(act).toThrow(/popularity_discount_factor must be between 0 and 1/);
  });

  it('produces identical models from identical input', () => {
    // Prepare
    const data = { ...twoClusters(), items: catalogue({ s1: 'shoes' }) };

    // Act
    const first = serializeModel(train(data, { recipe: 'aws-user-personalization' }));
    const second = serializeModel(train(data, { recipe: 'aws-user-personalization' }));

    // Assess
    expect(second).toEqual(first);
  });
});
