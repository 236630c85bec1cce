import { CfnCondition, CfnParameter, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  ApiGatewayMonitoring,
  type CustomMetric,
  CustomMonitoring,
  DefaultDashboardFactory,
  type MetricFactory,
  MetricStatistic,
  type Monitoring,
  MonitoringFacade,
  SnsAlarmActionStrategy,
  SqsQueueMonitoringWithDlq,
  StepFunctionMonitoring,
} from 'cdk-monitoring-constructs';
import type { Construct } from 'constructs';
import type { ExperimentDefinition, PipelineConfig, QualityMetric } from '../../core/config/schema';
import { ATTRIBUTION_NAMESPACE } from '../../core/experiments/impact-query';
import { attributionSourceOf } from '../../core/experiments/serving';
import {
  DASHBOARD_OFFLINE_METRICS,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  PIPELINE_METRICS,
  SERVING_METRICS,
} from '../../core/monitoring';
import {
  eventTrackerDimensions,
  type MonitoredCampaign,
  monitoredCampaigns,
  PersonalizeMetricFactory,
} from '../constructs/personalize-metrics';

/** Where the README explains each alarm and what to do about it. */
const RUNBOOK = 'README.md, "Operate" → "Alarms"';

/** How the dashboard names the offline metrics it charts. */
const OFFLINE_METRIC_LABELS: Readonly<Partial<Record<QualityMetric, string>>> = {
  normalized_discounted_cumulative_gain_at_10: 'NDCG@10',
  precision_at_25: 'Precision@25',
  coverage: 'Coverage',
};

/** The serving side the dashboard and alarms watch. */
export interface MonitoredServing {
  /** The REST API. */
  readonly api: apigateway.IRestApi;
  /** The API's deployed stage. */
  readonly stageName: string;
  /** One function per deployed serving handler, by handler name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The event queue, its dead-letter queue and the dead-letter alarm, when the events route is deployed. */
  readonly eventQueue?: {
    readonly queue: sqs.IQueue;
    readonly deadLetterQueue: sqs.IQueue;
    readonly deadLetterAlarm: cloudwatch.IAlarm;
  };
}

/** The pipeline the dashboard and alarms watch. */
export interface MonitoredPipeline {
  /** The pipeline state machine: its runs. */
  readonly stateMachine: sfn.IStateMachine;
  /** One function per pipeline step, by step name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
}

export interface MonitoringStackProps extends StackProps {
  /** The validated config: project name, campaigns, event tracker and API clients to chart. */
  readonly config: PipelineConfig;
  /**
   * The encrypted topic every alarm notifies (on alarm and on recovery), and the email parameter subscribes
   * to. The app passes the pipeline's notification topic, so one subscription hears of run summaries and
   * alarms alike. Its policy and its key's policy must let CloudWatch alarms of the account publish
   * (PipelineStack and DataStack do).
   */
  readonly alarmTopic: sns.ITopic;
  /** The pipeline. */
  readonly pipeline: MonitoredPipeline;
  /** The serving API, when the config deploys one. @default - no serving widgets or alarms */
  readonly serving?: MonitoredServing;
  /** The API's p99 latency above which, 3 periods of 5 minutes in a row, the latency alarm fires. @default Duration.seconds(1) */
  readonly apiLatencyP99Threshold?: Duration;
  /** The share of API requests answered 5xx above which, 2 of 3 periods of 5 minutes, the alarm fires. @default 0.05 */
  readonly apiFaultRateThreshold?: number;
  /** Failed calls of one campaign in 5 minutes above which, twice in a row, its alarm fires. @default 10 */
  readonly campaignErrorThreshold?: number;
}

