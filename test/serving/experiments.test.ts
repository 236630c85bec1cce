/**
 * An A/B experiment in the local serving API, on campaigns the local pipeline trained on the sample data: each
 * shopper keeps the variant the split gives them, the response names it, and the events that follow reach
 * Personalize with the variant as their attribution source, so metric attribution counts each variant apart.
 * Last, the simulated shop: shoppers with the sample data's planted preferences browse the API, and the impact
 * report read back from CloudWatch (moto) counts what they did and calls the personalized variant's higher
 * conversion significant.
 */
import {
  CreateMetricAttributionCommand,
  ListDatasetGroupsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseConfig, type PipelineConfig } from '../../core/config';
import * as path from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { assignVariant } from '../../core/experiments/assignment';
import { experimentImpact, type VariantCounts } from '../../core/experiments/impact';
import { readExperimentCounts } from '../../core/experiments/impact-query';
import type { ServingExperiment } from '../../core/experiments/serving';
import { sampleShopTruth, simulateShoppers, waitForCounts } from '../../local/run/simulated-shop';
import { call, CLIENTS, ROOT, servingConfig, startServing, type ServingFixture } from './helpers';

const VARIANTS = [
  { name: 'best-sellers', target: 'popular', share: 50 },
  { name: 'recommended-for-you', target: 'user-personalization', share: 50 },
];
const EXPERIMENT: ServingExperiment = {
  name: 'home',
  route: 'recommendations',
  unit: 'user',
  variants: VARIANTS,
};
/** The metric attribution's metrics the impact report reads: a click on a shown item is a view of it. */
const NAMES = { clicks: 'VIEWS', conversions: 'PURCHASES', revenue: 'REVENUE' };

function experimentConfig(): PipelineConfig {
  const base = servingConfig();
  return parseConfig({
    ...base,
    serving: {
      ...base.serving,
      experiments: [EXPERIMENT],
    },
  });
}

let fx: ServingFixture;
let personalize: PersonalizeClient;

beforeAll(async () => {
  fx = await startServing({}, experimentConfig());
  personalize = new PersonalizeClient({ endpoint: fx.api.emulator.endpoint });
  const groups = await personalize.send(new ListDatasetGroupsCommand({}));
  const datasetGroupArn = groups.datasetGroups?.find(
    (g) => g.name === fx.config.projectName,
  )?.datasetGroupArn;
  await personalize.send(
    new CreateMetricAttributionCommand({
      name: `${fx.config.projectName}-attribution`,
      datasetGroupArn,
      metrics: [
        { eventType: 'click', metricName: 'CLICKS', expression: 'SAMPLECOUNT()' },
        { eventType: 'view', metricName: NAMES.clicks, expression: 'SAMPLECOUNT()' },
        { eventType: 'purchase', metricName: NAMES.conversions, expression: 'SAMPLECOUNT()' },
        { eventType: 'purchase', metricName: NAMES.revenue, expression: 'SUM(Items.PRICE)' },
      ],
      metricsOutputConfig: { roleArn: 'arn:aws:iam::123456789012:role/shop-recs-personalize' },
    }),
  );
}, 600_000);

afterAll(async () => {
  personalize?.destroy();
  await fx?.close();
});

const USERS = Array.from({ length: 30 }, (_, i) => `user-${String(i + 1).padStart(4, '0')}`);

