/**
 * The MonitoringStack of the sample config: the dashboard shows every metric the operations docs promise, found
 * by namespace, metric name and dimensions (the project's own metrics by the names and dimensions the handlers
 * publish, from core/monitoring.ts); every alarm of the app has a description that says what to do and notifies
 * the encrypted project topic on alarm and on recovery; the email parameter subscribes to that topic.
 */
import { readFileSync } from 'node:fs';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig, parseConfig, type PipelineConfig } from '../../core/config';
import {
  DASHBOARD_OFFLINE_METRICS,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  OFFLINE_METRIC_DIMENSIONS,
  PIPELINE_METRICS,
  SERVING_METRICS,
} from '../../core/monitoring';
import { campaignName, datasetGroupName, eventTrackerName } from '../../core/names';
import { PIPELINE_PERMISSIONS } from '../../core/pipeline-steps';
import { findRecipe } from '../../core/recipes';
import { SERVING_HANDLERS } from '../../core/serving/handlers';
import { buildApp } from '../../lib/app';
import { dashboardBodyOf, type Template as CfnTemplate } from '../../scripts/dashboard-picture/body';
import { testApp } from '../util/app';
import { TEST_ENV } from './iam';

const sample = loadConfig('personalize.config.json');
const env = { account: TEST_ENV.account, region: TEST_ENV.region };
const PROJECT = sample.projectName;

function synth(config: PipelineConfig = sample) {
  const app = testApp();
  const stacks = buildApp(app, config, { env });
  const template = (stack: Stack) => Template.fromStack(stack);
  return { stacks, monitoring: template(stacks.monitoring), pipeline: template(stacks.pipeline), template };
}

/** A metric as the dashboard charts it (intrinsics replaced by stand-ins, see dashboardBodyOf). */
interface ChartedMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly label?: string;
  readonly stat?: string;
}

/** Every metric row of every widget of the dashboard, hidden ones (used by expressions) included. */
function chartedMetrics(template: Template): ChartedMetric[] {
  const body = dashboardBodyOf(template.toJSON() as CfnTemplate);
  return body.widgets.flatMap((widget) =>
    (widget.properties?.metrics ?? []).flatMap((row): ChartedMetric[] => {
      if (typeof row[0] !== 'string') return [];
      const last = row[row.length - 1];
      const options = (typeof last === 'object' && last !== null ? last : {}) as {
        label?: string;
        stat?: string;
      };
      const fields = (typeof last === 'object' ? row.slice(0, -1) : row) as string[];
      const [namespace = '', name = '', ...pairs] = fields;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
      return [{ widget: widget.properties?.title ?? '', namespace, name, dimensions, ...options }];
    }),
  );
}

function find(metrics: readonly ChartedMetric[], namespace: string, name: string): ChartedMetric[] {
  return metrics.filter((m) => m.namespace === namespace && m.name === name);
}

const { stacks, monitoring, pipeline, template } = synth();
const metrics = chartedMetrics(monitoring);

