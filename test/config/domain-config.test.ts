/**
 * The config of a domain dataset group: recommenders, metric attribution, and serving experiments.
 */
import { join } from 'node:path';
import { loadConfig, parseConfig, type PipelineConfigInput } from '../../core/config';
import { issuesOf } from './helpers';

const ROOT = join(__dirname, '..', '..');

/** A config document as a test edits it. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An ECOMMERCE project with two recommenders, a popularity solution and an experiment between them. */
function domainConfig(change?: (config: Json) => void): PipelineConfigInput {
  const config = {
    projectName: 'shop',
    datasetGroup: { domain: 'ECOMMERCE' },
    datasets: {
      interactions: { schemaFile: 'schemas/interactions.json', dataLocation: 'datasets/interactions/' },
      items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' },
    },
    solutions: [{ name: 'popular', recipe: 'aws-popularity-count', campaign: { minProvisionedTPS: 1 } }],
    recommenders: [
      { name: 'for-you', useCase: 'aws-ecomm-recommended-for-you' },
      { name: 'also-viewed', useCase: 'aws-ecomm-customers-who-viewed-x-also-viewed' },
    ],
    metricAttribution: {
      metrics: [{ eventType: 'Purchase', metricName: 'REVENUE', expression: 'SUM(Items.PRICE)' }],
    },
    serving: {
      campaigns: { recommendations: 'for-you', related: 'also-viewed' },
      clients: [
        { name: 'web', routes: ['recommendations', 'related', 'events'], rateLimit: 10, burstLimit: 20 },
      ],
      experiments: [
        {
          name: 'home',
          route: 'recommendations',
          variants: [
            { name: 'popular', target: 'popular', share: 50 },
            { name: 'personal', target: 'for-you', share: 50 },
          ],
        },
      ],
    },
  };
  change?.(config);
  return config as PipelineConfigInput;
}

describe('the config of a domain dataset group', () => {
  test('accepts recommenders, a metric attribution and an experiment, with defaults applied', () => {
    // Act
    const config = parseConfig(domainConfig());
    // Assess
    expect(config.recommenders[0]).toEqual({
      name: 'for-you',
      useCase: 'aws-ecomm-recommended-for-you',
      recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      stopped: false,
    });
    expect(config.serving?.experiments[0]?.unit).toBe('user');
  });

  test('loads the ECOMMERCE example with all five use cases', () => {
    const config = loadConfig(join(ROOT, 'examples', 'ecommerce', 'personalize.config.json'));
    expect(config.recommenders.map((r) => r.useCase).sort()).toEqual([
      'aws-ecomm-customers-who-viewed-x-also-viewed',
      'aws-ecomm-frequently-bought-together',
      'aws-ecomm-popular-items-by-purchases',
      'aws-ecomm-popular-items-by-views',
      'aws-ecomm-recommended-for-you',
    ]);
  });

  test('accepts a stopped recommender that no route or experiment names', () => {
    // Act
    const config = parseConfig(
      domainConfig((c) => {
        c.recommenders[1].stopped = true;
        delete c.serving.campaigns.related;
        c.serving.clients[0].routes = ['recommendations', 'events'];
      }),
    );

    // Assess
    expect(config.recommenders.map((r) => r.stopped)).toEqual([false, true]);
  });

  test.each([
    [
      'recommenders without a domain',
      (c: Json) => delete c.datasetGroup,
      'recommenders: recommenders need a domain dataset group; set datasetGroup.domain to ECOMMERCE or VIDEO_ON_DEMAND',
    ],
    [
      'a use case of the other domain',
      (c: Json) => (c.recommenders[0].useCase = 'aws-vod-top-picks'),
      'recommenders[0].useCase: "aws-vod-top-picks" is not a use case of ECOMMERCE; expected one of aws-ecomm-',
    ],
    [
      'a recommender named like a solution',
      (c: Json) => (c.recommenders[1].name = 'popular'),
      'recommenders[1].name: "popular" is also a solution\'s name',
    ],
    [
      'more than five recommenders',
      (c: Json) =>
        (c.recommenders = Array.from({ length: 6 }, (_, i) => ({
          name: `r${i}`,
          useCase: 'aws-ecomm-recommended-for-you',
        }))),
      'recommenders: too many entries (6); expected at most 5',
    ],
    [
      'a route served by a use case of the wrong kind',
      (c: Json) => (c.serving.campaigns.related = 'for-you'),
      'serving.campaigns.related: recommender "for-you" serves aws-ecomm-recommended-for-you (USER_PERSONALIZATION); the related route needs a RELATED_ITEMS use case',
    ],
    [
      'a route served by a stopped recommender',
      (c: Json) => (c.recommenders[1].stopped = true),
      'serving.campaigns.related: recommender "also-viewed" is stopped (recommenders[1].stopped: true) and answers no requests',
    ],
    [
      'an experiment variant answered by a stopped recommender',
      (c: Json) => (c.recommenders[0].stopped = true),
      'serving.experiments[0].variants[1].target: recommender "for-you" is stopped (recommenders[0].stopped: true) and answers no requests',
    ],
    [
      'shares that do not add up to 100',
      (c: Json) => (c.serving.experiments[0].variants[0].share = 40),
      "serving.experiments[0].variants: the variants' shares add up to 90; they must add up to 100",
    ],
    [
      'a variant answered by nothing the config has',
      (c: Json) => (c.serving.experiments[0].variants[1].target = 'for-yu'),
      'serving.experiments[0].variants[1].target: unknown solution or recommender "for-yu"',
    ],
    [
      'a variant with an unknown filter',
      (c: Json) => (c.serving.experiments[0].variants[1].filter = 'cheap'),
      'serving.experiments[0].variants[1].filter: unknown filter "cheap"; no filters are defined',
    ],
    [
      'two experiments on one route',
      (c: Json) => c.serving.experiments.push({ ...c.serving.experiments[0], name: 'home-2' }),
      'serving.experiments[1].route: the recommendations route already has experiment "home"',
    ],
    [
      'a metric expression Personalize does not know',
      (c: Json) => (c.metricAttribution.metrics[0].expression = 'AVG(Items.PRICE)'),
      'metricAttribution.metrics[0].expression: expected SAMPLECOUNT() or SUM(Items.<numeric column>)',
    ],
    [
      'a metric on item columns without an items dataset',
      (c: Json) => {
        delete c.datasets.items;
        c.recommenders = [];
        c.serving.campaigns = {};
        c.serving.clients[0].routes = ['events'];
        c.serving.experiments = [];
      },
      'metricAttribution.metrics[0].expression: SUM(Items.<column>) reads the items dataset',
    ],
  ])('refuses %s, naming the field', (_name, change, message) => {
    expect(issuesOf(domainConfig(change)).join('\n')).toContain(message);
  });
});
