/**
 * The metric attribution step's logic against a fake Personalize: created with the config's metrics and the
 * output (the Personalize role, the bucket's metric-attribution/ prefix, the project key), left alone on a
 * re-run, updated by removing and adding the metrics that changed, and never created next to another one.
 */
import type { MetricAttribute, PersonalizeClient } from '@aws-sdk/client-personalize';
import type { MetricAttributionEvent, ResolvedConfig } from '../../../core/pipeline-contract';
import {
  ensureMetricAttribution,
  planMetricAttribution,
} from '../../../lambda/pipeline/metric-attribution.logic';
import { ResourceConflict } from '../../../lambda/shared/errors';

const A = 'arn:aws:personalize:us-east-1:123456789012';
const GROUP = `${A}:dataset-group/shop`;
const ATTRIBUTION = `${A}:metric-attribution/shop-attribution`;
const OUTPUT = {
  roleArn: 'arn:aws:iam::123456789012:role/shop-personalize',
  s3DataDestination: {
    path: 's3://shop-bucket/metric-attribution/',
    kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
  },
};
const DEPS = {
  bucket: 'shop-bucket',
  kmsKeyArn: OUTPUT.s3DataDestination.kmsKeyArn,
  personalizeRoleArn: OUTPUT.roleArn,
};
const CLICKS = { eventType: 'Click', metricName: 'CLICKS', expression: 'SAMPLECOUNT()' };
const REVENUE = { eventType: 'Purchase', metricName: 'REVENUE', expression: 'SUM(Items.PRICE)' };

interface Stored {
  arn: string;
  status: string;
  metrics: MetricAttribute[];
  output: typeof OUTPUT;
}

function fakePersonalize(stored: Stored[] = []) {
  const calls: Array<{ op: string; input: Record<string, unknown> }> = [];
  const notFound = () => Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const op = command.constructor.name.replace(/Command$/, '');
      const input = command.input;
      calls.push({ op, input });
      const row = stored.find((s) => s.arn === input.metricAttributionArn);
      switch (op) {
        case 'DescribeMetricAttribution':
          if (!row) throw notFound();
          return {
            metricAttribution: {
              metricAttributionArn: row.arn,
              status: row.status,
              metricsOutputConfig: row.output,
            },
          };
        case 'ListMetricAttributions':
          return {
            metricAttributions: stored.map((s) => ({ metricAttributionArn: s.arn, status: s.status })),
          };
        case 'ListMetricAttributionMetrics':
          return { metrics: row?.metrics ?? [] };
        case 'CreateMetricAttribution':
          stored.push({
            arn: `${A}:metric-attribution/${String(input.name)}`,
            status: 'CREATE PENDING',
            metrics: input.metrics as MetricAttribute[],
            output: input.metricsOutputConfig as typeof OUTPUT,
          });
          return {};
        case 'UpdateMetricAttribution':
          return {};
        default:
          throw new Error(`unexpected ${op}`);
      }
    },
  };
  return { personalize: client as unknown as PersonalizeClient, calls };
}

function event(metrics: MetricAttribute[] | undefined): MetricAttributionEvent {
  const config = {
    projectName: 'shop',
    tags: {},
    recommenders: [],
    ...(metrics ? { metricAttribution: { metrics } } : {}),
  } as unknown as ResolvedConfig;
  return { config, datasetGroupArn: GROUP };
}

describe('metric attribution step', () => {
  test('creates the attribution with the config metrics and the output of the project', async () => {
    // Prepare
    const fake = fakePersonalize();

    // Act
    const result = await ensureMetricAttribution(event([CLICKS, REVENUE]), { ...fake, ...DEPS });

    // Assess
    expect(result).toMatchObject({ metricAttributionArn: ATTRIBUTION, action: 'created' });
    expect(result.targets).toEqual([{ kind: 'metricAttribution', arn: ATTRIBUTION }]);
    expect(fake.calls.find((c) => c.op === 'CreateMetricAttribution')?.input).toEqual({
      name: 'shop-attribution',
      datasetGroupArn: GROUP,
      metrics: [CLICKS, REVENUE],
      metricsOutputConfig: OUTPUT,
    });
  });

  test('changes nothing when the attribution has the config metrics and output', async () => {
    // Prepare
    const fake = fakePersonalize([
      { arn: ATTRIBUTION, status: 'ACTIVE', metrics: [CLICKS, REVENUE], output: OUTPUT },
    ]);

    // Act
    const result = await ensureMetricAttribution(event([REVENUE, CLICKS]), { ...fake, ...DEPS });

    // Assess
    expect(result.action).toBe('unchanged');
    expect(fake.calls.map((c) => c.op)).not.toContain('UpdateMetricAttribution');
  });

  test('removes and adds the metrics that changed', async () => {
    // Prepare
    const fake = fakePersonalize([
      { arn: ATTRIBUTION, status: 'ACTIVE', metrics: [CLICKS, REVENUE], output: OUTPUT },
    ]);
    const purchases = { eventType: 'Purchase', metricName: 'PURCHASES', expression: 'SAMPLECOUNT()' };
    const changedRevenue = { ...REVENUE, eventType: 'Order' };

    // Act
    const result = await ensureMetricAttribution(event([changedRevenue, purchases]), { ...fake, ...DEPS });

    // Assess
    expect(result).toMatchObject({
      action: 'updated',
      added: ['REVENUE', 'PURCHASES'],
      removed: ['CLICKS', 'REVENUE'],
    });
    expect(fake.calls.find((c) => c.op === 'UpdateMetricAttribution')?.input).toEqual({
      metricAttributionArn: ATTRIBUTION,
      addMetrics: [changedRevenue, purchases],
      removeMetrics: ['CLICKS', 'REVENUE'],
    });
  });

  test('refuses to create one next to another attribution of the dataset group', async () => {
    // Prepare
    const fake = fakePersonalize([
      { arn: `${A}:metric-attribution/made-by-hand`, status: 'ACTIVE', metrics: [CLICKS], output: OUTPUT },
    ]);

    // Act & Assess
    await expect(ensureMetricAttribution(event([CLICKS]), { ...fake, ...DEPS })).rejects.toThrow(
      ResourceConflict,
    );
  });

  test('does nothing for a config without a metric attribution', async () => {
    const fake = fakePersonalize();
    const result = await ensureMetricAttribution(event(undefined), { ...fake, ...DEPS });
    expect(result).toMatchObject({ action: 'none', targets: [] });
    expect(fake.calls).toEqual([]);
  });

  test('plans an output-only update when the bucket changed', () => {
    const plan = planMetricAttribution([CLICKS], OUTPUT, {
      metrics: [CLICKS],
      output: {
        ...OUTPUT,
        s3DataDestination: { ...OUTPUT.s3DataDestination, path: 's3://old/metric-attribution/' },
      },
    });
    expect(plan).toEqual({ add: [], remove: [], output: true });
  });
});
