/**
 * The summary handler against moto and the emulator: it publishes the offline metrics, notifies, and writes
 * the serving parameter, keeping a solution's existing campaign when the run did not deploy it.
 */
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  DASHBOARD_OFFLINE_METRICS,
  METRICS_NAMESPACE,
  OFFLINE_METRIC_DIMENSIONS,
} from '../../../core/monitoring';
import { PARAMETER_PREFIX } from '../helpers';
import { PROJECT, project, world } from './fixture';

describe('the summary handler', () => {
  test('summary publishes metrics, notifies and writes the serving parameter', async () => {
    // Prepare
    const { h, ssm } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { filters: filterArns } = await p.filters();
    const { solutionVersionArn } = await p.trained();
    const evaluation = await p.evaluated();
    const campaign = await p.deployed();
    const tracker = await p.tracker();
    // Act
    const result = await h.summary({
      ...run,
      results: {
        solutions: [
          {
            name: 'popular',
            status: 'DEPLOYED',
            solutionVersionArn,
            trained: true,
            gate: evaluation,
            campaign,
          },
        ],
        filters: {
          filters: filterArns,
          created: [],
          deleted: [],
          pendingDeletion: [],
          targets: [],
          startedAt: 0,
        },
        eventTracker: tracker,
        batchJobs: [
          {
            name: 'nightly',
            status: 'COMPLETED',
            jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/x',
          },
        ],
      },
    });
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.summary).toContain(
      `Personalize pipeline run ${run.runId} of project ${PROJECT}: SUCCEEDED`,
    );
    expect(result.summary).toContain(`- popular: trained version ${solutionVersionArn}; quality gate passed`);
    expect(result.summary).toContain(
      '- nightly: arn:aws:personalize:us-east-1:123456789012:batch-inference-job/x',
    );
    const serving = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/serving` }));
    expect(JSON.parse(serving.Parameter?.Value ?? '{}')).toEqual({
      campaigns: { popular: campaign.campaignArn },
      filters: filterArns,
      recipes: { popular: 'aws-popularity-count' },
      recommenders: {},
    });
    // The metrics the dashboard charts (core/monitoring.ts), under exactly the dimensions it charts them by.
    const cloudWatch = new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 });
    for (const metric of DASHBOARD_OFFLINE_METRICS) {
      const metrics = await cloudWatch.send(
        new ListMetricsCommand({ Namespace: METRICS_NAMESPACE, MetricName: metric }),
      );
      expect(metrics.Metrics?.map((m) => m.Dimensions)).toEqual([
        OFFLINE_METRIC_DIMENSIONS.map((name, i) => ({ Name: name, Value: i === 0 ? PROJECT : 'popular' })),
      ]);
    }
    cloudWatch.destroy();
  });

  test('summary reports a partial run when a solution failed, and keeps serving its existing campaign', async () => {
    // Prepare
    const { h, ssm } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const campaign = await p.deployed();
    const cause = JSON.stringify({ errorType: 'ResourceFailed', errorMessage: 'training failed' });
    // Act
    const result = await h.summary({
      ...run,
      results: {
        solutions: [{ name: 'popular', status: 'FAILED', error: 'ResourceFailed', cause }],
        eventTracker: {},
      },
    });
    // Assess
    expect(result.status).toBe('PARTIAL');
    expect(result.summary).toContain('- popular: FAILED (ResourceFailed) training failed');
    const serving = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/serving` }));
    expect(JSON.parse(serving.Parameter?.Value ?? '{}').campaigns).toEqual({ popular: campaign.campaignArn });
  });
});
