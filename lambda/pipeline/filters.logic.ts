/**
 * Pure logic of the `filters` step: which filters to create and which to delete.
 *
 * A config filter `f` with expression `e` is the Personalize filter `<project>-f-<sha256(e)[0..8]>`,
 * so changing the expression creates a new filter rather than editing one (filters are immutable).
 * A superseded generation of `f` is deleted only once the new one is ACTIVE (until then it is
 * reported in `pendingDeletion`, and the state machine calls the step again after polling);
 * filters of the group that belong to no config filter are deleted right away.
 */
import { DELETING_STATUSES } from '../shared/personalize';
import { filterName, filterPrefix } from '../../core/names';

/** A filter that exists in the dataset group. */
export interface ExistingFilter {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
}

export interface FilterPlan {
  /** Config name → Personalize name of the filter to exist. */
  readonly wanted: Record<string, string>;
  /** Config filters whose current generation must be created. */
  readonly create: Array<{ readonly configName: string; readonly name: string; readonly expression: string }>;
  /** ARNs to delete now. */
  readonly delete: string[];
  /** ARNs to delete once their replacement is ACTIVE. */
  readonly pendingDeletion: string[];
}

const GENERATION = /^[0-9a-f]{8}$/;

/** Whether `name` is some generation of config filter `configName`. */
export function isGenerationOf(project: string, configName: string, name: string): boolean {
  const prefix = filterPrefix(project, configName);
  return name.startsWith(prefix) && GENERATION.test(name.slice(prefix.length));
}

export function planFilters(
  project: string,
  filters: ReadonlyArray<{ readonly name: string; readonly expression: string }>,
  existing: readonly ExistingFilter[],
): FilterPlan {
  const wanted: Record<string, string> = {};
  const create: FilterPlan['create'] = [];
  const byName = new Map(existing.map((f) => [f.name, f]));
  for (const filter of filters) {
    const name = filterName(project, filter.name, filter.expression);
    wanted[filter.name] = name;
    if (!byName.has(name) || DELETING_STATUSES.has(byName.get(name)?.status ?? '')) {
      create.push({ configName: filter.name, name, expression: filter.expression });
    }
  }
  const wantedNames = new Set(Object.values(wanted));
  const remove: string[] = [];
  const pendingDeletion: string[] = [];
  for (const filter of existing) {
    if (wantedNames.has(filter.name) || DELETING_STATUSES.has(filter.status)) continue;
    const owner = filters.find((f) => isGenerationOf(project, f.name, filter.name));
    if (owner === undefined) {
      remove.push(filter.arn);
      continue;
    }
    const replacement = byName.get(wanted[owner.name] ?? '');
    if (replacement?.status === 'ACTIVE') remove.push(filter.arn);
    else pendingDeletion.push(filter.arn);
  }
  return { wanted, create, delete: remove, pendingDeletion };
}
