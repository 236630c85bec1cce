import { parseConfig } from '../../core/config';
import { issuesOf, minimalConfig } from './helpers';

/** A valid config with every solution the serving API can use, and `serving` as given. */
function servingConfig(
  serving: Record<string, unknown>,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  const base = minimalConfig();
  return {
    ...base,
    datasets: {
      ...base.datasets,
      items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' },
    },
    solutions: [
      { name: 'recs', recipe: 'aws-user-personalization', campaign: {} },
      { name: 'similar', recipe: 'aws-sims', campaign: {} },
      { name: 'ranking', recipe: 'aws-personalized-ranking', campaign: {} },
      { name: 'popular', recipe: 'aws-popularity-count', campaign: {} },
      { name: 'offline', recipe: 'aws-user-personalization' },
    ],
    serving,
    ...changes,
  };
}

const allCampaigns = { recommendations: 'recs', related: 'similar', ranking: 'ranking', popular: 'popular' };

describe('the serving section', () => {
  test('is optional: a config without it deploys no API', () => {
    // Act
    const config = parseConfig(minimalConfig());

    // Assess
    expect(config.serving).toBeUndefined();
  });

  test('applies the defaults for rates, origins and WAF', () => {
    // Act
    const config = parseConfig(
      servingConfig({
        campaigns: allCampaigns,
        clients: [{ name: 'storefront', routes: ['recommendations'] }],
      }),
    );

    // Assess
    expect(config.serving).toEqual({
      campaigns: allCampaigns,
      allowedOrigins: [],
      clients: [{ name: 'storefront', routes: ['recommendations'], rateLimit: 50, burstLimit: 100 }],
      waf: { enabled: false, rateLimitPer5Minutes: 2000 },
      experiments: [],
    });
  });

  test('accepts a browser key and a server key with different routes', () => {
    // Act
    const act = () =>
      parseConfig(
        servingConfig({
          campaigns: allCampaigns,
          allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
          clients: [
            { name: 'storefront', routes: ['recommendations', 'related', 'popular', 'ranking', 'events'] },
            {
              name: 'catalog-sync',
              routes: ['items'],
              rateLimit: 5,
              burstLimit: 10,
              quota: { limit: 10000, period: 'DAY' },
            },
          ],
        }),
      );

    // Assess
    expect(act).not.toThrow();
  });

  test.each([
    [
      'a campaign route naming an unknown solution',
      servingConfig({
        campaigns: { recommendations: 'nope' },
        clients: [{ name: 'web', routes: ['events'] }],
      }),
      'serving.campaigns.recommendations: unknown solution or recommender "nope"; expected one of recs, similar, ranking, popular, offline',
    ],
    [
      'a campaign route naming a solution without a campaign',
      servingConfig({
        campaigns: { recommendations: 'offline' },
        clients: [{ name: 'web', routes: ['events'] }],
      }),
      'serving.campaigns.recommendations: solution "offline" has no campaign; add "campaign" to solutions[4] so the route has an endpoint to call',
    ],
    [
      'a campaign route naming a solution of the wrong recipe family',
      servingConfig({ campaigns: { related: 'recs' }, clients: [{ name: 'web', routes: ['related'] }] }),
      'serving.campaigns.related: solution "recs" uses aws-user-personalization (USER_PERSONALIZATION); the related route needs a RELATED_ITEMS recipe: aws-similar-items, aws-sims, aws-semantic-similarity',
    ],
    [
      'a client route with no campaign behind it',
      servingConfig({
        campaigns: { recommendations: 'recs' },
        clients: [{ name: 'web', routes: ['popular'] }],
      }),
      'serving.clients[0].routes[0]: route "popular" is not served: serving.campaigns.popular names no deployable campaign',
    ],
    [
      'an events route with the event tracker disabled',
      servingConfig(
        { campaigns: {}, clients: [{ name: 'web', routes: ['events'] }] },
        { eventTracker: { enabled: false } },
      ),
      'serving.clients[0].routes[0]: route "events" is not served: the event tracker is disabled (eventTracker.enabled: false)',
    ],
    [
      'a users route without a users dataset',
      servingConfig({ campaigns: {}, clients: [{ name: 'sync', routes: ['users'] }] }),
      'serving.clients[0].routes[0]: route "users" is not served: the config has no users dataset',
    ],
    [
      'two clients with the same name',
      servingConfig({
        campaigns: {},
        clients: [
          { name: 'web', routes: ['events'] },
          { name: 'web', routes: ['items'] },
        ],
      }),
      'serving.clients[1].name: duplicate client name "web" (also used by serving.clients[0]); each client gets its own API key',
    ],
    [
      'an unknown route',
      servingConfig({ campaigns: {}, clients: [{ name: 'web', routes: ['orders'] }] }),
      'serving.clients[0].routes[0]: string "orders" is not allowed; expected one of "recommendations", "related", "ranking", "popular", "events", "items", "users"',
    ],
    [
      'an origin that is not an http(s) URL',
      servingConfig({
        campaigns: {},
        allowedOrigins: ['shop.example.com'],
        clients: [{ name: 'web', routes: ['events'] }],
      }),
      'serving.allowedOrigins[0]: expected an origin such as https://shop.example.com',
    ],
  ])('rejects %s, naming the field', (_name, input, issue) => {
    // Act & Assess
    expect(issuesOf(input)).toContain(issue);
  });
});
