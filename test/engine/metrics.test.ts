import fc from 'fast-check';
import {
  coverage,
  evaluate,
  ndcgAtK,
  precisionAtK,
  reciprocalRankAtK,
  splitForEvaluation,
  splitUserHistory,
} from '../../local/engine';
import type { Interaction } from '../../local/engine';
import { crowd, histories } from './fixtures';

describe('ranking metrics', () => {
  it('computes the NDCG worked example: relevant at ranks 2 and 5 with K = 5', () => {
    // Prepare
    const ranked = ['a', 'r1', 'b', 'c', 'r2', 'd'];

    // Act
    const ndcg = ndcgAtK(ranked, new Set(['r1', 'r2']), 5);

    // Assess
    const expected = (1 / Math.log(3) + 1 / Math.log(6)) / (1 / Math.log(2) + 1 / Math.log(3));
    expect(ndcg).toBeCloseTo(expected, 12);
    expect(ndcg).toBeCloseTo(0.6241, 4);
  });

  it('caps the ideal DCG at K relevant items', () => {
    // Prepare: 5 relevant items, all ranked on top, K = 3.
    const relevant = new Set(['a', 'b', 'c', 'd', 'e']);

    // Act
    const ndcg = ndcgAtK(['a', 'b', 'c'], relevant, 3);

    // Assess
    expect(ndcg).toBe(1);
  });

  it('computes precision as hits over K, even when fewer than K items are ranked', () => {
    // Prepare
    const relevant = new Set(['x', 'y', 'z']);

    // Act
    const atFive = precisionAtK(['x', 'a', 'y', 'b', 'c', 'z'], relevant, 5);
    const short = precisionAtK(['x'], relevant, 10);

    // Assess
    expect(atFive).toBeCloseTo(2 / 5, 12);
    expect(short).toBeCloseTo(1 / 10, 12);
  });

  it('computes the reciprocal rank of the first relevant item within K', () => {
    // Prepare
    const relevant = new Set(['x', 'y']);

    // Act
    const third = reciprocalRankAtK(['a', 'b', 'y', 'x'], relevant, 25);
    const beyond = reciprocalRankAtK(['a', 'b', 'y'], relevant, 2);

    // Assess
    expect(third).toBeCloseTo(1 / 3, 12);
    expect(beyond).toBe(0);
  });

  it('computes coverage as distinct recommended items over the catalogue size', () => {
    expect(coverage(new Set(['a', 'b', 'c']), 12)).toBe(0.25);
    expect(coverage(new Set(), 0)).toBe(0);
  });

  it('keeps every metric within [0, 1] and NDCG at 1 for a perfect ranking', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 25 }),
        (rankedIds, relevantIds, k) => {
          const ranked = rankedIds.map(String);
          const relevant = new Set(relevantIds.map(String));
          for (const value of [
            ndcgAtK(ranked, relevant, k),
            precisionAtK(ranked, relevant, k),
            reciprocalRankAtK(ranked, relevant, k),
          ]) {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(1 + 1e-12);
          }
          expect(ndcgAtK([...relevant], relevant, k)).toBeCloseTo(1, 12);
        },
      ),
    );
  });
});

describe('evaluation split', () => {
  const interactions = histories(
    Object.fromEntries(
      Array.from({ length: 40 }, (_, u) => [
        `user${u}`,
        Array.from({ length: 10 + (u % 7) }, (_, k) => `item${(u + k) % 30}`),
      ]),
    ),
  );

  it('holds out 10% of the users, the same ones for the same seed', () => {
    // Act
    const first = splitForEvaluation(interactions, 5);
    const second = splitForEvaluation([...interactions].reverse(), 5);
    const otherSeed = splitForEvaluation(interactions, 6);

    // Assess
    expect(first.test).toHaveLength(4);
    expect(second.test.map((u) => u.userId)).toEqual(first.test.map((u) => u.userId));
    expect(otherSeed.test.map((u) => u.userId)).not.toEqual(first.test.map((u) => u.userId));
  });

  it('keeps every interaction of a test user out of the training data', () => {
    // Act
    const split = splitForEvaluation(interactions, 42);

    // Assess
    const testUsers = new Set(split.test.map((u) => u.userId));
    expect(split.training.some((interaction) => testUsers.has(interaction.userId))).toBe(false);
    expect(split.training.length + split.test.reduce((n, u) => n + u.history.length, 0)).toBeLessThan(
      interactions.length,
    );
  });

  it('uses the oldest 90% of a user as history and the distinct newest 10% as relevant items', () => {
    // Prepare: 20 interactions, given out of order; the two newest are the same item.
    const events: Interaction[] = Array.from({ length: 20 }, (_, k) => ({
      userId: 'u',
      itemId: k >= 18 ? 'last' : `i${k}`,
      timestamp: 100 + k,
    })).reverse();

    // Act
    const split = splitUserHistory('u', events);

    // Assess
    expect(split.history.map((i) => i.itemId)).toEqual(Array.from({ length: 18 }, (_, k) => `i${k}`));
    expect(split.relevant).toEqual(['last']);
  });

  it('always keeps at least one relevant interaction', () => {
    // Act
    const split = splitUserHistory('u', [{ userId: 'u', itemId: 'only', timestamp: 1 }]);

    // Assess
    expect(split.history).toEqual([]);
    expect(split.relevant).toEqual(['only']);
  });
});

describe('evaluate', () => {
  // Twenty users per taste, each consuming the taste's items in the same order.
  const tastes = ['a', 'b', 'c'];
  const spec = Object.assign(
    {},
    ...tastes.map((t) =>
      crowd(
        `${t}-fan`,
        20,
        Array.from({ length: 10 }, (_, k) => `${t}${k}`),
      ),
    ),
  ) as Record<string, string[]>;
  const data = { interactions: histories(spec), items: [], users: [] };

  it('reports every GetSolutionMetrics key within [0, 1]', () => {
    // Act
    const metrics = evaluate(data, { recipe: 'aws-popularity-count' });

    // Assess
    expect(Object.keys(metrics).sort()).toEqual([
      'coverage',
      'mean_reciprocal_rank_at_25',
      'normalized_discounted_cumulative_gain_at_10',
      'normalized_discounted_cumulative_gain_at_25',
      'normalized_discounted_cumulative_gain_at_5',
      'precision_at_10',
      'precision_at_25',
      'precision_at_5',
    ]);
    for (const value of Object.values(metrics)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('scores a personalised recipe above the popularity baseline on clustered data', () => {
    // Act
    const baseline = evaluate(data, { recipe: 'aws-popularity-count' });
    const personalised = evaluate(data, { recipe: 'aws-user-personalization' });

    // Assess: each test user's next item is the last of their own taste, found at rank 1.
    expect(personalised.mean_reciprocal_rank_at_25).toBe(1);
    expect(personalised.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(
      baseline.normalized_discounted_cumulative_gain_at_10,
    );
  });

  it('is deterministic for a given seed', () => {
    // Act
    const first = evaluate(data, { recipe: 'aws-sims', seed: 3 });
    const second = evaluate(data, { recipe: 'aws-sims', seed: 3 });

    // Assess
    expect(second).toEqual(first);
  });

  it('evaluates ranking recipes by ranking the whole catalogue', () => {
    // Act
    const metrics = evaluate(data, { recipe: 'aws-personalized-ranking' });

    // Assess
    expect(metrics.mean_reciprocal_rank_at_25).toBeGreaterThan(0);
    expect(metrics.coverage).toBeGreaterThan(0);
  });
});
