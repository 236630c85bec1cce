/**
 * One line of demo output per meaningful pipeline event: the steps entered, what they created or reused,
 * and failures, from the local execution's event log.
 */
import type { RunProgress } from '../harness/runner';

const STEP_TITLES: Record<string, string> = {
  Validate: 'validate config, schemas and data in S3',
  EnsureDatasetGroup: 'schemas and dataset group',
  EnsureDatasets: 'datasets',
  StartImports: 'dataset import jobs',
  EnsureMetricAttribution: 'metric attribution',
  EnsureRecommenders: 'recommenders (trained on the imported data)',
  UpdateStartedRecommenders: 'recommenders started before their update',
  EnsureFilters: 'filters',
  Solutions: 'solutions (one branch each)',
  EnsureSolution: 'solution',
  TrainVersion: 'train a solution version',
  EvaluateVersion: 'offline metrics and quality gate',
  DeployCampaign: 'campaign',
  EnsureEventTracker: 'event tracker',
  BatchJobs: 'batch jobs',
  PublishSummary: 'run summary (CloudWatch metrics, SNS, EventBridge)',
};

/** The line to print for an event, or undefined for events not worth a line. */
export function describeProgress(event: RunProgress): string | undefined {
  if (event.type === 'StateEntered' && event.state && STEP_TITLES[event.state]) {
    const branch = event.index !== undefined ? ` [branch ${event.index + 1}]` : '';
    return `▸ ${STEP_TITLES[event.state]}${branch}`;
  }
  if (event.type === 'StateRetried' && event.state)
    return `  ↻ ${event.state} retried (${event.error ?? 'throttled'})`;
  if (event.type === 'StateFailed' && event.state)
    return `  ✗ ${event.state}: ${event.error ?? ''} ${event.cause ?? ''}`.trimEnd();
  return undefined;
}
