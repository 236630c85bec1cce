/**
 * The `filters` step: ensures the config's filters in the dataset group and removes superseded ones.
 *
 * A config filter `f` with expression `e` is the Personalize filter `<project>-f-<sha256(e)[0..8]>`,
 * so changing the expression creates a new filter rather than editing one (filters are immutable).
 * A superseded generation of `f` is deleted only once the new one is ACTIVE (until then it is
 * reported in `pendingDeletion`, and the state machine calls the step again after polling);
 * filters of the group that belong to no config filter are deleted right away.
 */
import {
  CreateFilterCommand,
  DeleteFilterCommand,
  ListFiltersCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { filterName, filterPrefix } from '../../core/names';
import type { FiltersEvent, FiltersResult } from '../../core/pipeline-contract';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  DELETING_STATUSES,
  isAlreadyExists,
  isNotFound,
  listAll,
  personalizeArn,
  scopeOfArn,
  tagged,
  type PersonalizeDeps,
} from '../shared/personalize';

/**
 * Creates the config's filters that are missing and deletes those it no longer wants; returns the ARN of
 * each config filter, what was created and deleted, and `pendingDeletion`: old generations to delete on a
 * later call, once their replacements are ACTIVE.
 */
export async function ensureFilters(
  event: FiltersEvent,
  { personalize }: PersonalizeDeps,
): Promise<FiltersResult> {
  const scope = scopeOfArn(event.datasetGroupArn);
  const existing = await existingFilters(personalize, event.datasetGroupArn);
  const plan = planFilters(event.config.projectName, event.config.filters, existing);
  const created: string[] = [];
  for (const filter of plan.create) {
    const arn = personalizeArn(scope, 'filter', filter.name);
    try {
      const out = await personalize.send(
        new CreateFilterCommand({
          name: filter.name,
          datasetGroupArn: event.datasetGroupArn,
          filterExpression: filter.expression,
          ...tagged(event.config.tags),
        }),
      );
      created.push(out.filterArn ?? arn);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
  const deleted: string[] = [];
  for (const arn of plan.delete) {
    try {
      await personalize.send(new DeleteFilterCommand({ filterArn: arn }));
      deleted.push(arn);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const filters = Object.fromEntries(
    Object.entries(plan.wanted).map(([configName, name]) => [
      configName,
      personalizeArn(scope, 'filter', name),
    ]),
  );
  logger.info('Filters ensured', { created, deleted, pendingDeletion: plan.pendingDeletion });
  const targets = [
    ...Object.values(filters).map((arn) => ({ kind: 'filter' as const, arn })),
    ...deleted.map((arn) => ({ kind: 'deleted' as const, arn })),
  ];
  return { filters, created, deleted, pendingDeletion: plan.pendingDeletion, ...pollable(targets) };
}

/** The filters of a dataset group. */
async function existingFilters(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
): Promise<ExistingFilter[]> {
  const filters = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListFiltersCommand({ datasetGroupArn, nextToken }));
    return { items: page.Filters, nextToken: page.nextToken };
  });
  return filters.map((f) => ({ name: f.name ?? '', arn: f.filterArn ?? '', status: f.status ?? '' }));
}

/** A filter that exists in the dataset group. */
export interface ExistingFilter {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
}

/** What the filters step does in one call. */
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

/** Which filters to create, delete now, and delete once their replacement is ACTIVE. */
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
