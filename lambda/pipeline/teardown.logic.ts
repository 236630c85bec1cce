/**
 * Pure logic of the `teardown` step: the order in which a project's Personalize resources are
 * deleted, and what to do on each call.
 *
 * Phases, in dependency order: campaigns → event trackers → filters → solutions (with their
 * versions) → datasets → dataset group → schemas → the project's SSM parameters. Batch jobs and
 * import jobs have no delete API and are left. Each call works on the first phase that still has
 * resources: it deletes those not already being deleted and asks to be called again after a wait.
 * When every phase is empty the teardown is done; calling it again changes nothing.
 */
import { DELETING_STATUSES } from '../shared/personalize';
import type { TeardownPhase } from '../../core/pipeline-contract';

export const TEARDOWN_PHASES: readonly TeardownPhase[] = [
  'campaigns',
  'eventTrackers',
  'filters',
  'solutions',
  'datasets',
  'datasetGroup',
  'schemas',
  'parameters',
];

/** Seconds between teardown calls while deletions run. */
export const TEARDOWN_WAIT_SECONDS = 15;

export interface InventoryItem {
  /** ARN, or the parameter name for `parameters`. */
  readonly id: string;
  readonly status?: string | undefined;
}

export type Inventory = Partial<Record<TeardownPhase, readonly InventoryItem[]>>;

export interface TeardownPlan {
  readonly done: boolean;
  readonly phase?: TeardownPhase;
  /** Resources to send a Delete for now. */
  readonly toDelete: string[];
  /** Resources of the phase already being deleted. */
  readonly alreadyDeleting: string[];
  readonly remaining: Partial<Record<TeardownPhase, string[]>>;
}

/** Every resource of the inventory, in deletion order. */
export function orderedResources(inventory: Inventory): string[] {
  return TEARDOWN_PHASES.flatMap((phase) => (inventory[phase] ?? []).map((item) => item.id));
}

export function planTeardown(inventory: Inventory): TeardownPlan {
  const remaining: Partial<Record<TeardownPhase, string[]>> = {};
  for (const phase of TEARDOWN_PHASES) {
    const items = inventory[phase] ?? [];
    if (items.length > 0) remaining[phase] = items.map((item) => item.id);
  }
  const phase = TEARDOWN_PHASES.find((p) => (inventory[p] ?? []).length > 0);
  if (phase === undefined) return { done: true, toDelete: [], alreadyDeleting: [], remaining };
  const items = inventory[phase] ?? [];
  return {
    done: false,
    phase,
    toDelete: items.filter((item) => !DELETING_STATUSES.has(item.status ?? '')).map((item) => item.id),
    alreadyDeleting: items.filter((item) => DELETING_STATUSES.has(item.status ?? '')).map((item) => item.id),
    remaining,
  };
}

/** Whether a schema name belongs to the project: `<project>-<type>` or `<project>-<type>-v<n>`. */
export function isProjectSchema(project: string, name: string): boolean {
  const escaped = project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}-(interactions|items|users)(-v\\d+)?$`).test(name);
}