describe('the dashboard', () => {
  test('is one dashboard named after the project', () => {
    monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    monitoring.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: PROJECT });
  });

  test('charts pipeline runs started, succeeded, failed and timed out, and their duration p50/p90/p99', () => {
    for (const name of [
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]) {
      const charted = find(metrics, 'AWS/States', name);
      expect(charted.length).toBeGreaterThan(0);
      for (const metric of charted) expect(Object.keys(metric.dimensions)).toEqual(['StateMachineArn']);
    }
    const durations = find(metrics, 'AWS/States', 'ExecutionTime').map((m) => m.stat);
    expect(durations).toEqual(expect.arrayContaining(['p50', 'p90', 'p99']));
  });

  test('charts errors, throttles and p99 duration of every pipeline and serving function, labelled by step or handler', () => {
    const functions = [
      ...Object.keys(PIPELINE_PERMISSIONS),
      ...Object.keys(SERVING_HANDLERS), // the sample config deploys every serving handler
    ].sort();
    for (const name of ['Errors', 'Throttles', 'Duration']) {
      const charted = find(metrics, 'AWS/Lambda', name);
      expect(charted.map((m) => m.label).sort()).toEqual(functions);
      for (const metric of charted) expect(Object.keys(metric.dimensions)).toEqual(['FunctionName']);
    }
    expect(new Set(find(metrics, 'AWS/Lambda', 'Duration').map((m) => m.stat))).toEqual(new Set(['p99']));
  });

  test("charts the API's latency p50/p90/p99 and its 4xx and 5xx answers, by API and stage", () => {
    const latency = find(metrics, 'AWS/ApiGateway', 'Latency');
    expect(latency.map((m) => m.stat)).toEqual(expect.arrayContaining(['p50', 'p90', 'p99']));
    for (const name of ['Latency', '4XXError', '5XXError', 'Count']) {
      const charted = find(metrics, 'AWS/ApiGateway', name);
      expect(charted.length).toBeGreaterThan(0);
      for (const metric of charted) {
        // The stage's name is the serving stack's, imported (dashboardBodyOf shows the stage's logical id).
        expect(metric.dimensions).toEqual({
          ApiName: `${PROJECT}-serving`,
          Stage: expect.stringMatching(/^ApiDeploymentStage/),
        });
      }
    }
  });

  test('charts requests per client with the metric name and dimensions the API handlers publish', () => {
    const charted = find(metrics, METRICS_NAMESPACE, SERVING_METRICS.requests.name);
    expect(charted.map((m) => m.dimensions)).toEqual(
      (sample.serving?.clients ?? []).map((client) => ({
        [METRIC_DIMENSIONS.project]: PROJECT,
        [METRIC_DIMENSIONS.client]: client.name,
      })),
    );
    for (const metric of charted)
      expect(Object.keys(metric.dimensions).sort()).toEqual([...SERVING_METRICS.requests.dimensions].sort());
  });

  test("charts each experiment variant's impressions and attributed events, and their rate per 100 impressions", () => {
    // Prepare
    const experimentConfig = parseConfig({
      ...JSON.parse(readFileSync('personalize.config.json', 'utf8')),
      metricAttribution: {
        metrics: [
          { eventType: 'purchase', metricName: 'PURCHASES', expression: 'SAMPLECOUNT()' },
          { eventType: 'purchase', metricName: 'REVENUE', expression: 'SUM(Items.PRICE)' },
        ],
      },
      serving: {
        ...JSON.parse(readFileSync('personalize.config.json', 'utf8')).serving,
        experiments: [
          {
            name: 'home',
            route: 'recommendations',
            variants: [
              { name: 'popular', target: 'popular', share: 50 },
              { name: 'personal', target: 'user-personalization', share: 50 },
            ],
          },
        ],
      },
    });

    // Act
    const charted = chartedMetrics(synth(experimentConfig).monitoring).filter((m) =>
      m.widget.startsWith('Experiment home'),
    );

    // Assess
    expect(
      find(charted, METRICS_NAMESPACE, SERVING_METRICS.impressions.name).map((m) => m.dimensions),
    ).toContainEqual({
      [METRIC_DIMENSIONS.project]: PROJECT,
      [METRIC_DIMENSIONS.experiment]: 'home',
      [METRIC_DIMENSIONS.variant]: 'personal',
    });
    expect(find(charted, 'AWS/Personalize', 'PURCHASES').map((m) => m.dimensions)).toContainEqual({
      EventAttributionSource: 'home:personal',
    });
    expect(find(charted, 'AWS/Personalize', 'REVENUE').map((m) => m.dimensions)).toContainEqual({
      EventAttributionSource: 'home:popular',
    });
    expect(new Set(charted.map((m) => m.widget))).toEqual(
      new Set([
        'Experiment home (recommendations, by user): impressions and attributed events',
        'Experiment home (recommendations, by user): events per 100 impressions',
      ]),
    );
  });

  test("charts each campaign's calls, latency and 4xx/5xx errors, named after its recipe's operation", () => {
    for (const solution of sample.solutions.filter((s) => s.campaign)) {
      const api = findRecipe(solution.recipe)?.runtimeApi;
      const arn = `arn:Partition:personalize:Region:AccountId:campaign/${campaignName(PROJECT, solution.name)}`;
      for (const name of [`${api}`, `${api}Latency`, `${api}4xxErrors`, `${api}5xxErrors`]) {
        const charted = find(metrics, 'AWS/Personalize', name).filter(
          (m) => m.dimensions.CampaignArn === arn,
        );
        expect({ name, charted: charted.length }).toEqual({ name, charted: 1 });
        expect(Object.keys(charted[0]?.dimensions ?? {})).toEqual(['CampaignArn']);
      }
    }
  });

  test("charts the event tracker's PutEvents calls and errors by dataset group, dataset and tracker", () => {
    const prefix = 'arn:Partition:personalize:Region:AccountId:';
    const group = datasetGroupName(PROJECT);
    for (const name of ['PutEventsRequests', 'PutEvents4xxErrors', 'PutEvents5xxErrors']) {
      expect(find(metrics, 'AWS/Personalize', name).map((m) => m.dimensions)).toEqual([
        {
          DatasetArn: `${prefix}dataset/${group}/INTERACTIONS`,
          DatasetGroupArn: `${prefix}dataset-group/${group}`,
          EventTrackerArn: `${prefix}event-tracker/${eventTrackerName(PROJECT)}`,
        },
      ]);
    }
  });

  test('charts the depth and age of the event queue and of its dead-letter queue', () => {
    for (const name of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']) {
      const queues = find(metrics, 'AWS/SQS', name).map((m) => m.dimensions.QueueName);
      expect(new Set(queues).size).toBe(2);
    }
  });

  test('charts the stage timeouts the pipeline steps count, with the dimensions they publish', () => {
    const charted = find(metrics, METRICS_NAMESPACE, PIPELINE_METRICS.stageTimeouts.name);
    expect(charted.map((m) => m.dimensions)).toEqual([{ [METRIC_DIMENSIONS.project]: PROJECT }]);
    expect(Object.keys(charted[0]?.dimensions ?? {})).toEqual([...PIPELINE_METRICS.stageTimeouts.dimensions]);
  });

  test('charts the offline metrics of every solution over 90 days, with the dimensions the summary step puts', () => {
    for (const metric of DASHBOARD_OFFLINE_METRICS) {
      const charted = find(metrics, METRICS_NAMESPACE, metric);
      expect(charted.map((m) => m.dimensions)).toEqual(
        sample.solutions.map((s) => ({
          [METRIC_DIMENSIONS.project]: PROJECT,
          [METRIC_DIMENSIONS.solution]: s.name,
        })),
      );
      for (const m of charted)
        expect(Object.keys(m.dimensions).sort()).toEqual([...OFFLINE_METRIC_DIMENSIONS].sort());
    }
    const body = dashboardBodyOf(monitoring.toJSON() as CfnTemplate);
    const offline = body.widgets.filter((w) =>
      (w.properties?.metrics ?? []).some((row) =>
        (DASHBOARD_OFFLINE_METRICS as readonly unknown[]).includes(row[1]),
      ),
    );
    expect(offline).toHaveLength(DASHBOARD_OFFLINE_METRICS.length);
    for (const widget of offline) expect(widget.properties).toMatchObject({ start: '-P90D' });
  });

  test('shows the state of every alarm of the app, the dead-letter alarm included', () => {
    const body = dashboardBodyOf(monitoring.toJSON() as CfnTemplate);
    const status = body.widgets.find((w) => w.type === 'alarm');
    const alarmNames = Object.values(monitoring.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName as string,
    );
    expect(status?.properties?.alarms).toEqual(expect.arrayContaining(alarmNames));
    expect(status?.properties?.alarms).toHaveLength(alarmNames.length + 1);
    expect(status?.properties?.alarms).toContain('EventsDeadLetterAlarm');
  });
});

