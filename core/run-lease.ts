/**
 * One run at a time per project: the stages a run's lease covers between two renewals, and the run timeout a
 * queued run waits at most. Pure, shared by the workflow (lib/) and the lease handler (lambda/).
 *
 * A run takes the lease before it changes anything and renews it at two stage boundaries (three when its
 * definition has the domain stages: the metric attribution and the recommenders of a domain dataset group,
 * after the imports); each time it holds it for the timeouts of the stages until the next renewal (plus a
 * margin). Every stage is bounded by its timeout, so a live run never outlives its lease, and the lease of a
 * run that died without releasing it expires on its own.
 */
import type { LeaseStage } from './pipeline-contract';

export type { LeaseStage };

/** The stages each hold of the lease covers, by where the run takes or renews it. */
export const LEASE_HOLDS = {
  /** Taken at the start: validation, dataset group, datasets, imports. */
  take: ['other', 'other', 'other', 'import'],
  /** Renewed after the imports: filters, then per solution: solution, training, campaign. */
  afterImports: ['other', 'other', 'training', 'campaign'],
  /** Renewed after the solutions: event tracker, batch jobs, summary. */
  afterSolutions: ['other', 'batch', 'other'],
} as const satisfies Readonly<Record<string, readonly LeaseStage[]>>;

/** Every stage of a run without domain stages, in order. */
export const RUN_STAGES: readonly LeaseStage[] = [
  ...LEASE_HOLDS.take,
  ...LEASE_HOLDS.afterImports,
  ...LEASE_HOLDS.afterSolutions,
];

/** What of a config decides its domain stages. */
export interface DomainStagesOf {
  readonly recommenders: readonly unknown[];
  readonly metricAttribution?: unknown;
}

/**
 * The domain stages of a config's run, the hold of the renewal after the imports: the metric attribution
 * (`other`), when it has one; the recommenders (`training`: their creation trains a model), then their second
 * pass (`training`: an update or stop once those it started or created are ACTIVE), when it has some. Empty for
 * a config with neither, whose definition has no domain stages.
 */
export function domainStages(config: DomainStagesOf): LeaseStage[] {
  return [
    ...(config.metricAttribution !== undefined ? (['other'] as const) : []),
    ...(config.recommenders.length > 0 ? (['training', 'training'] as const) : []),
  ];
}

/** Every stage of a run, in order: {@link RUN_STAGES} with the definition's domain stages after the imports. */
export function runStages(domain: readonly LeaseStage[] = []): LeaseStage[] {
  return [...LEASE_HOLDS.take, ...domain, ...LEASE_HOLDS.afterImports, ...LEASE_HOLDS.afterSolutions];
}

/** Added to every hold: Lambda cold starts, retries with backoff and the Wait states between polls. */
export const LEASE_MARGIN_MINUTES = 15;

/** The stage timeouts (config `timeouts`), in minutes. */
export type StageMinutes = Readonly<Record<LeaseStage, number>>;

/** Minutes the stages take at most, by their timeouts. */
export function stagesMinutes(stages: readonly LeaseStage[], timeouts: StageMinutes): number {
  return stages.reduce((sum, stage) => sum + timeouts[stage], 0);
}

/** How long a hold of the lease lasts, in seconds: the stages' timeouts plus the margin. */
export function holdSeconds(stages: readonly LeaseStage[], timeouts: StageMinutes): number {
  return (stagesMinutes(stages, timeouts) + LEASE_MARGIN_MINUTES) * 60;
}

/**
 * The run timeout: the longest a run can last (every stage at its timeout, the definition's domain stages
 * included, plus the margin). A queued run waits at most this long, by which time the run it waits for has
 * ended or its lease has expired.
 */
export function runTimeoutSeconds(timeouts: StageMinutes, domain: readonly LeaseStage[] = []): number {
  return holdSeconds(runStages(domain), timeouts);
}

/** How often a queued run tries the lease again at first, in seconds. */
export const QUEUE_POLL_SECONDS = 30;

/** How often a queued run tries the lease again at most, in seconds. */
export const QUEUE_MAX_POLL_SECONDS = 300;

/**
 * How long a queued run waits before its next try: 30 s at first, then 5% of the time it has waited, at most
 * 5 minutes. A run queued behind a long training notices its end at most 5 minutes late, and even a wait as
 * long as the run timeout stays far from the 25,000 events of an execution's history (each try adds ten).
 */
export function queueWaitSeconds(waitedSeconds: number): number {
  return Math.min(QUEUE_MAX_POLL_SECONDS, Math.max(QUEUE_POLL_SECONDS, Math.round(waitedSeconds * 0.05)));
}
