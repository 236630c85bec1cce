import fc from 'fast-check';
import { assignVariant, bucketOf } from '../../core/experiments/assignment';
import { chooseVariant, eventAttributionSource } from '../../core/experiments/serving';
import {
  experimentImpact,
  formatImpact,
  twoProportionTest,
  wilsonInterval,
} from '../../core/experiments/impact';

const HALVES = [
  { name: 'personalized', share: 50 },
  { name: 'popular', share: 50 },
];

describe('assignVariant', () => {
  test('gives a unit the same variant every time', () => {
    fc.assert(
      fc.property(fc.string(), (userId) => {
        expect(assignVariant('home', userId, HALVES)).toBe(assignVariant('home', userId, HALVES));
      }),
    );
  });

  test('spreads units over variants in proportion to their shares', () => {
    // Prepare
    const variants = [
      { name: 'a', share: 10 },
      { name: 'b', share: 30 },
      { name: 'c', share: 60 },
    ];
    const counts = new Map<string, number>();
    // Act
    for (let i = 0; i < 20_000; i += 1) {
      const { name } = assignVariant('home', `user-${i}`, variants);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    // Assess: within 1.5 points of each share (about 5 standard deviations)
    for (const { name, share } of variants)
      expect(Math.abs(((counts.get(name) ?? 0) / 20_000) * 100 - share)).toBeLessThan(1.5);
  });

  test('splits two experiments independently of each other', () => {
    let same = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const first = assignVariant('home', `user-${i}`, HALVES).name;
      const second = assignVariant('cart', `user-${i}`, HALVES).name;
      if (first === second) same += 1;
    }
    expect(same / 10_000).toBeGreaterThan(0.47);
    expect(same / 10_000).toBeLessThan(0.53);
  });

  test('gives every unit a variant for any split of 100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.string(), (first, unit) => {
        const variants = [
          { name: 'x', share: first },
          { name: 'y', share: 100 - first },
        ];
        const { name } = assignVariant('e', unit, variants);
        if (first === 0) expect(name).toBe('y');
        if (first === 100) expect(name).toBe('x');
      }),
    );
  });

  test('refuses shares that do not add up to 100, naming the experiment', () => {
    expect(() => assignVariant('home', 'u', [{ name: 'a', share: 60 }])).toThrow(
      'experiment home: variant shares add up to 60, not 100',
    );
  });

  test('puts units in buckets 0 to 9,999', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (experiment, unit) => {
        const bucket = bucketOf(experiment, unit);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(10_000);
      }),
    );
  });
});

describe('the impact statistics', () => {
  test('give the Wilson interval of a proportion', () => {
    const { rate, low, high } = wilsonInterval(50, 100);
    expect(rate).toBe(0.5);
    expect(low).toBeCloseTo(0.4038, 4);
    expect(high).toBeCloseTo(0.5962, 4);
  });

  test('give the two-proportion z-test of two rates', () => {
    const { z, pValue } = twoProportionTest(200, 1000, 150, 1000);
    expect(z).toBeCloseTo(2.942, 3);
    expect(pValue).toBeCloseTo(0.00326, 4);
  });

  test('call a large difference significant and a small one not', () => {
    // Act
    const report = experimentImpact([
      { variant: 'popular', impressions: 5000, clicks: 400, conversions: 100, revenue: 2500 },
      { variant: 'personalized', impressions: 5000, clicks: 650, conversions: 104, revenue: 2700 },
    ]);
    // Assess
    const ctr = report.comparisons.find((c) => c.metric === 'clickThrough');
    const conversion = report.comparisons.find((c) => c.metric === 'conversion');
    expect(ctr).toMatchObject({ variant: 'personalized', baseline: 'popular', significant: true });
    expect(ctr?.lift).toBeCloseTo(0.625, 3);
    expect(conversion).toMatchObject({ significant: false });
    expect(report.variants[1]?.revenuePerImpression).toBeCloseTo(0.54, 6);
  });

  test('print each variant and whether each difference is significant', () => {
    const text = formatImpact(
      'home',
      experimentImpact(
        [
          { variant: 'popular', impressions: 5000, clicks: 400, conversions: 100, revenue: 2500 },
          { variant: 'personalized', impressions: 5000, clicks: 650, conversions: 104, revenue: 2700 },
        ],
        { baseline: 'popular' },
      ),
    );
    expect(text).toContain('Experiment home');
    expect(text).toMatch(/personalized\s+5,000\s+650\s+104\s+2700\.00\s+13\.00 %/);
    expect(text).toContain('personalized vs popular, click-through: +5.00 points (+62.5 %)');
    expect(text).toContain('significant at 5 %');
    expect(text).toContain('personalized vs popular, conversion: +0.08 points (+4.0 %)');
  });

  test('refuse a baseline that is not a variant', () => {
    expect(() =>
      experimentImpact([{ variant: 'a', impressions: 1, clicks: 0, conversions: 0, revenue: 0 }], {
        baseline: 'b',
      }),
    ).toThrow('baseline "b" is not a variant of the experiment');
  });
});

describe('experiments in the serving API', () => {
  const home = {
    name: 'home',
    route: 'recommendations',
    unit: 'user' as const,
    variants: [
      { name: 'a', target: 'x', share: 50 },
      { name: 'b', target: 'y', share: 50 },
    ],
  };
  const cart = { ...home, name: 'cart', route: 'related', unit: 'session' as const };

  test('split a route by user, or by session, and leave other routes alone', () => {
    const user = chooseVariant([home, cart], 'recommendations', { userId: 'u1', sessionId: 's1' });
    const session = chooseVariant([home, cart], 'related', { userId: 'u1', sessionId: 's1' });

    expect(user?.variant).toBe(assignVariant('home', 'u1', home.variants));
    expect(session?.variant).toBe(assignVariant('cart', 's1', cart.variants));
    expect(user?.attributionSource).toBe(`home:${user?.variant.name}`);
    expect(chooseVariant([home], 'popular', { userId: 'u1' })).toBeUndefined();
    expect(chooseVariant([home], 'recommendations', {})).toBeUndefined();
  });

  test("attribute an event to its own source, or with one experiment to its shopper's variant", () => {
    expect(eventAttributionSource([home], 'home:b', { userId: 'u1' })).toEqual({ source: 'home:b' });
    expect(eventAttributionSource([home], undefined, { userId: 'u1' })).toEqual({
      source: `home:${assignVariant('home', 'u1', home.variants).name}`,
    });
    expect(eventAttributionSource([home, cart], undefined, { userId: 'u1' })).toEqual({});
    expect(eventAttributionSource([], undefined, { userId: 'u1' })).toEqual({});
  });

  test('refuse an attribution source no experiment gives, naming the ones they do', () => {
    expect(eventAttributionSource([home], 'home:c', { userId: 'u1' })).toEqual({
      problem: 'unknown attribution source "home:c"; the API\'s experiments give home:a, home:b',
    });
    expect(eventAttributionSource([], 'home:a', {})).toEqual({
      problem: 'attribution source "home:a" given, but the API runs no experiment',
    });
  });
});