/** The logical id of the pipeline's resource a value imported into the monitoring stack refers to. */
function importedFromPipeline(value: unknown): string | undefined {
  const exportName = (value as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
  const outputs = (
    pipeline.toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> }
  ).Outputs;
  const output = Object.values(outputs ?? {}).find((o) => o.Export?.Name === exportName);
  return (output?.Value as { Ref?: string } | undefined)?.Ref;
}

describe('the alarms', () => {
  const topics = pipeline.findResources('AWS::SNS::Topic');
  const [topicId] = Object.keys(topics);

  test("notify the pipeline's KMS-encrypted notification topic, the only topic of the app", () => {
    expect(Object.keys(topics)).toHaveLength(1);
    expect(topics[topicId ?? '']?.Properties.KmsMasterKeyId).toBeDefined();
    for (const stack of Object.values(stacks)) {
      if (stack !== stacks.pipeline) template(stack).resourceCountIs('AWS::SNS::Topic', 0);
    }
  });

  test('each says what it means and what to do, and notifies the topic on alarm and on recovery', () => {
    const alarms = Object.entries(monitoring.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      const { AlarmDescription, AlarmActions, OKActions, ActionsEnabled } = alarm.Properties;
      expect({ id, description: AlarmDescription }).toEqual({
        id,
        description: expect.stringMatching(/README.md, "Operate"/),
      });
      expect((AlarmDescription as string).length).toBeLessThanOrEqual(1024);
      expect(ActionsEnabled).toBe(true);
      expect((AlarmActions as unknown[]).map(importedFromPipeline)).toEqual([topicId]);
      expect((OKActions as unknown[]).map(importedFromPipeline)).toEqual([topicId]);
    }
  });

  test("the serving stack's dead-letter alarm also has a description and notifies the same topic", () => {
    if (!stacks.serving) throw new Error('The sample config deploys the serving stack');
    const alarms = Object.values(template(stacks.serving).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(1);
    for (const alarm of alarms) {
      expect(JSON.stringify(alarm.Properties.AlarmDescription)).toMatch(/start-message-move-task/);
      const exportName = alarm.Properties.AlarmActions[0]['Fn::ImportValue'];
      expect(importedFromPipeline({ 'Fn::ImportValue': exportName })).toBe(topicId);
    }
  });

  test("fire on a failed run, a stage timeout, the API's 5xx rate and p99 latency, and each campaign's errors", () => {
    const alarms = Object.values(monitoring.findResources('AWS::CloudWatch::Alarm')).map((a) => ({
      name: a.Properties.AlarmName as string,
      metrics: [...new Set(alarmMetricNames(a.Properties))],
    }));
    const campaigns = sample.solutions.filter((s) => s.campaign);
    expect(alarms.map((a) => a.metrics).sort()).toEqual(
      [
        ['ExecutionsFailed'],
        [PIPELINE_METRICS.stageTimeouts.name],
        ['5XXError'],
        ['Latency'],
        ...campaigns.map((s) => {
          const api = findRecipe(s.recipe)?.runtimeApi ?? '';
          return [`${api}4xxErrors`, `${api}5xxErrors`];
        }),
      ].sort(),
    );
    for (const solution of campaigns) {
      expect(alarms.map((a) => a.name)).toContain(
        `${PROJECT}-Personalize-Campaign-${solution.name}-Critical`,
      );
    }
  });
});

/** The metric names an alarm evaluates: its metric's, or those of its expression's metrics. */
function alarmMetricNames(properties: Record<string, unknown>): string[] {
  if (typeof properties.MetricName === 'string') return [properties.MetricName];
  const queries = (properties.Metrics ?? []) as { MetricStat?: { Metric: { MetricName: string } } }[];
  return queries.flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric.MetricName] : []));
}

