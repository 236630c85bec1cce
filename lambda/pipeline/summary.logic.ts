/**
 * Pure logic of the `summary` and `notify-failure` steps: the run's status, a readable summary, the
 * offline metrics to publish, and the serving parameter for the real-time API.
 */
import { filterName } from '../../core/names';
import { personalizeArn, type ArnScope } from '../shared/personalize';
import type { BatchJobRunResult, SolutionRunResult, SummaryEvent } from '../../core/pipeline-contract';

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
  if (result.campaign) parts.push(`campaign ${result.campaign.action} (${result.campaign.campaignArn})`);
  return `- ${result.name}: ${parts.length > 0 ? parts.join('; ') : 'no changes'}`;
}

/** The readable summary sent by SNS. */
export function summaryText(event: SummaryEvent, status: 'SUCCEEDED' | 'PARTIAL'): string {
  const lines = [
    `Personalize pipeline run ${event.runId} of project ${event.config.projectName}: ${status}`,
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
  const jobs = event.results.batchJobs ?? [];
  if (jobs.length > 0) {
    lines.push('', 'Batch jobs:', ...jobs.map((j) => batchJobLine(j)));
  }
  return lines.join('\n');
}

/** One line per batch job. */
export function batchJobLine(job: BatchJobRunResult): string {
  if (job.status === 'FAILED')
    return `- ${job.name}: FAILED (${job.error ?? 'unknown error'}) ${causeMessage(job.cause ?? '')}`.trimEnd();
  if (job.status === 'SKIPPED') return `- ${job.name}: skipped (${job.reason ?? 'nothing new'})`;
  return `- ${job.name}: ${job.jobArn ?? job.status}`;
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
export function filterArns(event: SummaryEvent, scope: ArnScope | undefined): Record<string, string> {
  if (event.results.filters?.filters) return event.results.filters.filters;
  if (scope === undefined) return {};
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
}

export function servingParameter(
  event: SummaryEvent,
  campaigns: Record<string, string>,
  filters: Record<string, string>,
): ServingParameter {
  return {
    campaigns,
    filters,
    recipes: Object.fromEntries(event.config.solutions.map((s) => [s.name, s.recipe])),
  };
}

/** The human-readable message inside a Step Functions error cause (Lambda errors are JSON). */
export function causeMessage(cause: string): string {
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      const message = (parsed as { errorMessage: unknown }).errorMessage;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: the cause is the message
  }
  return cause;
}

/** An SNS subject: at most 100 printable characters. */
export function subject(text: string): string {
  const clean = text.replace(/[^\x20-\x7E]/g, ' ');
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}
