/**
 * Step `dataset-group`: ensures the project's schemas and its dataset group. Idempotent.
 *
 * Schemas are named `<project>-<type>`; when one exists with different content a new generation
 * `<project>-<type>-v<n>` is created (or an identical earlier generation reused) and the `datasets`
 * step moves the dataset onto it. The dataset group `<project>` is created with the data key
 * (KMS_KEY_ARN), the role Personalize uses with it (PERSONALIZE_ROLE_ARN), the domain and the tags.
 * An existing group with another domain fails with `ResourceConflict` (domains cannot change).
 */
import {
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DescribeDatasetGroupCommand,
  DescribeSchemaCommand,
} from '@aws-sdk/client-personalize';
import { requireEnv } from '../shared/env';
import { ResourceConflict } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { DATASET_KEYS, datasetGroupName, schemaName, type DatasetKey } from '../../core/names';
import {
  describeOrUndefined,
  isAlreadyExists,
  personalizeArn,
  personalizeClient,
  scopeFromEnv,
  tagged,
} from '../shared/personalize';
import type {
  ArnsByDataset,
  DatasetGroupResult,
  ResolvedConfig,
  RunState,
} from '../../core/pipeline-contract';
import { decideSchema, MAX_SCHEMA_VERSIONS } from './dataset-group.logic';

const KMS_KEY_ARN = requireEnv('KMS_KEY_ARN');
const PERSONALIZE_ROLE_ARN = requireEnv('PERSONALIZE_ROLE_ARN');
const SCOPE = scopeFromEnv();

export const handler = async (event: RunState): Promise<DatasetGroupResult> => {
  const { config } = event;
  const created: string[] = [];
  const schemaArns: ArnsByDataset = {};
  for (const key of DATASET_KEYS) {
    const dataset = config.datasets[key];
    if (dataset === undefined) continue;
    const { arn, isNew } = await ensureSchema(config, key, dataset.schema);
    schemaArns[key] = arn;
    if (isNew) created.push(arn);
  }
  const { arn: datasetGroupArn, isNew } = await ensureDatasetGroup(config);
  if (isNew) created.push(datasetGroupArn);
  logger.info('Schemas and dataset group ensured', { datasetGroupArn, created });
  return {
    datasetGroupArn,
    schemaArns,
    created,
    ...pollable([{ kind: 'datasetGroup', arn: datasetGroupArn }]),
  };
};

async function ensureSchema(
  config: ResolvedConfig,
  key: DatasetKey,
  schema: string,
): Promise<{ arn: string; isNew: boolean }> {
  const client = personalizeClient();
  for (let version = 1; version <= MAX_SCHEMA_VERSIONS; version += 1) {
    const name = schemaName(config.projectName, key, version);
    const arn = personalizeArn(SCOPE, 'schema', name);
    const existing = await describeOrUndefined(() =>
      client.send(new DescribeSchemaCommand({ schemaArn: arn })),
    );
    const decision = decideSchema(schema, existing?.schema?.schema);
    if (decision.action === 'reuse') return { arn, isNew: false };
    if (decision.action === 'next') continue;
    try {
      const out = await client.send(
        new CreateSchemaCommand({
          name,
          schema,
          ...(config.datasetGroup.domain ? { domain: config.datasetGroup.domain } : {}),
        }),
      );
      return { arn: out.schemaArn ?? arn, isNew: true };
    } catch (error) {
      // Created concurrently by another run: look at it again on the next pass.
      if (!isAlreadyExists(error)) throw error;
      version -= 1;
    }
  }
  throw new ResourceConflict(
    `Schema ${schemaName(config.projectName, key)} has more than ${MAX_SCHEMA_VERSIONS} generations; delete unused ones (teardown) before changing the ${key} schema again.`,
  );
}

async function ensureDatasetGroup(config: ResolvedConfig): Promise<{ arn: string; isNew: boolean }> {
  const client = personalizeClient();
  const name = datasetGroupName(config.projectName);
  const arn = personalizeArn(SCOPE, 'dataset-group', name);
  const existing = await describeOrUndefined(() =>
    client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn })),
  );
  if (existing?.datasetGroup) {
    const domain = existing.datasetGroup.domain;
    if ((domain ?? undefined) !== config.datasetGroup.domain) {
      throw new ResourceConflict(
        `Dataset group ${arn} has domain ${domain ?? '(custom)'}, but the config asks for ${config.datasetGroup.domain ?? '(custom)'}; a dataset group's domain cannot change — use another projectName or run the teardown first.`,
      );
    }
    return { arn, isNew: false };
  }
  try {
    const out = await client.send(
      new CreateDatasetGroupCommand({
        name,
        kmsKeyArn: KMS_KEY_ARN,
        roleArn: PERSONALIZE_ROLE_ARN,
        ...(config.datasetGroup.domain ? { domain: config.datasetGroup.domain } : {}),
        ...tagged(config.tags),
      }),
    );
    return { arn: out.datasetGroupArn ?? arn, isNew: true };
  } catch (error) {
    if (isAlreadyExists(error)) return { arn, isNew: false };
    throw error;
  }
}
