import { findRecipe } from '../../../core/recipes';
import { namedArn, type ResourceKind } from '../arn';
import type { EmulatorContext, HandlerTable, RequestInfo } from '../context';
import type { S3DataConfig } from '../documents';
import { InvalidInputException } from '../errors';
import { BATCH_INFERENCE_JOB_CONFIG } from '../model-shapes';
import {
  createResource,
  isCreating,
  listPage,
  pick,
  render,
  requireActive,
  requireFreeArn,
  requireResource,
  quotaReached,
} from '../resources';
import { checkString, isRecord, PATTERNS, type RequestReader } from '../validation';

/** `jobInput.s3DataSource` or `jobOutput.s3DataDestination`. */
function s3Config(
  input: RequestReader,
  field: 'jobInput' | 'jobOutput',
  key: 's3DataSource' | 's3DataDestination',
): S3DataConfig {
  const inner = input.object(field)[key];
  if (!isRecord(inner))
    throw new InvalidInputException(
      `1 validation error detected: Value null at '${field}.${key}' failed to satisfy constraint: Member must not be null`,
    );
  const path = checkString(`${field}.${key}.path`, inner.path ?? null, {
    max: 256,
    pattern: PATTERNS.s3Path,
  });
  const kmsKeyArn =
    inner.kmsKeyArn === undefined
      ? undefined
      : checkString(`${field}.${key}.kmsKeyArn`, inner.kmsKeyArn, { max: 2048, pattern: PATTERNS.kmsKeyArn });
  return { path, ...(kmsKeyArn ? { kmsKeyArn } : {}) };
}

function createJob(
  ctx: EmulatorContext,
  input: RequestReader,
  req: RequestInfo,
  kind: 'batchInferenceJob' | 'batchSegmentJob',
): string {
  const jobName = input.name('jobName');
  const solutionVersionArn = input.arn('solutionVersionArn');
  const filterArn = input.optionalArn('filterArn');
  const maxResults = kind === 'batchInferenceJob' ? 500 : 5_000_000;
  const numResults = input.optionalInteger('numResults', 1, maxResults);
  const jobInput = { s3DataSource: s3Config(input, 'jobInput', 's3DataSource') };
  const jobOutput = { s3DataDestination: s3Config(input, 'jobOutput', 's3DataDestination') };
  const roleArn = input.optionalRoleArn();
  if (!roleArn)
    throw new InvalidInputException(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  const tags = input.tags();
  const config =
    kind === 'batchInferenceJob'
      ? input.optionalShape('batchInferenceJobConfig', BATCH_INFERENCE_JOB_CONFIG)
      : undefined;
  const mode =
    kind === 'batchInferenceJob'
      ? (input.optionalString('batchInferenceJobMode') ?? 'BATCH_INFERENCE')
      : undefined;
  if (mode !== undefined && mode !== 'BATCH_INFERENCE') {
    throw new InvalidInputException(
      `batchInferenceJobMode ${mode} is not supported by the emulator; use BATCH_INFERENCE.`,
    );
  }
  const version = requireActive(requireResource(ctx, solutionVersionArn, 'solutionVersion'));
  const recipe = findRecipe(version.doc.recipeArn);
  if (kind === 'batchInferenceJob' && recipe && !recipe.supportsBatchInference) {
    throw new InvalidInputException(`Recipe ${recipe.name} does not support batch inference jobs.`);
  }
  if (kind === 'batchSegmentJob' && recipe && !recipe.supportsBatchSegment) {
    throw new InvalidInputException(
      `Batch segment jobs need a USER_SEGMENTATION recipe; solution version ${solutionVersionArn} uses ${recipe.name}.`,
    );
  }
  if (filterArn) requireActive(requireResource(ctx, filterArn, 'filter'));
  const arn = namedArn(ctx.scope, kind, jobName);
  requireFreeArn(ctx, arn, kind, jobName);
  const pending = ctx.store.listResources(kind).filter(isCreating).length;
  if (pending >= ctx.quotas.pendingBatchJobs)
    throw quotaReached(
      ctx,
      'pendingBatchJobs',
      kind === 'batchInferenceJob' ? 'batch inference job' : 'batch segment job',
      ' with PENDING or IN_PROGRESS status',
    );
  const members = {
    solutionVersionArn,
    ...(filterArn ? { filterArn } : {}),
    numResults: numResults ?? (kind === 'batchInferenceJob' ? 25 : 100),
    jobInput,
    jobOutput,
    roleArn,
  };
  const spec = { arn, name: jobName, parentArn: solutionVersionArn, groupArn: version.groupArn, tags };
  if (kind === 'batchInferenceJob') {
    createResource(ctx, req, {
      ...spec,
      kind,
      doc: {
        jobName,
        batchInferenceJobArn: arn,
        ...members,
        ...(config ? { batchInferenceJobConfig: config } : {}),
        batchInferenceJobMode: 'BATCH_INFERENCE',
      },
    });
  } else {
    createResource(ctx, req, { ...spec, kind, doc: { jobName, batchSegmentJobArn: arn, ...members } });
  }
  return arn;
}

function listJobs(
  ctx: EmulatorContext,
  input: RequestReader,
  kind: ResourceKind,
  key: string,
  arnKey: string,
): Record<string, unknown> {
  const solutionVersionArn = input.optionalArn('solutionVersionArn');
  const rows = ctx.store.listResources(kind, solutionVersionArn ? { parentArn: solutionVersionArn } : {});
  return listPage(
    input,
    rows,
    key,
    (row) =>
      pick(render(row), [
        arnKey,
        'jobName',
        'status',
        'creationDateTime',
        'lastUpdatedDateTime',
        'failureReason',
        'solutionVersionArn',
        'batchInferenceJobMode',
      ]),
    [solutionVersionArn],
  );
}

/** Batch inference and batch segment job operations. */
export const batchJobOperations: HandlerTable = {
  CreateBatchInferenceJob: (ctx, input, req) => ({
    batchInferenceJobArn: createJob(ctx, input, req, 'batchInferenceJob'),
  }),
  DescribeBatchInferenceJob: (ctx, input) => ({
    batchInferenceJob: render(requireResource(ctx, input.arn('batchInferenceJobArn'), 'batchInferenceJob')),
  }),
  ListBatchInferenceJobs: (ctx, input) =>
    listJobs(ctx, input, 'batchInferenceJob', 'batchInferenceJobs', 'batchInferenceJobArn'),
  CreateBatchSegmentJob: (ctx, input, req) => ({
    batchSegmentJobArn: createJob(ctx, input, req, 'batchSegmentJob'),
  }),
  DescribeBatchSegmentJob: (ctx, input) => ({
    batchSegmentJob: render(requireResource(ctx, input.arn('batchSegmentJobArn'), 'batchSegmentJob')),
  }),
  ListBatchSegmentJobs: (ctx, input) =>
    listJobs(ctx, input, 'batchSegmentJob', 'batchSegmentJobs', 'batchSegmentJobArn'),
};
