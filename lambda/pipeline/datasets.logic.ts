/**
 * The `datasets` step: ensures one dataset per configured type (`<project>-<type>`) in the dataset group,
 * which must be ACTIVE (the state machine polls it first). A dataset whose schema differs from the one the
 * `dataset-group` step chose is moved to it with UpdateDataset. Idempotent: a second call creates and
 * updates nothing. A dataset still being created or updated raises `ResourceBusy`.
 */
import {
  CreateDatasetCommand,
  DescribeDatasetCommand,
  UpdateDatasetCommand,
} from '@aws-sdk/client-personalize';
import { apiDatasetType, DATASET_KEYS, datasetName, type DatasetKey } from '../../core/names';
import type { ArnsByDataset, DatasetsEvent, DatasetsResult } from '../../core/pipeline-contract';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  datasetArnOf,
  describeOrUndefined,
  isAlreadyExists,
  tagged,
  type PersonalizeDeps,
} from '../shared/personalize';

/** Ensures every configured dataset on the schema the event names; returns them and what changed. */
export async function ensureDatasets(event: DatasetsEvent, deps: PersonalizeDeps): Promise<DatasetsResult> {
  const datasetArns: ArnsByDataset = {};
  const created: string[] = [];
  for (const key of DATASET_KEYS) {
    if (event.config.datasets[key] === undefined) continue;
    const schemaArn = event.schemaArns[key];
    if (schemaArn === undefined) {
      throw new ValidationFailed([
        `schemaArns.${key} is missing from the event; the dataset-group step provides it.`,
      ]);
    }
    const { arn, changed } = await ensureDataset(deps, event, { key, schemaArn });
    datasetArns[key] = arn;
    if (changed) created.push(arn);
  }
  logger.info('Datasets ensured', { datasetArns, created });
  const targets = Object.values(datasetArns).map((arn) => ({ kind: 'dataset' as const, arn }));
  return { datasetArns, created, ...pollable(targets) };
}

async function ensureDataset(
  { personalize }: PersonalizeDeps,
  event: DatasetsEvent,
  { key, schemaArn }: { readonly key: DatasetKey; readonly schemaArn: string },
): Promise<{ arn: string; changed: boolean }> {
  const arn = datasetArnOf(event.datasetGroupArn, key);
  const existing = (
    await describeOrUndefined(() => personalize.send(new DescribeDatasetCommand({ datasetArn: arn })))
  )?.dataset;
  if (existing === undefined) {
    try {
      const out = await personalize.send(
        new CreateDatasetCommand({
          name: datasetName(event.config.projectName, key),
          datasetGroupArn: event.datasetGroupArn,
          datasetType: apiDatasetType(key),
          schemaArn,
          ...tagged(event.config.tags),
        }),
      );
      return { arn: out.datasetArn ?? arn, changed: true };
    } catch (error) {
      if (isAlreadyExists(error)) return { arn, changed: false };
      throw error;
    }
  }
  const update = existing.latestDatasetUpdate;
  const updating = update !== undefined && CREATING_STATUSES.has(update.status ?? '');
  const targetSchema = updating ? update.schemaArn : existing.schemaArn;
  if (targetSchema === schemaArn) return { arn, changed: false };
  if (existing.status !== 'ACTIVE' || updating) {
    throw new ResourceBusy(
      `Dataset ${arn} is ${update?.status ?? existing.status}; its schema can be replaced once it is ACTIVE.`,
    );
  }
  try {
    await personalize.send(new UpdateDatasetCommand({ datasetArn: arn, schemaArn }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'InvalidInputException') throw error;
    throw new ResourceConflict(
      `Dataset ${arn} cannot move from schema ${existing.schemaArn ?? '(none)'} to ${schemaArn}: ${error.message} A replacement schema may only add fields; to remove or change fields, run the teardown and import again.`,
    );
  }
  logger.info('Dataset schema replaced', { datasetArn: arn, from: existing.schemaArn, to: schemaArn });
  return { arn, changed: true };
}
