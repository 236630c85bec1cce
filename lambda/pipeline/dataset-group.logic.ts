/**
 * The `dataset-group` step: ensures the project's schemas and its dataset group. Idempotent.
 *
 * Schemas are immutable in Personalize. When the schema named `<project>-<type>` exists with other
 * content, the step looks at `<project>-<type>-v2`, `-v3` ... and reuses the first one with the
 * same content, or creates the first free name. The `datasets` step then points the dataset at it
 * with UpdateDataset (Personalize accepts compatible changes such as added fields). The dataset group
 * `<project>` is created with the data key, the role Personalize uses with it, the domain and the tags;
 * an existing group with another domain fails with `ResourceConflict` (domains cannot change).
 */
import {
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DescribeDatasetGroupCommand,
  DescribeSchemaCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { DATASET_KEYS, datasetGroupName, schemaName, type DatasetKey } from '../../core/names';
import type {
  ArnsByDataset,
  DatasetGroupResult,
  ResolvedConfig,
  RunState,
} from '../../core/pipeline-contract';
import { ResourceConflict } from '../shared/errors';
import { canonicalJson } from '../shared/json';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  describeOrUndefined,
  isAlreadyExists,
  personalizeArn,
  tagged,
  type ArnScope,
} from '../shared/personalize';

/** Highest schema generation tried before giving up. */
export const MAX_SCHEMA_VERSIONS = 50;

/** What {@link ensureDatasetGroup} works with. */
export interface DatasetGroupDeps {
  readonly personalize: PersonalizeClient;
  /** Partition, region and account of the ARNs to build. */
  readonly scope: ArnScope;
  /** The data key the dataset group encrypts with (KMS_KEY_ARN). */
  readonly kmsKeyArn: string;
  /** The role Personalize uses with that key (PERSONALIZE_ROLE_ARN). */
  readonly personalizeRoleArn: string;
}

/** Ensures each configured dataset's schema, then the dataset group; returns them and what it created. */
export async function ensureDatasetGroup(run: RunState, deps: DatasetGroupDeps): Promise<DatasetGroupResult> {
  const { config } = run;
  const created: string[] = [];
  const schemaArns: ArnsByDataset = {};
  for (const key of DATASET_KEYS) {
    const dataset = config.datasets[key];
    if (dataset === undefined) continue;
    const { arn, isNew } = await ensureSchema(deps, config, key);
    schemaArns[key] = arn;
    if (isNew) created.push(arn);
  }
  const { arn: datasetGroupArn, isNew } = await ensureGroup(deps, config);
  if (isNew) created.push(datasetGroupArn);
  logger.info('Schemas and dataset group ensured', { datasetGroupArn, created });
  return {
    datasetGroupArn,
    schemaArns,
    created,
    ...pollable([{ kind: 'datasetGroup', arn: datasetGroupArn }]),
  };
}

/** A resource found or created, and whether this call created it. */
interface Ensured {
  readonly arn: string;
  readonly isNew: boolean;
}

async function ensureSchema(
  deps: DatasetGroupDeps,
  config: ResolvedConfig,
  key: DatasetKey,
): Promise<Ensured> {
  const schema = config.datasets[key]?.schema ?? '';
  for (let version = 1; version <= MAX_SCHEMA_VERSIONS; version += 1) {
    const name = schemaName(config.projectName, key, version);
    const arn = personalizeArn(deps.scope, 'schema', name);
    const existing = await describeOrUndefined(() =>
      deps.personalize.send(new DescribeSchemaCommand({ schemaArn: arn })),
    );
    const decision = decideSchema(schema, existing?.schema?.schema);
    if (decision.action === 'reuse') return { arn, isNew: false };
    if (decision.action === 'next') continue;
    try {
      const out = await deps.personalize.send(
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

async function ensureGroup(deps: DatasetGroupDeps, config: ResolvedConfig): Promise<Ensured> {
  const name = datasetGroupName(config.projectName);
  const arn = personalizeArn(deps.scope, 'dataset-group', name);
  const existing = await describeOrUndefined(() =>
    deps.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn })),
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
    const out = await deps.personalize.send(
      new CreateDatasetGroupCommand({
        name,
        kmsKeyArn: deps.kmsKeyArn,
        roleArn: deps.personalizeRoleArn,
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

/** Whether two schema JSON texts describe the same schema (ignoring formatting and key order). */
export function sameSchema(a: string, b: string): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** What to do about one schema generation. */
export type SchemaDecision =
  { readonly action: 'reuse' } | { readonly action: 'create' } | { readonly action: 'next' };

/** Decides for generation `n` given its existing content (`undefined` = no such schema). */
export function decideSchema(wanted: string, existing: string | undefined): SchemaDecision {
  if (existing === undefined) return { action: 'create' };
  return sameSchema(wanted, existing) ? { action: 'reuse' } : { action: 'next' };
}
