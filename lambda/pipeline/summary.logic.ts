/**
 * The `summary` step: the end of a run. {@link summarizeRun} publishes each evaluated version's offline
 * metrics to CloudWatch (dimensions Project and Solution, core/monitoring.ts), writes `<prefix>/serving` =
 * `{ campaigns, filters, recipes, recommenders }` for the real-time API, sends a readable summary to SNS and a
 * `Pipeline Run Summary` event to EventBridge. Status is PARTIAL when a solution failed or did not pass its
 * quality gate, or a batch job failed.
 */
import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeCampaignCommand, type PersonalizeClient } from '@aws-sdk/client-personalize';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { METRIC_DIMENSIONS, STAGE_TIMEOUT_ERROR } from '../../core/monitoring';
import { campaignName, filterName } from '../../core/names';
import type {
  BatchJobRunResult,
  MetricAttributionResult,
  RecommenderOutcome,
  SolutionRunResult,
  SummaryEvent,
  SummaryResult,
} from '../../core/pipeline-contract';
import { logger } from '../shared/logger';
import { causeMessage, pipelineEvent, putPipelineEvent, subject } from '../shared/notifications';
import { describeOrUndefined, personalizeArn, scopeOfArn, type ArnScope } from '../shared/personalize';
import { putJsonParameter } from './parameters';

/** What {@link summarizeRun} works with. */
export interface SummaryDeps {
  readonly personalize: PersonalizeClient;
  readonly ssm: SSMClient;
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
  readonly cloudWatch: CloudWatchClient;
  /** Partition, region and account of the function, for ARNs the run's results do not carry. */
  readonly scope: ArnScope;
  /** The deployed project (PROJECT_NAME), for a config without a name. */
  readonly projectName: string;
  /** The topic of run summaries (TOPIC_ARN). */
  readonly topicArn: string;
  /** The bus of pipeline events (EVENT_BUS_NAME). */
  readonly eventBusName: string;
  /** Prefix of the project's SSM parameters (PARAMETER_PREFIX). */
  readonly parameterPrefix: string;
  /** CloudWatch namespace of the offline metrics (METRICS_NAMESPACE). */
  readonly metricsNamespace: string;
  /** Records stages of the run's branches that outlived their timeout (StageTimeouts). @default - not recorded */
  readonly countStageTimeouts?: (count: number) => void;
}

/** Publishes the run's metrics, serving parameter, summary and event; returns the status and the summary. */
export async function summarizeRun(event: SummaryEvent, deps: SummaryDeps): Promise<SummaryResult> {
  const { results, config } = event;
  const status = runStatus(results.solutions, results.batchJobs);
  const summary = summaryText(event, status);
  const project = config.projectName || deps.projectName;
  await publishMetrics(deps, project, metricPoints(results.solutions));
  deps.countStageTimeouts?.(stageTimeoutsOf(results.solutions, results.batchJobs));
  const scope = scopeOfRun(event) ?? deps.scope;
  const serving = servingParameter(
    event,
    await servedCampaigns(deps, event, scope),
    filterArns(event, scope),
    results.recommenders?.recommenders ?? {},
  );
  await putJsonParameter(deps.ssm, `${deps.parameterPrefix}/serving`, serving);
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Subject: subject(`Personalize pipeline ${project} run ${event.runId}: ${status}`),
      Message: summary,
    }),
  );
  await putPipelineEvent(
    deps.eventBridge,
    pipelineEvent(deps.eventBusName, 'Pipeline Run Summary', {
      project,
      runId: event.runId,
      status,
      startedAt: event.startedAt,
      ...(event.lease?.queuedBehind !== undefined
        ? { queuedBehind: event.lease.queuedBehind, queuedSeconds: event.lease.waitedSeconds }
        : {}),
      solutions: results.solutions,
      eventTracker: results.eventTracker,
      batchJobs: results.batchJobs ?? [],
      ...(results.recommenders ? { recommenders: results.recommenders.outcomes } : {}),
      ...(results.metricAttribution?.metricAttributionArn
        ? {
            metricAttribution: {
              arn: results.metricAttribution.metricAttributionArn,
              action: results.metricAttribution.action,
            },
          }
        : {}),
      serving,
    }),
  );
  logger.info('Run summary', { runId: event.runId, status });
  return { status, summary };
}

/** Puts the metric points, 500 per request (PutMetricData's limit). */
async function publishMetrics(
  deps: SummaryDeps,
  project: string,
  points: readonly MetricPoint[],
): Promise<void> {
  const timestamp = new Date();
  for (let i = 0; i < points.length; i += 500) {
    const data: MetricDatum[] = points.slice(i, i + 500).map((p) => ({
      MetricName: p.metric,
      Value: p.value,
      Unit: 'None',
      Timestamp: timestamp,
      Dimensions: [
        { Name: METRIC_DIMENSIONS.project, Value: project },
        { Name: METRIC_DIMENSIONS.solution, Value: p.solution },
      ],
    }));
    await deps.cloudWatch.send(
      new PutMetricDataCommand({ Namespace: deps.metricsNamespace, MetricData: data }),
    );
  }
}

