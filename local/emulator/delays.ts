import { RESOURCE_KINDS, type ResourceKind } from './arn';

/**
 * How long resources wait in their transitional statuses. Kept apart from the context so the lifecycle,
 * which the context holds, can read them without importing the context back.
 */

/** How long a resource waits in each transitional status. */
export interface PhaseDelays {
  /** Time in `CREATE PENDING` / `DELETE PENDING`, in milliseconds. */
  readonly pendingMs: number;
  /** Minimum time in `CREATE IN_PROGRESS` / `DELETE IN_PROGRESS` before the work finishes, in milliseconds. */
  readonly inProgressMs: number;
}

/** Delays per resource kind; `default` applies to kinds not listed. */
export type DelayConfig = { readonly default: PhaseDelays } & Partial<Record<ResourceKind, PhaseDelays>>;

/** Defaults: quick enough for a demo, slow enough that clients really poll. */
export const DEFAULT_DELAYS: DelayConfig = {
  default: { pendingMs: 200, inProgressMs: 800 },
  datasetImportJob: { pendingMs: 300, inProgressMs: 1500 },
  solutionVersion: { pendingMs: 500, inProgressMs: 2000 },
  campaign: { pendingMs: 300, inProgressMs: 1500 },
  batchInferenceJob: { pendingMs: 300, inProgressMs: 1500 },
  batchSegmentJob: { pendingMs: 300, inProgressMs: 1500 },
  recommender: { pendingMs: 500, inProgressMs: 2000 },
  recommenderUpdate: { pendingMs: 500, inProgressMs: 2000 },
};

/** Zero delays everywhere (tests). Transitions still happen asynchronously, never inside the create call. */
export const ZERO_DELAYS: DelayConfig = { default: { pendingMs: 0, inProgressMs: 0 } };

/** The delays for one kind of resource. */
export function delaysFor(config: DelayConfig, kind: ResourceKind): PhaseDelays {
  return config[kind] ?? config.default;
}

/**
 * Checks delay overrides: keys are `default` or a resource kind, each value has `pendingMs` and
 * `inProgressMs` as finite numbers ≥ 0.
 * @throws Error naming the offending key
 */
export function checkDelayOverrides(overrides: Readonly<Record<string, unknown>>): void {
  for (const [kind, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (kind !== 'default' && !(RESOURCE_KINDS as readonly string[]).includes(kind))
      throw new Error(`Unknown delay kind ${kind}; use default or one of ${RESOURCE_KINDS.join(', ')}.`);
    const phases = value as Partial<Record<keyof PhaseDelays, unknown>> | null;
    for (const phase of ['pendingMs', 'inProgressMs'] as const) {
      const ms = phases?.[phase];
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw new Error(`Delay ${kind}.${phase} must be a number of milliseconds ≥ 0, got ${String(ms)}.`);
    }
  }
}
