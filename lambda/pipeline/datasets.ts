/**
 * Step `datasets`: ensures one dataset per configured type (`<project>-<type>`) in the dataset group,
 * which must be ACTIVE (the state machine polls it first). A dataset whose schema differs from the
 * one the `dataset-group` step chose is moved to it with UpdateDataset. Idempotent: a second call
 * creates and updates nothing. A dataset still being created or updated raises `ResourceBusy`.
 */
import {
  CreateDatasetCommand,
  DescribeDatasetCommand,
  UpdateDatasetCommand,
} from '@aws-sdk/client-personalize';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { apiDatasetType, DATASET_KEYS, datasetName, type DatasetKey } from '../../core/names';
import {
  CREATING_STATUSES,
  datasetArnOf,
  describeOrUndefined,
  isAlreadyExists,
  personalizeClient,
  tagged,
} from '../shared/personalize';
import type { ArnsByDataset, DatasetsEvent, DatasetsResult } from '../../core/pipeline-contract';

export const handler = async (event: DatasetsEvent): Promise<DatasetsResult> => {
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
    const { arn, changed } = await ensureDataset(event, key, schemaArn);
    datasetArns[key] = arn;
    if (changed) created.push(arn);
  }
  logger.info('Datasets ensured', { datasetArns, created });
  const targets = Object.values(datasetArns).map((arn) => ({ kind: 'dataset' as const, arn }));
  return { datasetArns, created, ...pollable(targets) };
};

async function ensureDataset(
  event: DatasetsEvent,
  key: DatasetKey,
  schemaArn: string,
): Promise<{ arn: string; changed: boolean }> {
  const client = personalizeClient();
  const arn = datasetArnOf(event.datasetGroupArn, key);
  const existing = (
    await describeOrUndefined(() => client.send(new DescribeDatasetCommand({ datasetArn: arn })))
  )?.dataset;
  if (existing === undefined) {
    try {
      const out = await client.send(
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
  const targetSchema =
    update && CREATING_STATUSES.has(update.status ?? '') ? update.schemaArn : existing.schemaArn;
  if (targetSchema === schemaArn) return { arn, changed: false };
  if (existing.status !== 'ACTIVE' || (update && CREATING_STATUSES.has(update.status ?? ''))) {
    throw new ResourceBusy(
      `Dataset ${arn} is ${update?.status ?? existing.status}; its schema can be replaced once it is ACTIVE.`,
    );
  }
  try {
    await client.send(new UpdateDatasetCommand({ datasetArn: arn, schemaArn }));
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'InvalidInputException') throw error;
    throw new ResourceConflict(
      `Dataset ${arn} cannot move from schema ${existing.schemaArn ?? '(none)'} to ${schemaArn}: ${error.message} A replacement schema may only add fields; to remove or change fields, run the teardown and import again.`,
    );
  }
  logger.info('Dataset schema replaced', { datasetArn: arn, from: existing.schemaArn, to: schemaArn });
  return { arn, changed: true };
}