/**
 * Config solution → campaign ARN: the campaign this run deployed, else (gate failed, error, not selected)
 * the solution's existing campaign, which keeps serving.
 */
async function servedCampaigns(
  deps: SummaryDeps,
  event: SummaryEvent,
  scope: ArnScope,
): Promise<Record<string, string>> {
  const project = event.config.projectName || deps.projectName;
  const campaigns: Record<string, string> = {};
  for (const solution of event.config.solutions) {
    if (solution.campaign === undefined) continue;
    const result = event.results.solutions.find((r) => r.name === solution.name);
    if (result?.campaign) {
      campaigns[solution.name] = result.campaign.campaignArn;
      continue;
    }
    const campaignArn = personalizeArn(scope, 'campaign', campaignName(project, solution.name));
    const existing = await describeOrUndefined(() =>
      deps.personalize.send(new DescribeCampaignCommand({ campaignArn })),
    );
    if (existing?.campaign) campaigns[solution.name] = campaignArn;
  }
  return campaigns;
}

/** The ARN scope of an ARN in the run's results, if they carry one. */
function scopeOfRun(event: SummaryEvent): ArnScope | undefined {
  const arn =
    event.results.solutions.find((r) => r.solutionVersionArn)?.solutionVersionArn ??
    event.results.eventTracker?.eventTrackerArn ??
    event.results.solutions.find((r) => r.campaign)?.campaign?.campaignArn;
  return arn === undefined ? undefined : scopeOfArn(arn);
}

/** An offline metric of a solution's evaluated version. */
export interface MetricPoint {
  readonly solution: string;
  readonly metric: string;
  readonly value: number;
}

/**
 * SUCCEEDED when every selected solution finished without error and passed its quality gate and
 * every batch job completed; otherwise PARTIAL.
 */
export function runStatus(
  results: readonly SolutionRunResult[],
  batchJobs: readonly BatchJobRunResult[] = [],
): 'SUCCEEDED' | 'PARTIAL' {
  const solutionsOk = results.every(
    (r) =>
      r.error === undefined && r.status !== 'FAILED' && r.status !== 'GATED_OUT' && r.gate?.passed !== false,
  );
  return solutionsOk && batchJobs.every((j) => j.status !== 'FAILED') ? 'SUCCEEDED' : 'PARTIAL';
}

/** One line per solution. */
export function solutionLine(result: SolutionRunResult): string {
  if (result.error !== undefined || result.status === 'FAILED') {
    return `- ${result.name}: FAILED (${result.error ?? 'unknown error'}) ${causeMessage(result.cause ?? '')}`.trimEnd();
  }
  if (result.status === 'SKIPPED') return `- ${result.name}: not selected for this run`;
  const parts: string[] = [];
  if (result.solutionVersionArn) {
    parts.push(`${result.trained ? 'trained' : 'kept'} version ${result.solutionVersionArn}`);
  }
  if (result.gate)
    parts.push(`quality gate ${result.gate.passed ? 'passed' : 'FAILED'}: ${result.gate.reason}`);
  if (result.campaign) {
    const { action, campaignArn, previousSolutionVersionArn: previous } = result.campaign;
    // The version to roll back to, should the new one misbehave (README, "Retrain and roll back a campaign").
    const before = action === 'updated' && previous ? `, serving ${previous} before` : '';
    parts.push(`campaign ${action} (${campaignArn}${before})`);
  }
  return `- ${result.name}: ${parts.length > 0 ? parts.join('; ') : 'no changes'}`;
}

/** The readable summary sent by SNS. */
export function summaryText(event: SummaryEvent, status: 'SUCCEEDED' | 'PARTIAL'): string {
  const lines = [
    `Personalize pipeline run ${event.runId} of project ${event.config.projectName}: ${status}`,
    ...queuedLines(event),
    '',
    'Solutions:',
    ...event.results.solutions.map(solutionLine),
  ];
  const imports = event.results.imports?.imports ?? [];
  if (imports.length > 0) {
    lines.push(
      '',
      'Imports:',
      ...imports.map((i) => `- ${i.datasetType}: ${i.jobArn ?? `skipped (${i.skipped ?? 'no reason'})`}`),
    );
  }
  if (event.results.eventTracker?.eventTrackerArn)
    lines.push('', `Event tracker: ${event.results.eventTracker.eventTrackerArn}`);
  const recommenders = event.results.recommenders?.outcomes ?? [];
  if (recommenders.length > 0) lines.push('', 'Recommenders:', ...recommenders.map(recommenderLine));
  const attribution = event.results.metricAttribution;
  if (attribution?.metricAttributionArn) lines.push('', metricAttributionLine(attribution));
  const jobs = event.results.batchJobs ?? [];
  if (jobs.length > 0) {
    lines.push('', 'Batch jobs:', ...jobs.map((j) => batchJobLine(j)));
  }
  return lines.join('\n');
}