/** The attribution totals the emulator holds, by source, once `expected` events are counted. */
async function attributedClicks(expected: number): Promise<Record<string, number>> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const response = await fetch(`${fx.api.emulator.endpoint}/_emulator/metric-attributions`);
    const { metricAttributions } = (await response.json()) as {
      metricAttributions: Array<{ totals: Array<{ metricName: string; source: string; samples: number }> }>;
    };
    const totals = metricAttributions.flatMap((a) => a.totals).filter((t) => t.metricName === 'CLICKS');
    if (totals.reduce((sum, t) => sum + t.samples, 0) >= expected)
      return Object.fromEntries(totals.map((t) => [t.source, t.samples]));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the consumer did not deliver ${expected} events in time`);
}

describe('an experiment on the recommendations route', () => {
  test("answers each shopper from their variant's campaign and names the variant", async () => {
    // Prepare
    const ssm = new SSMClient({});
    const serving = JSON.parse(
      (await ssm.send(new GetParameterCommand({ Name: `/${fx.config.projectName}/serving` }))).Parameter
        ?.Value ?? '{}',
    ) as { campaigns: Record<string, string> };
    ssm.destroy();
    const runtime = new PersonalizeRuntimeClient({ endpoint: fx.api.emulator.endpoint });

    for (const userId of USERS.slice(0, 6)) {
      // Act
      const reply = await call(
        fx.api,
        CLIENTS.storefront,
        'GET',
        `/recommendations?userId=${userId}&numResults=5`,
      );

      // Assess
      const variant = assignVariant('home', userId, VARIANTS);
      expect(reply.status).toBe(200);
      expect(reply.body.experiment).toEqual({
        name: 'home',
        variant: variant.name,
        attributionSource: `home:${variant.name}`,
      });
      const direct = await runtime.send(
        new GetRecommendationsCommand({
          campaignArn: serving.campaigns[variant.target],
          userId,
          numResults: 5,
        }),
      );
      expect((reply.body.items as Array<{ itemId: string }>).map((i) => i.itemId)).toEqual(
        (direct.itemList ?? []).map((i) => i.itemId),
      );
    }
    runtime.destroy();
  });

  test('gives both variants to a part of the shoppers, each keeping theirs', async () => {
    const first = new Map<string, string>();
    for (const userId of USERS) {
      const reply = await call(fx.api, CLIENTS.storefront, 'GET', `/recommendations?userId=${userId}`);
      first.set(userId, (reply.body.experiment as { variant: string }).variant);
    }
    const again = await call(fx.api, CLIENTS.storefront, 'GET', `/recommendations?userId=${USERS[0]}`);

    expect(new Set(first.values())).toEqual(new Set(['best-sellers', 'recommended-for-you']));
    expect((again.body.experiment as { variant: string }).variant).toBe(first.get(USERS[0] ?? ''));
  });

  test('refuses an event whose attribution source is no variant, naming it', async () => {
    const reply = await call(fx.api, CLIENTS.storefront, 'POST', '/events', {
      sessionId: 's-bad',
      userId: 'user-0001',
      events: [{ eventId: 'bad-1', eventType: 'click', itemId: 'item-0001', attributionSource: 'home:nope' }],
    });

    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain(
      'events[0].attributionSource: unknown attribution source "home:nope"; the API\'s experiments give home:best-sellers, home:recommended-for-you',
    );
  });

  test("counts each click under its shopper's variant, whether the event names it or not", async () => {
    // Act: every shopper clicks once; the first ten name their variant, the others leave it to the API
    const expected: Record<string, number> = {};
    for (const [index, userId] of USERS.entries()) {
      const source = `home:${assignVariant('home', userId, VARIANTS).name}`;
      expected[source] = (expected[source] ?? 0) + 1;
      const reply = await call(fx.api, CLIENTS.storefront, 'POST', '/events', {
        sessionId: `s-${userId}`,
        userId,
        events: [
          {
            eventId: `click-${userId}`,
            eventType: 'click',
            itemId: 'item-0001',
            ...(index < 10 ? { attributionSource: source } : {}),
          },
        ],
      });
      expect(reply.status).toBe(202);
    }

    // Assess
    expect(await attributedClicks(USERS.length)).toEqual(expected);
  });

  test('in the simulated shop, recommended-for-you beats best-sellers on conversion, significantly, and the report counts what the shoppers did', async () => {
    // Prepare: the report's counts before the visits, which earlier tests' requests are part of
    const since = new Date(Date.now() - 120_000);
    const cloudWatch = new CloudWatchClient({});
    const read = () =>
      readExperimentCounts(
        (input) => cloudWatch.send(new GetMetricDataCommand(input)),
        fx.config.projectName,
        EXPERIMENT,
        NAMES,
        since,
        new Date(Date.now() + 60_000),
      );
    const before = await read();
    const truth = await sampleShopTruth(path.join(ROOT, 'sample-data'));

    // Act
    const tally = await simulateShoppers(
      { url: fx.api.url, key: fx.api.keys[CLIENTS.storefront] ?? '' },
      truth,
      { visits: 300, seed: 7 },
    );
    const reported = await waitForCounts(async () => minus(await read(), before), tally);
    cloudWatch.destroy();
    const report = experimentImpact(reported, { baseline: 'best-sellers' });

    // Assess: the report's counts are the simulation's
    expect(reported).toHaveLength(2);
    for (const counts of reported) {
      const expected = tally.get(counts.variant);
      expect(counts).toMatchObject({
        impressions: expected?.impressions,
        clicks: expected?.clicks,
        conversions: expected?.conversions,
      });
      expect(counts.revenue).toBeCloseTo(expected?.revenue ?? Number.NaN, 2);
    }
    // ... and personalized recommendations convert better, by a margin the report calls significant
    const conversion = report.comparisons.find((c) => c.metric === 'conversion');
    expect(conversion).toMatchObject({
      variant: 'recommended-for-you',
      baseline: 'best-sellers',
      significant: true,
    });
    expect(conversion?.difference).toBeGreaterThan(0);
  });
});

/** Each variant's counts less what it had counted before. */
function minus(after: readonly VariantCounts[], before: readonly VariantCounts[]): VariantCounts[] {
  return after.map((a) => {
    const b = before.find((c) => c.variant === a.variant);
    return {
      variant: a.variant,
      impressions: a.impressions - (b?.impressions ?? 0),
      clicks: a.clicks - (b?.clicks ?? 0),
      conversions: a.conversions - (b?.conversions ?? 0),
      revenue: a.revenue - (b?.revenue ?? 0),
    };
  });
}