/**
 * One CloudWatch dashboard (named after the project) and the alarms of the project, all notifying the encrypted
 * alarm topic, with an optional email subscription from the `AlarmEmail` parameter.
 *
 * The dashboard, top to bottom: the state of every alarm; pipeline runs (started / succeeded / failed / timed
 * out) and their duration; the offline metrics of every trained solution version over 90 days; errors,
 * throttles and duration of each pipeline function; the serving API's requests, latency p50/p90/p99, 4xx/5xx
 * and requests per client; the serving functions; Amazon Personalize's metrics per campaign and for the event
 * tracker; the event queue and its dead-letter queue. cdk-monitoring-constructs builds the sections of the
 * services it covers (Step Functions, API Gateway, SQS) and their alarms; the Personalize and project metrics
 * are custom widgets; the functions are charted one line per function, three widgets per group, rather than
 * the library's four widgets per function.
 *
 * Alarms: a pipeline run failed; a pipeline stage timed out; the API answers more than 5% 5xx; the API's p99
 * latency is above 1 s; a campaign's calls fail. The serving stack's dead-letter alarm is shown with them.
 * Each description says what the alarm means and what to do.
 */
export class MonitoringStack extends Stack {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The alarms this stack creates (the dead-letter alarm is the serving stack's). */
  public readonly alarms: readonly cloudwatch.AlarmBase[];
  /** Email address subscribed to the alarm topic; empty for none. */
  public readonly alarmEmail: CfnParameter;

  private readonly config: PipelineConfig;
  private readonly facade: MonitoringFacade;
  private readonly metricFactory: MetricFactory;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.config = props.config;
    const project = props.config.projectName;

    this.alarmEmail = new CfnParameter(this, 'AlarmEmail', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
      constraintDescription: 'must be an email address, or empty for no subscription',
      description: `Email address subscribed to the ${project} notification topic: alarms, their recovery and pipeline run summaries. Empty: no subscription.`,
    });
    this.subscribeEmail(props.alarmTopic);