/** One line per recommender: what the run did to it. */
export function recommenderLine(outcome: RecommenderOutcome): string {
  const changes = outcome.changes && outcome.changes.length > 0 ? `: ${outcome.changes.join(', ')}` : '';
  const action = outcome.action === 'unchanged' ? 'no changes' : `${outcome.action}${changes}`;
  return `- ${outcome.name}: ${action} (${outcome.recommenderArn})`;
}

/** The metric attribution's line: what the run did to it. */
export function metricAttributionLine(result: MetricAttributionResult): string {
  const parts = [
    ...(result.added && result.added.length > 0 ? [`added ${result.added.join(', ')}`] : []),
    ...(result.removed && result.removed.length > 0 ? [`removed ${result.removed.join(', ')}`] : []),
  ];
  const action = result.action === 'unchanged' ? 'no changes' : result.action;
  return `Metric attribution: ${action}${parts.length > 0 ? ` (${parts.join('; ')})` : ''} ${result.metricAttributionArn ?? ''}`.trimEnd();
}

/** Whether the run waited for another run of the project (runs.overlap: queue), and for how long. */
export function queuedLines(event: SummaryEvent): string[] {
  const lease = event.lease;
  if (lease?.queuedBehind === undefined) return [];
  return [
    '',
    `Queued: started while execution ${lease.queuedBehind} was running (runs.overlap: queue); waited ${lease.waitedSeconds} s for it to end before changing anything.`,
  ];
}

/** One line per batch job. */
export function batchJobLine(job: BatchJobRunResult): string {
  if (job.status === 'FAILED')
    return `- ${job.name}: FAILED (${job.error ?? 'unknown error'}) ${causeMessage(job.cause ?? '')}`.trimEnd();
  if (job.status === 'SKIPPED') return `- ${job.name}: skipped (${job.reason ?? 'nothing new'})`;
  return `- ${job.name}: ${job.jobArn ?? job.status}`;
}

/** How many solution and batch job branches a stage timeout stopped (the run went on without them). */
export function stageTimeoutsOf(
  solutions: readonly SolutionRunResult[],
  batchJobs: readonly BatchJobRunResult[] = [],
): number {
  return [...solutions, ...batchJobs].filter((r) => r.error === STAGE_TIMEOUT_ERROR).length;
}

/** Offline metrics of every evaluated version. */
export function metricPoints(results: readonly SolutionRunResult[]): MetricPoint[] {
  return results.flatMap((r) =>
    Object.entries(r.gate?.metrics ?? {})
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]))
      .map(([metric, value]) => ({ solution: r.name, metric, value })),
  );
}

/** The config's filters as ARNs: from the `filters` step result, else built in the given scope. */
export function filterArns(event: SummaryEvent, scope: ArnScope): Record<string, string> {
  if (event.results.filters?.filters) return event.results.filters.filters;
  return Object.fromEntries(
    event.config.filters.map((f) => [
      f.name,
      personalizeArn(scope, 'filter', filterName(event.config.projectName, f.name, f.expression)),
    ]),
  );
}

/** What the serving API reads from `<prefix>/serving`. */
export interface ServingParameter {
  readonly campaigns: Record<string, string>;
  readonly filters: Record<string, string>;
  readonly recipes: Record<string, string>;
  /**
   * Config recommender name → recommender ARN of each recommender that answers requests (empty for a config
   * without recommenders; a stopped one is left out, so the API never calls it).
   */
  readonly recommenders: Record<string, string>;
}

/**
 * The serving parameter of the run: campaign, filter and recommender ARNs by config name, and each solution's
 * recipe. `recommenders` was added next to the first three, which keep their shape; it leaves out the recommenders
 * the run's config stops (`stopped: true`), which answer no requests.
 */
export function servingParameter(
  event: SummaryEvent,
  campaigns: Record<string, string>,
  filters: Record<string, string>,
  recommenders: Record<string, string> = {},
): ServingParameter {
  const stoppedNames = new Set(
    (event.config.recommenders ?? []).filter((r) => r.stopped === true).map((r) => r.name),
  );
  return {
    campaigns,
    filters,
    recipes: Object.fromEntries(event.config.solutions.map((s) => [s.name, s.recipe])),
    recommenders: Object.fromEntries(
      Object.entries(recommenders).filter(([name]) => !stoppedNames.has(name)),
    ),
  };
}
