/**
 * An A/B experiment run end to end in the simulated shop: shoppers with the sample data's planted preferences
 * browse the local API, where `recommendations` splits them between the best sellers (popularity) and
 * recommendations for them (user-personalization). The impact report, read back from CloudWatch (moto) where
 * the API's impressions and Personalize's metric attribution land, must equal what the simulation sent, and
 * must call the personalized variant's higher conversion significant.
 */
import { GetMetricDataCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CreateMetricAttributionCommand,
  ListDatasetGroupsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import * as path from 'node:path';
import { parseConfig } from '../../core/config';
import { experimentImpact } from '../../core/experiments/impact';
import { readExperimentCounts } from '../../core/experiments/impact-query';
import type { ServingExperiment } from '../../core/experiments/serving';
import { sampleShopTruth, simulateShoppers, waitForCounts } from '../../local/run/simulated-shop';
import { CLIENTS, ROOT, servingConfig, startServing, type ServingFixture } from './helpers';

const EXPERIMENT: ServingExperiment = {
  name: 'home',
  route: 'recommendations',
  unit: 'user',
  variants: [
    { name: 'best-sellers', target: 'popular', share: 50 },
    { name: 'recommended-for-you', target: 'user-personalization', share: 50 },
  ],
};
const NAMES = { clicks: 'CLICKS', conversions: 'PURCHASES', revenue: 'REVENUE' };

let fx: ServingFixture;

beforeAll(async () => {
  const base = servingConfig();
  fx = await startServing(
    {},
    parseConfig({ ...base, serving: { ...base.serving, experiments: [EXPERIMENT] } }),
  );
  const personalize = new PersonalizeClient({ endpoint: fx.api.emulator.endpoint });
  const groups = await personalize.send(new ListDatasetGroupsCommand({}));
  await personalize.send(
    new CreateMetricAttributionCommand({
      name: `${fx.config.projectName}-attribution`,
      datasetGroupArn: groups.datasetGroups?.find((g) => g.name === fx.config.projectName)?.datasetGroupArn,
      metrics: [
        { eventType: 'view', metricName: NAMES.clicks, expression: 'SAMPLECOUNT()' },
        { eventType: 'purchase', metricName: NAMES.conversions, expression: 'SAMPLECOUNT()' },
        { eventType: 'purchase', metricName: NAMES.revenue, expression: 'SUM(Items.PRICE)' },
      ],
      metricsOutputConfig: { roleArn: 'arn:aws:iam::123456789012:role/shop-recs-personalize' },
    }),
  );
  personalize.destroy();
}, 600_000);

afterAll(async () => {
  await fx?.close();
});

test('recommended-for-you beats best-sellers on conversion, significantly, and the report counts what the shoppers did', async () => {
  // Prepare
  const since = new Date(Date.now() - 60_000);
  const truth = await sampleShopTruth(path.join(ROOT, 'sample-data'));

  // Act
  const tally = await simulateShoppers(
    { url: fx.api.url, key: fx.api.keys[CLIENTS.storefront] ?? '' },
    truth,
    { visits: 300, seed: 7 },
  );
  const sent = EXPERIMENT.variants.map((v) => tally.get(v.name)).filter((c) => c !== undefined);
  const cloudWatch = new CloudWatchClient({});
  const reported = await waitForCounts(
    () =>
      readExperimentCounts(
        (input) => cloudWatch.send(new GetMetricDataCommand(input)),
        fx.config.projectName,
        EXPERIMENT,
        NAMES,
        since,
        new Date(Date.now() + 60_000),
      ),
    tally,
  );
  cloudWatch.destroy();
  const report = experimentImpact(reported, { baseline: 'best-sellers' });

  // Assess: the report's counts are the simulation's
  expect(sent).toHaveLength(2);
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
}, 600_000);
