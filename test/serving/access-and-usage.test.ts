/**
 * Who may call what (core/serving/access.ts), the local usage plan (local/serving/usage-plan.ts) and the
 * serving settings of a config without a `serving` section (local/serving/settings.ts).
 */
import { apiClientsVariable, authorize } from '../../core/serving/access';
import { Forbidden } from '../../core/serving/errors';
import { localApiKey, localServing } from '../../local/serving/settings';
import { quotaPeriod, UsagePlan } from '../../local/serving/usage-plan';
import { sampleConfigWithoutServing } from './helpers';

const clients = apiClientsVariable(
  [
    { name: 'storefront', routes: ['recommendations', 'events'] },
    { name: 'catalog-sync', routes: ['items'] },
  ],
  (client) => `key-id-${client}`,
);

describe('authorize', () => {
  test('names the client of a key that may call the route', () => {
    expect(authorize(clients, 'key-id-storefront', 'events')).toBe('storefront');
  });

  test.each([
    [undefined, 'route "events" needs an API key: send it in the x-api-key header', { route: 'events' }],
    [
      'key-id-unknown',
      'the API key is not one of this API\'s client keys; route "events" was not called',
      { route: 'events' },
    ],
    [
      'key-id-catalog-sync',
      'client "catalog-sync" may not call route "events"; its key allows items',
      { route: 'events', client: 'catalog-sync' },
    ],
  ])('refuses key id %s with a Forbidden naming the route', (keyId, message, details) => {
    const act = () => authorize(clients, keyId, 'events');

    expect(act).toThrow(Forbidden);
    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect((error as Forbidden).body()).toEqual({ error: 'Forbidden', message, ...details });
    }
  });

  test('does not take inherited names for key ids', () => {
    expect(() => authorize(clients, 'constructor', 'events')).toThrow(Forbidden);
  });
});

describe('the local usage plan', () => {
  test('admits a burst, then one request per 1/rate seconds', () => {
    const plan = new UsagePlan({ rateLimit: 2, burstLimit: 3 }, 0);

    const burst = [0, 0, 0, 0].map((t) => plan.admit(t).allowed);
    const refused = plan.admit(100);
    const later = plan.admit(600);

    expect(burst).toEqual([true, true, true, false]);
    expect(refused).toMatchObject({ allowed: false, reason: 'rate' });
    expect(later.allowed).toBe(true);
  });

  test('refuses past the quota until the next period', () => {
    const start = Date.UTC(2026, 11, 5, 10);
    const plan = new UsagePlan(
      { rateLimit: 100, burstLimit: 100, quota: { limit: 2, period: 'DAY' } },
      start,
    );

    const answers = [
      plan.admit(start),
      plan.admit(start),
      plan.admit(start),
      plan.admit(Date.UTC(2026, 11, 6)),
    ];

    expect(answers.map((a) => a.allowed)).toEqual([true, true, false, true]);
    expect(answers[2]).toEqual({ allowed: false, reason: 'quota', retryAfterSeconds: 14 * 3600 });
  });

  test.each([
    ['DAY', Date.UTC(2026, 11, 5), Date.UTC(2026, 11, 6)],
    ['WEEK', Date.UTC(2026, 10, 30), Date.UTC(2026, 11, 7)],
    ['MONTH', Date.UTC(2026, 11, 1), Date.UTC(2027, 0, 1)],
  ] as const)('a %s quota period runs from its start to the next', (period, start, end) => {
    expect(quotaPeriod(period, Date.UTC(2026, 11, 5, 13))).toEqual({ start, end });
  });
});

describe('local serving settings', () => {
  test('serve every route the sample config can serve to one client when it has no serving section', () => {
    const { settings, fromConfig } = localServing(sampleConfigWithoutServing());

    expect(fromConfig).toBe(false);
    expect(settings.campaigns).toEqual({
      recommendations: 'user-personalization',
      related: 'similar-items',
      ranking: 'ranking',
      popular: 'popular',
    });
    expect(settings.clients).toEqual([
      expect.objectContaining({
        name: 'local',
        routes: ['recommendations', 'related', 'ranking', 'popular', 'events', 'items', 'users'],
      }),
    ]);
  });

  test('give each client the same key on every run, and different clients different keys', () => {
    expect(localApiKey('shop-recs', 'storefront')).toBe(localApiKey('shop-recs', 'storefront'));
    expect(localApiKey('shop-recs', 'storefront')).not.toBe(localApiKey('shop-recs', 'catalog'));
    expect(localApiKey('shop-recs', 'storefront')).not.toBe(localApiKey('other', 'storefront'));
  });
});
