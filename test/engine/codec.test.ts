import {
  SUPPORTED_RECIPES,
  decodeModel,
  deserializeModel,
  encodeModel,
  isEncodedModel,
  serializeModel,
  train,
  type Interaction,
  type SerializedModel,
  type TrainingData,
} from '../../local/engine';

/** A deterministic catalogue with repeats, two event types and item metadata (every model field filled). */
function generated(): TrainingData {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const interactions: Interaction[] = [];
  for (let u = 0; u < 120; u += 1) {
    let t = 1_700_000_000 + u * 600;
    for (let k = 0; k < 15; k += 1) {
      const item = `i${Math.floor(next() ** 2 * 80)}`;
      t += 1 + Math.floor(next() * 3000);
      interactions.push({ userId: `u${u}`, itemId: item, timestamp: t, eventType: 'click', eventValue: 1 });
      if (next() < 0.4)
        interactions.push({
          userId: `u${u}`,
          itemId: item,
          timestamp: t,
          eventType: 'watch',
          eventValue: 4.5,
        });
    }
  }
  const items = Array.from({ length: 90 }, (_, i) => ({
    itemId: `i${i}`,
    ...(i % 3 === 0 ? { creationTimestamp: 1_699_000_000 + i } : {}),
    fields: { GENRE: ['drama', 'comedy', 'drama|comedy'][i % 3] as string, YEAR: 1990 + (i % 30) },
  }));
  return { interactions, items, users: [] };
}

describe('the binary model codec', () => {
  const data = generated();

  it.each(SUPPORTED_RECIPES.map((recipe) => [recipe]))(
    'gives back a %s model that answers exactly like the trained one',
    (recipe) => {
      // Prepare
      const model = train(data, { recipe });
      const serialized = serializeModel(model);

      // Act
      const bytes = encodeModel(serialized);
      // As the store gives it back: a Buffer inside a larger pool, at an odd offset.
      const pooled = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(bytes)]).subarray(3);
      const decoded = decodeModel(pooled);
      const restored = deserializeModel(decoded);

      // Assess
      expect(isEncodedModel(bytes)).toBe(true);
      expect(decoded).toEqual(JSON.parse(JSON.stringify(serialized)));
      for (const userId of ['u0', 'u7', 'u119', 'nobody'])
        for (const query of [
          { userId, numResults: 25 },
          { userId, itemId: 'i3', numResults: 10 },
        ])
          expect(restored.recommend(query)).toEqual(model.recommend(query));
      const rankQuery = { userId: 'u5', inputList: ['i1', 'i2', 'i40', 'i79', 'unknown'] };
      expect(restored.rank(rankQuery)).toEqual(model.rank(rankQuery));
    },
  );

  it('stores a user-personalization model in under half the bytes of its JSON', () => {
    // Prepare
    const serialized = serializeModel(train(data, { recipe: 'aws-user-personalization' }));

    // Act
    const bytes = encodeModel(serialized);

    // Assess
    expect(bytes.length).toBeLessThan(Buffer.byteLength(JSON.stringify(serialized)) / 2);
  });

  it('encodes state members it has never seen: typed arrays, nulls, nested and small arrays', () => {
    // Prepare
    const state = {
      futureScores: Float32Array.from([0.5, 0.25, 1, 3, 0.125, 2, 4, 8]),
      futureIds: Int32Array.from([1, -2, 3, 70000, 5, 6, 7, 8]),
      ages: [null, 1.5, 2, 3, 4, 5, 6, 1_700_000_000.25],
      counts: [1, 2, 3, 4, 5, 6, 7, 300_000],
      big: [1, 2, 3, 4, 5, 6, 7, 2 ** 40],
      precise: [Math.PI, Math.E, 1 / 3, 2, 3, 4, 5, 6],
      compacted: [0.123457, 0.333333, 1.5e-7, 123457, 2, 3, 4, 5],
      rows: [[1, 2], [], [3], [4, 5, 6], [7], [8], [9], [10.5]],
      pair: [1, 2],
      labels: ['a', 'b'],
      nested: { deeper: { flag: true, text: 'x', none: null } },
    };
    const serialized = {
      format: 'personalize-local-engine/1',
      recipe: 'x',
      kind: 'future',
      state,
    } as unknown as SerializedModel;

    // Act
    const decoded = decodeModel(encodeModel(serialized)) as unknown as { state: typeof state };

    // Assess
    expect(decoded.state.futureScores).toBeInstanceOf(Float32Array);
    expect(decoded.state.futureIds).toBeInstanceOf(Int32Array);
    expect(decoded.state).toEqual(state);
  });

  it('refuses bytes that are not an encoded model', () => {
    // Act
    const act = (): unknown => decodeModel(new TextEncoder().encode('{"format":"x"}'));

    // Assess
    expect(act).toThrow('Not an encoded local engine model');
  });
});