    this.facade = new MonitoringFacade(this, 'Monitoring', {
      alarmFactoryDefaults: {
        alarmNamePrefix: project,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.alarmTopic, onOkTopic: props.alarmTopic }),
        datapointsToAlarm: 1,
      },
      metricFactoryDefaults: { period: Duration.minutes(5) },
      // The stack lays out its own dashboard from the sections' widgets (below); the facade renders none.
      dashboardFactory: new DefaultDashboardFactory(this, 'Sections', {
        dashboardNamePrefix: project,
        createDashboard: false,
      }),
    });
    this.metricFactory = this.facade.createMetricFactory();

    const pipeline = this.pipelineRuns(props.pipeline.stateMachine);
    const stageTimeouts = this.stageTimeouts();
    const sections: cloudwatch.IWidget[][] = [
      pipeline.widgets(),
      [stageTimeouts.widget, ...this.offlineMetrics()],
      this.functions('Pipeline functions', props.pipeline.functions),
    ];
    const monitorings: Monitoring[] = [pipeline];
    if (props.serving) {
      const api = this.servingApi(props.serving, props);
      monitorings.push(api);
      sections.push(api.widgets(), this.requestsPerClient());
      for (const experiment of props.config.serving?.experiments ?? [])
        sections.push(this.experiment(experiment));
      sections.push(this.functions('Serving functions', props.serving.functions));
    }
    const personalize = this.personalize(props.campaignErrorThreshold ?? 10);
    monitorings.push(personalize);
    sections.push(personalize.widgets());
    if (props.serving?.eventQueue) sections.push(this.eventQueue(props.serving.eventQueue).widgets());

    this.alarms = [stageTimeouts.alarm, ...monitorings.flatMap((m) => m.createdAlarms().map((a) => a.alarm))];
    const shown: cloudwatch.IAlarm[] = [...this.alarms];
    if (props.serving?.eventQueue) shown.push(props.serving.eventQueue.deadLetterAlarm);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: project,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: [
          `# ${project}`,
          `Pipeline runs, models, serving API, Amazon Personalize. Alarms notify the project's topic; ${RUNBOOK} says what to do.`,
        ].join('\n'),
        width: 24,
        height: 2,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: shown,
        width: 24,
        height: 2 + Math.ceil(shown.length / 4),
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    );
    for (const widgets of sections) this.dashboard.addWidgets(...widgets);
    // CloudFormation takes Tags on dashboards (aws-cdk-lib renders the app's tags there since 2.257); the resource
    // schema bundled with cfn-lint 1.51 predates them, so its E3002 on this resource's Tags is the schema's age.
    (this.dashboard.node.defaultChild as cloudwatch.CfnDashboard).addMetadata('cfn-lint', {
      config: { ignore_checks: ['E3002'] },
    });
  }

  /** Subscribes `AlarmEmail` to the topic when it is not empty. */
  private subscribeEmail(topic: sns.ITopic): void {
    const condition = new CfnCondition(this, 'HasAlarmEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(this.alarmEmail.valueAsString, '')),
    });
    const subscription = new sns.Subscription(this, 'AlarmEmailSubscription', {
      topic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: this.alarmEmail.valueAsString,
    });
    (subscription.node.defaultChild as sns.CfnSubscription).cfnOptions.condition = condition;
  }

  /** Pipeline runs by outcome, their duration, and the failed and timed-out alarms. */
  private pipelineRuns(stateMachine: sfn.IStateMachine): StepFunctionMonitoring {
    const monitoring = new StepFunctionMonitoring(this.facade, {
      stateMachine,
      humanReadableName: 'Pipeline runs',
      alarmFriendlyName: 'Pipeline',
      addFailedExecutionCountAlarm: {
        Critical: {
          maxErrorCount: 0,
          alarmDescriptionOverride: [
            'A pipeline run failed: a step raised an error (the run publishes "Pipeline Run Failed" to the topic with',
            "Personalize's reason verbatim), or it ended PARTIAL (a solution failed, a new version did not pass its",
            'quality gate, or a batch job failed; the run summary on the topic lists which). Campaigns keep serving',
            'the versions they served. Read the failed state in the Step Functions execution, fix the data, config',
            'or quota it names, then start the run again (a re-run reuses what exists).',
            `See ${RUNBOOK}.`,
          ].join(' '),
        },
      },
    });
    this.facade.addSegment(monitoring);
    return monitoring;
  }

  /**
   * Stages that outlived their `timeouts` minutes (the steps' StageTimeouts metric), and the alarm on them. A stage
   * timeout fails the run, or the branch of its solution or batch job, with StageTimeout: the state machine itself
   * has no timeout, so its ExecutionsTimedOut stays at zero.
   */
  private stageTimeouts(): { widget: cloudwatch.IWidget; alarm: cloudwatch.AlarmBase } {
    const spec = PIPELINE_METRICS.stageTimeouts;
    const metric = this.metricFactory.createMetric(
      spec.name,
      MetricStatistic.SUM,
      'Stage timeouts',
      { [METRIC_DIMENSIONS.project]: this.config.projectName },
      undefined,
      METRICS_NAMESPACE,
    );
    const created = this.facade.createAlarmFactory('Pipeline').addAlarm(metric, {
      alarmNameSuffix: 'StageTimeouts',
      disambiguator: 'Critical',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      datapointsToAlarm: 1,
      evaluationPeriods: 1,
      alarmDescription: [
        'A pipeline stage (import, training, campaign, batch job, other) ran longer than its `timeouts` minutes in',
        'the config and its run, or its solution or batch job, failed with StageTimeout (the message names the stage',
        'and the resources still pending). Nothing was deleted and the job may still finish in Personalize. Check',
        'it in the Personalize console; if it is only slow, raise that timeout and deploy, then start the run again:',
        'it picks up the finished job instead of starting a new one.',
        `See ${RUNBOOK}.`,
      ].join(' '),
    });
    const widget = new cloudwatch.GraphWidget({
      title: 'Stage timeouts',
      width: 6,
      height: 6,
      left: [metric],
      leftAnnotations: [created.annotation],
      leftYAxis: { min: 0, showUnits: false },
    });
    return { widget, alarm: created.alarm };
  }

  /** Each offline metric of every trained version over 90 days, one line per solution, from the summary step. */
  private offlineMetrics(): cloudwatch.IWidget[] {
    const project = this.config.projectName;
    return DASHBOARD_OFFLINE_METRICS.map(
      (metric) =>
        new cloudwatch.GraphWidget({
          title: `${OFFLINE_METRIC_LABELS[metric] ?? metric} of trained versions`,
          width: 18 / DASHBOARD_OFFLINE_METRICS.length,
          height: 6,
          start: '-P90D',
          period: Duration.days(1),
          left: this.config.solutions.map((solution) =>
            this.metricFactory.createMetric(
              metric,
              MetricStatistic.MAX,
              solution.name,
              { [METRIC_DIMENSIONS.project]: project, [METRIC_DIMENSIONS.solution]: solution.name },
              undefined,
              METRICS_NAMESPACE,
              Duration.days(1),
            ),
          ),
          leftYAxis: { min: 0, max: 1, showUnits: false },
        }),
    );
  }

  /** Errors, throttles and p99 duration of each function, one line per function. */
  private functions(
    title: string,
    functions: Readonly<Record<string, lambda.IFunction>>,
  ): cloudwatch.IWidget[] {
    const entries = Object.entries(functions);
    const graph = (name: string, metric: (fn: lambda.IFunction, label: string) => cloudwatch.IMetric) =>
      new cloudwatch.GraphWidget({
        title: `${title}: ${name}`,
        width: 8,
        height: 6,
        left: entries.map(([label, fn]) => metric(fn, label)),
        leftYAxis: { min: 0, showUnits: false },
        legendPosition: cloudwatch.LegendPosition.RIGHT,
      });
    const period = Duration.minutes(5);
    return [
      graph('errors', (fn, label) => fn.metricErrors({ label, period, statistic: MetricStatistic.SUM })),
      graph('throttles', (fn, label) =>
        fn.metricThrottles({ label, period, statistic: MetricStatistic.SUM }),
      ),
      graph('duration p99 (ms)', (fn, label) =>
        fn.metricDuration({ label, period, statistic: MetricStatistic.P99 }),
      ),
    ];
  }

  /** The API's requests, latency and errors, and its 5xx-rate and p99-latency alarms. */
  private servingApi(serving: MonitoredServing, props: MonitoringStackProps): ApiGatewayMonitoring {
    const latency = props.apiLatencyP99Threshold ?? Duration.seconds(1);
    const faultRate = props.apiFaultRateThreshold ?? 0.05;
    const monitoring = new ApiGatewayMonitoring(this.facade, {
      api: serving.api,
      apiStage: serving.stageName,
      humanReadableName: 'Serving API',
      alarmFriendlyName: 'Api',
      add5XXFaultRateAlarm: {
        Critical: {
          maxErrorRate: faultRate,
          datapointsToAlarm: 2,
          evaluationPeriods: 3,
          // A handful of requests is no rate: 1 failure in 2 requests is not an outage.
          minSampleCountToEvaluateDatapoint: 20,
          alarmDescriptionOverride: [
            `More than ${faultRate * 100}% of the serving API's requests were answered 5xx in 2 of the last 3`,
            '5-minute periods (with at least 20 requests each): callers get errors instead of recommendations or',
            "their events are refused. Read the serving functions' logs by the requestId of a failed call: 503",
            'NotDeployed = the pipeline has not deployed that campaign or the event tracker yet; 503 Retry =',
            'Personalize or the queue failed or is being updated (see the campaign metrics); 500 = a handler bug;',
            '502/504 from API Gateway = the function crashed or ran past 29 s. Roll back a bad deployment.',
            `See ${RUNBOOK}.`,
          ].join(' '),
        },
      },
      addLatencyP99Alarm: {
        Critical: {
          maxLatency: latency,
          datapointsToAlarm: 3,
          evaluationPeriods: 3,
          minSampleCountToEvaluateDatapoint: 20,
          alarmDescriptionOverride: [
            `The serving API's p99 latency has been above ${latency.toMilliseconds()} ms for 15 minutes (with at`,
            'least 20 requests in each 5 minutes): the slowest callers wait too long for recommendations. Compare',
            "the campaigns' latency on the dashboard (Personalize itself slow: raise the campaign's",
            "minProvisionedTPS) with the serving functions' duration (cold starts, throttling retries). The alarm",
            'clears by itself when latency drops.',
            `See ${RUNBOOK}.`,
          ].join(' '),
        },
      },
    });
    this.facade.addSegment(monitoring);
    return monitoring;
  }

  /** The serving handlers' `Requests` metric, one line per API client (API keys have no metrics of their own). */
  private requestsPerClient(): cloudwatch.IWidget[] {
    const clients = this.config.serving?.clients ?? [];
    const metric = SERVING_METRICS.requests;
    return [
      new cloudwatch.GraphWidget({
        title: 'Requests per client',
        width: 24,
        height: 6,
        left: clients.map((client) =>
          this.metricFactory.createMetric(
            metric.name,
            MetricStatistic.SUM,
            client.name,
            { [METRIC_DIMENSIONS.project]: this.config.projectName, [METRIC_DIMENSIONS.client]: client.name },
            undefined,
            METRICS_NAMESPACE,
          ),
        ),
        leftYAxis: { min: 0, showUnits: false },
      }),
    ];
  }

  /**
   * One experiment: per variant, the items it showed (`Impressions`), the events Personalize's metric attribution
   * counted for it (each metric of `metricAttribution`, by `EventAttributionSource`), and each counted event type
   * per 100 impressions (click-through and conversion rates). `npm run impact` adds intervals and significance.
   */
  private experiment(experiment: ExperimentDefinition): cloudwatch.IWidget[] {
    const project = this.config.projectName;
    const counted = this.config.metricAttribution?.metrics ?? [];
    const impressions = (variant: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: SERVING_METRICS.impressions.name,
        dimensionsMap: {
          [METRIC_DIMENSIONS.project]: project,
          [METRIC_DIMENSIONS.experiment]: experiment.name,
          [METRIC_DIMENSIONS.variant]: variant,
        },
        statistic: cloudwatch.Stats.SUM,
        label: `${variant}: impressions`,
      });
    const attributed = (variant: string, metricName: string) =>
      new cloudwatch.Metric({
        namespace: ATTRIBUTION_NAMESPACE,
        metricName,
        dimensionsMap: { EventAttributionSource: attributionSourceOf(experiment.name, variant) },
        statistic: cloudwatch.Stats.SUM,
        label: `${variant}: ${metricName}`,
      });
    const variants = experiment.variants.map((v) => v.name);
    // Ids are unique per graph: one expression per variant and counted event type.
    const rates = variants.flatMap((variant, v) =>
      counted
        .filter((m) => m.expression === 'SAMPLECOUNT()')
        .map(
          (m, i) =>
            new cloudwatch.MathExpression({
              expression: `100 * events${v}_${i} / shown${v}`,
              usingMetrics: {
                [`events${v}_${i}`]: attributed(variant, m.metricName),
                [`shown${v}`]: impressions(variant),
              },
              label: `${variant}: ${m.metricName} per 100 impressions`,
            }),
        ),
    );
    const title = `Experiment ${experiment.name} (${experiment.route}, by ${experiment.unit})`;
    return [
      new cloudwatch.GraphWidget({
        title: `${title}: impressions and attributed events`,
        width: 12,
        height: 6,
        left: variants.flatMap((variant) => [
          impressions(variant),
          ...counted.map((m) => attributed(variant, m.metricName)),
        ]),
        leftYAxis: { min: 0, showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: `${title}: events per 100 impressions`,
        width: 12,
        height: 6,
        left: rates,
        leftYAxis: { min: 0, showUnits: false },
      }),
    ];
  }

  /** Amazon Personalize per campaign (requests, latency, errors with an alarm each) and for the event tracker. */
  private personalize(errorThreshold: number): CustomMonitoring {
    const metrics = new PersonalizeMetricFactory(this.metricFactory);
    const campaigns = monitoredCampaigns(this.config);
    const tracker = eventTrackerDimensions(this.config);
    const groups: { title: string; metrics: CustomMetric[] }[] = [
      { title: 'Campaign requests', metrics: campaigns.map((c) => metrics.campaignRequests(c)) },
      { title: 'Campaign latency (ms, average)', metrics: campaigns.map((c) => metrics.campaignLatency(c)) },
      {
        title: 'Campaign errors (4xx + 5xx)',
        metrics: campaigns.map((c, i) => this.campaignErrors(metrics, c, `campaign${i}`, errorThreshold)),
      },
    ];
    if (tracker) {
      groups.push(
        { title: 'Event tracker: PutEvents calls', metrics: [metrics.putEventsRequests(tracker)] },
        {
          title: 'Event tracker: PutEvents errors',
          metrics: [metrics.putEventsErrors(tracker, '4xx'), metrics.putEventsErrors(tracker, '5xx')],
        },
      );
    }
    const monitoring = new CustomMonitoring(this.facade, {
      humanReadableName: 'Amazon Personalize',
      alarmFriendlyName: 'Personalize',
      metricGroups: groups,
    });
    this.facade.addSegment(monitoring);
    return monitoring;
  }

  /**
   * A campaign's 4xx + 5xx calls, alarmed on when above the threshold twice in a row; `id` keeps the
   * expression's metric ids apart from the other campaigns' in the same widget.
   */
  private campaignErrors(
    metrics: PersonalizeMetricFactory,
    campaign: MonitoredCampaign,
    id: string,
    threshold: number,
  ): CustomMetric {
    const errors = this.metricFactory.createMetricMath(
      `${id}x4 + ${id}x5`,
      {
        [`${id}x4`]: metrics.campaignErrors(campaign, '4xx'),
        [`${id}x5`]: metrics.campaignErrors(campaign, '5xx'),
      },
      campaign.solution,
    );
    return {
      metric: errors,
      alarmFriendlyName: `Campaign-${campaign.solution}`,
      addAlarm: {
        Critical: {
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          datapointsToAlarm: 2,
          evaluationPeriods: 2,
          alarmDescriptionOverride: [
            `The campaign of solution ${campaign.solution} answered more than ${threshold} ${campaign.api} calls`,
            'with an error (4xx or 5xx) in each of the last two 5-minute periods, so the API routes it serves',
            'fail. 5xx: Amazon Personalize is failing (check the AWS Health Dashboard; the serving API answers',
            '502/504). 4xx: the campaign is missing or being updated (ResourceNotFound / ResourceInUse: see the',
            'last pipeline run), throttled above its quota (raise minProvisionedTPS), or sent bad requests (a',
            'filter or parameter the handler builds; see the serving function logs). Roll back to the previous',
            'solution version if a new one is the cause.',
            `See ${RUNBOOK}.`,
          ].join(' '),
        },
      },
    };
  }

  /** Depth and age of the event queue and its dead-letter queue (whose alarm the serving stack owns). */
  private eventQueue(queues: NonNullable<MonitoredServing['eventQueue']>): SqsQueueMonitoringWithDlq {
    const monitoring = new SqsQueueMonitoringWithDlq(this.facade, {
      queue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      humanReadableName: 'Event queue',
      alarmFriendlyName: 'EventQueue',
    });
    this.facade.addSegment(monitoring);
    return monitoring;
  }
}
