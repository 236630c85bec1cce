/**
 * Step `filters`: ensures the config's filters in the dataset group and removes superseded ones
 * (see filters.logic.ts for the naming and the order of replacement). Returns the ARN of each config
 * filter, what was created and deleted, and `pendingDeletion`: old generations to delete on a later
 * call, once their replacements are ACTIVE (the state machine polls the new filters, then calls again).
 */
import { CreateFilterCommand, DeleteFilterCommand, ListFiltersCommand } from '@aws-sdk/client-personalize';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  isAlreadyExists,
  isNotFound,
  listAll,
  personalizeArn,
  personalizeClient,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import type { FiltersEvent, FiltersResult } from '../../core/pipeline-contract';
import { planFilters, type ExistingFilter } from './filters.logic';

export const handler = async (event: FiltersEvent): Promise<FiltersResult> => {
  const client = personalizeClient();
  const scope = scopeOfArn(event.datasetGroupArn);
  const existing: ExistingFilter[] = (
    await listAll(async (nextToken) => {
      const page = await client.send(
        new ListFiltersCommand({ datasetGroupArn: event.datasetGroupArn, nextToken }),
      );
      return { items: page.Filters, nextToken: page.nextToken };
    })
  ).map((f) => ({ name: f.name ?? '', arn: f.filterArn ?? '', status: f.status ?? '' }));
  const plan = planFilters(event.config.projectName, event.config.filters, existing);

  const created: string[] = [];
  for (const filter of plan.create) {
    const arn = personalizeArn(scope, 'filter', filter.name);
    try {
      const out = await client.send(
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
      await client.send(new DeleteFilterCommand({ filterArn: arn }));
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
};
