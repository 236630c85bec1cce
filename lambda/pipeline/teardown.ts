/**
 * Step `teardown` (the teardown workflow's loop body): deletes every Personalize resource of a
 * project — the dataset group `<project>` and everything in it, the project's schemas — and its SSM
 * parameters, phase by phase in dependency order (see teardown.logic.ts). `cdk destroy` cannot do
 * this, and campaigns bill per hour while they exist. With `dryRun` it only lists what it would
 * delete. Idempotent: call it until `done`; calling it again afterwards does nothing.
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
} from '@aws-sdk/client-personalize';
import { DeleteParametersCommand, GetParametersCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../shared/ssm';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { datasetGroupName } from '../../core/names';
import {
  describeOrUndefined,
  isInUse,
  isNotFound,
  listAll,
  personalizeArn,
  personalizeClient,
  scopeFromEnv,
} from '../shared/personalize';
import type { TeardownEvent, TeardownPhase, TeardownResult } from '../../core/pipeline-contract';
import {
  isProjectSchema,
  orderedResources,
  planTeardown,
  TEARDOWN_WAIT_SECONDS,
  type Inventory,
  type InventoryItem,
} from './teardown.logic';

const PARAMETER_PREFIX = requireEnv('PARAMETER_PREFIX');
const SCOPE = scopeFromEnv();

export const handler = async (event: TeardownEvent): Promise<TeardownResult> => {
  const inventory = await inventoryOf(event.projectName);
  if (event.dryRun ?? event.request?.dryRun ?? false) {
    const plan = planTeardown(inventory);
    return {
      done: true,
      waitSeconds: 0,
      deleting: [],
      remaining: plan.remaining,
      wouldDelete: orderedResources(inventory),
    };
  }
  const plan = planTeardown(inventory);
  if (plan.done || plan.phase === undefined)
    return { done: true, waitSeconds: 0, deleting: [], remaining: {} };
  const deleting = [...plan.alreadyDeleting];
  for (const id of plan.toDelete) {
    try {
      await remove(plan.phase, id);
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
};

async function remove(phase: TeardownPhase, id: string): Promise<void> {
  const client = personalizeClient();
  switch (phase) {
    case 'campaigns':
      await client.send(new DeleteCampaignCommand({ campaignArn: id }));
      return;
    case 'eventTrackers':
      await client.send(new DeleteEventTrackerCommand({ eventTrackerArn: id }));
      return;
    case 'filters':
      await client.send(new DeleteFilterCommand({ filterArn: id }));
      return;
    case 'solutions':
      await client.send(new DeleteSolutionCommand({ solutionArn: id }));
      return;
    case 'datasets':
      await client.send(new DeleteDatasetCommand({ datasetArn: id }));
      return;
    case 'datasetGroup':
      await client.send(new DeleteDatasetGroupCommand({ datasetGroupArn: id }));
      return;
    case 'schemas':
      await client.send(new DeleteSchemaCommand({ schemaArn: id }));
      return;
    case 'parameters':
      await ssmClient().send(new DeleteParametersCommand({ Names: [id] }));
      return;
  }
}

async function inventoryOf(project: string): Promise<Inventory> {
  const client = personalizeClient();
  const datasetGroupArn = personalizeArn(SCOPE, 'dataset-group', datasetGroupName(project));
  const group = (
    await describeOrUndefined(() => client.send(new DescribeDatasetGroupCommand({ datasetGroupArn })))
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
      const page = await client.send(new ListSolutionsCommand({ datasetGroupArn, nextToken }));
      return { items: page.solutions, nextToken: page.nextToken };
    });
    for (const solution of solutions) {
      inventory.solutions.push({ id: solution.solutionArn ?? '', status: solution.status });
      const campaigns = await listAll(async (nextToken) => {
        const page = await client.send(
          new ListCampaignsCommand({ solutionArn: solution.solutionArn, nextToken }),
        );
        return { items: page.campaigns, nextToken: page.nextToken };
      });
      inventory.campaigns.push(...campaigns.map((c) => ({ id: c.campaignArn ?? '', status: c.status })));
    }
    const trackers = await listAll(async (nextToken) => {
      const page = await client.send(new ListEventTrackersCommand({ datasetGroupArn, nextToken }));
      return { items: page.eventTrackers, nextToken: page.nextToken };
    });
    inventory.eventTrackers.push(...trackers.map((t) => ({ id: t.eventTrackerArn ?? '', status: t.status })));
    const filters = await listAll(async (nextToken) => {
      const page = await client.send(new ListFiltersCommand({ datasetGroupArn, nextToken }));
      return { items: page.Filters, nextToken: page.nextToken };
    });
    inventory.filters.push(...filters.map((f) => ({ id: f.filterArn ?? '', status: f.status })));
    const datasets = await listAll(async (nextToken) => {
      const page = await client.send(new ListDatasetsCommand({ datasetGroupArn, nextToken }));
      return { items: page.datasets, nextToken: page.nextToken };
    });
    inventory.datasets.push(...datasets.map((d) => ({ id: d.datasetArn ?? '', status: d.status })));
  }
  const schemas = await listAll(async (nextToken) => {
    const page = await client.send(new ListSchemasCommand({ nextToken }));
    return { items: page.schemas, nextToken: page.nextToken };
  });
  inventory.schemas.push(
    ...schemas.filter((s) => isProjectSchema(project, s.name ?? '')).map((s) => ({ id: s.schemaArn ?? '' })),
  );
  const names = [`${PARAMETER_PREFIX}/event-tracker`, `${PARAMETER_PREFIX}/serving`];
  const found = await ssmClient().send(new GetParametersCommand({ Names: names }));
  inventory.parameters.push(...(found.Parameters ?? []).map((p) => ({ id: p.Name ?? '' })));
  return inventory;
}