describe('the alarm email', () => {
  test('is an optional parameter that, when set, subscribes to the alarm topic', () => {
    monitoring.hasParameter('AlarmEmail', { Type: 'String', Default: '' });
    const subscriptions = Object.values(monitoring.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(1);
    const [subscription] = subscriptions;
    expect(subscription?.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
    expect(importedFromPipeline(subscription?.Properties.TopicArn)).toBe(
      Object.keys(pipeline.findResources('AWS::SNS::Topic'))[0],
    );
    expect(subscription?.Condition).toBeDefined();
    monitoring.hasCondition(subscription?.Condition as string, {
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }],
    });
  });
});

describe('without a serving section', () => {
  test('the dashboard and alarms cover the pipeline and the campaigns only', () => {
    const { monitoring: alone } = synth({ ...sample, serving: undefined });
    const charted = chartedMetrics(alone);
    expect(charted.filter((m) => m.namespace === 'AWS/ApiGateway' || m.namespace === 'AWS/SQS')).toEqual([]);
    expect(find(charted, METRICS_NAMESPACE, SERVING_METRICS.requests.name)).toEqual([]);
    const names = Object.values(alone.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName,
    );
    expect(names.filter((n: string) => n.includes('-Api-'))).toEqual([]);
  });
});

test('the monitoring stack matches its snapshot', () => {
  expect(monitoring.toJSON()).toMatchSnapshot();
});
