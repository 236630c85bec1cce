/**
 * The `teardown` step (the teardown workflow's loop body): deletes every Personalize resource of a project —
 * the dataset group `<project>` and everything in it, the project's schemas — and its SSM parameters. `cdk
 * destroy` cannot do this, and campaigns bill per hour while they exist. With `dryRun` it only lists what
 * it would delete. Idempotent: call it until `done`; calling it again afterwards does nothing.
 *
 * Phases, in dependency order: campaigns → event trackers → filters → solutions (with their
 * versions) → datasets → dataset group → schemas → the project's SSM parameters. Batch jobs and
 * import jobs have no delete API and are left. Each call works on the first phase that still has
 * resources: it deletes those not already being deleted and asks to be called again after a wait.
 * When every phase is empty the teardown is done.
 */
import {
  DeleteCampaignCommand,
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  DescribeDatasetGroupCommand,
  ListCampaignsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { DeleteParametersCommand, GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { datasetGroupName } from '../../core/names';
import type { TeardownEvent, TeardownPhase, TeardownResult } from '../../core/pipeline-contract';
import { logger } from '../shared/logger';
import {
  DELETING_STATUSES,
  describeOrUndefined,
  isInUse,
  isNotFound,
  listAll,
  personalizeArn,
  type ArnScope,
} from '../shared/personalize';

/** What {@link tearDown} works with. */
export interface TeardownDeps {
  readonly personalize: PersonalizeClient;
  readonly ssm: SSMClient;
  /** Partition, region and account of the project's resources. */
  readonly scope: ArnScope;
  /** Prefix of the project's SSM parameters (PARAMETER_PREFIX). */
  readonly parameterPrefix: string;
}

/** One call of the teardown loop: deletes the first phase that still has resources (or, dry, lists them all). */
export async function tearDown(event: TeardownEvent, deps: TeardownDeps): Promise<TeardownResult> {
  const inventory = await inventoryOf(deps, event.projectName);
  const plan = planTeardown(inventory);
  if (event.dryRun ?? event.request?.dryRun ?? false) {
    return {
      done: true,
      waitSeconds: 0,
      deleting: [],
      remaining: plan.remaining,
      wouldDelete: orderedResources(inventory),
    };
  }
  if (plan.done || plan.phase === undefined)
    return { done: true, waitSeconds: 0, deleting: [], remaining: {} };
  const deleting = [...plan.alreadyDeleting];
  for (const id of plan.toDelete) {
    try {
      await remove(deps, plan.phase, id);
      deleting.push(id);
    } catch (error) {
      // In use (e.g. an import still running) or already gone: the next call looks again.
      if (!isInUse(error) && !isNotFound(error)) throw error;
      logger.info('Delete deferred', { id, reason: (error as Error).message });
    }
  }
  // SSM deletion is immediate: when it was the last phase, the teardown is complete.
  if (plan.phase === 'parameters')
    return { done: true, waitSeconds: 0, phase: plan.phase, deleting, remaining: {} };
  logger.info('Teardown step', { phase: plan.phase, deleting });
  return {
    done: false,
    waitSeconds: TEARDOWN_WAIT_SECONDS,
    phase: plan.phase,
    deleting,
    remaining: plan.remaining,
  };
}

async function remove({ personalize, ssm }: TeardownDeps, phase: TeardownPhase, id: string): Promise<void> {
  switch (phase) {
    case 'campaigns':
      await personalize.send(new DeleteCampaignCommand({ campaignArn: id }));
      return;
    case 'eventTrackers':
      await personalize.send(new DeleteEventTrackerCommand({ eventTrackerArn: id }));
      return;
    case 'filters':
      await personalize.send(new DeleteFilterCommand({ filterArn: id }));
      return;
    case 'solutions':
      await personalize.send(new DeleteSolutionCommand({ solutionArn: id }));
      return;
    case 'datasets':
      await personalize.send(new DeleteDatasetCommand({ datasetArn: id }));
      return;
    case 'datasetGroup':
      await personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn: id }));
      return;
    case 'schemas':
      await personalize.send(new DeleteSchemaCommand({ schemaArn: id }));
      return;
    case 'parameters':
      await ssm.send(new DeleteParametersCommand({ Names: [id] }));
      return;
  }
}

/** Every resource of the project, by phase. */
async function inventoryOf(deps: TeardownDeps, project: string): Promise<Inventory> {
  const { personalize } = deps;
  const datasetGroupArn = personalizeArn(deps.scope, 'dataset-group', datasetGroupName(project));
  const group = (
    await describeOrUndefined(() => personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })))
  )?.datasetGroup;
  const inventory: Record<TeardownPhase, InventoryItem[]> = {
    campaigns: [],
    eventTrackers: [],
    filters: [],
    solutions: [],
    datasets: [],
    datasetGroup: [],
    schemas: [],
    parameters: [],
  };
  if (group !== undefined) {
    inventory.datasetGroup.push({ id: datasetGroupArn, status: group.status });
    const solutions = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListSolutionsCommand({ datasetGroupArn, nextToken }));
      return { items: page.solutions, nextToken: page.nextToken };
    });
    for (const solution of solutions) {
      inventory.solutions.push({ id: solution.solutionArn ?? '', status: solution.status });
      const campaigns = await listAll(async (nextToken) => {
        const page = await personalize.send(
          new ListCampaignsCommand({ solutionArn: solution.solutionArn, nextToken }),
        );
        return { items: page.campaigns, nextToken: page.nextToken };
      });
      inventory.campaigns.push(...campaigns.map((c) => ({ id: c.campaignArn ?? '', status: c.status })));
    }
    const trackers = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListEventTrackersCommand({ datasetGroupArn, nextToken }));
      return { items: page.eventTrackers, nextToken: page.nextToken };
    });
    inventory.eventTrackers.push(...trackers.map((t) => ({ id: t.eventTrackerArn ?? '', status: t.status })));
    const filters = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListFiltersCommand({ datasetGroupArn, nextToken }));
      return { items: page.Filters, nextToken: page.nextToken };
    });
    inventory.filters.push(...filters.map((f) => ({ id: f.filterArn ?? '', status: f.status })));
    const datasets = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListDatasetsCommand({ datasetGroupArn, nextToken }));
      return { items: page.datasets, nextToken: page.nextToken };
    });
    inventory.datasets.push(...datasets.map((d) => ({ id: d.datasetArn ?? '', status: d.status })));
  }
  const schemas = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListSchemasCommand({ nextToken }));
    return { items: page.schemas, nextToken: page.nextToken };
  });
  inventory.schemas.push(
    ...schemas.filter((s) => isProjectSchema(project, s.name ?? '')).map((s) => ({ id: s.schemaArn ?? '' })),
  );
  const names = [`${deps.parameterPrefix}/event-tracker`, `${deps.parameterPrefix}/serving`];
  const found = await deps.ssm.send(new GetParametersCommand({ Names: names }));
  inventory.parameters.push(...(found.Parameters ?? []).map((p) => ({ id: p.Name ?? '' })));
  return inventory;
}

/** The teardown phases, in deletion order. */
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

/** A resource of the project. */
export interface InventoryItem {
  /** ARN, or the parameter name for `parameters`. */
  readonly id: string;
  readonly status?: string | undefined;
}

/** The project's resources by phase. */
export type Inventory = Partial<Record<TeardownPhase, readonly InventoryItem[]>>;

/** What one teardown call does. */
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

/** The first phase that still has resources and what to delete in it; done when every phase is empty. */
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
