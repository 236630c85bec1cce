import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  compileUserFilter,
  isSegmentingModel,
  type FilterAst,
  type ScoredItem,
  type UserRecord,
} from '../engine';
import type { EmulatorContext } from './context';
import { PersonalizeError } from './errors';
import type { WorkOutcome } from './lifecycle';
import { toUserRecord } from './records';
import { DataLocationError, parseS3Url, readObjectText, resolveObjects } from './s3-location';
import { explorationOf, type Serving } from './serving';
import type { ResourceOf } from './store';
import { isRecord } from './validation';

/**
 * Batch inference jobs: read JSON Lines from `jobInput.s3DataSource.path` (a file or a folder), answer
 * every line with the solution version's model, and write `<input file name>.out` JSON Lines under
 * `jobOutput.s3DataDestination.path`, in Personalize's output format:
 *
 *   {"input":{"userId":"u1"},"output":{"recommendedItems":["i1","i2"],"scores":[0.9,0.8]},"error":null}
 *
 * Lines that cannot be answered carry an `error` message instead of failing the whole job.
 */

function outputKey(prefix: string, inputKey: string): string {
  const base = inputKey.slice(inputKey.lastIndexOf('/') + 1);
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return `${folder}${base}.out`;
}

/** The `filterValues` of an input line, when it has a string map there. */
function filterValuesOf(line: Record<string, unknown>): Record<string, string> | undefined {
  const values = line.filterValues;
  if (values === undefined) return undefined;
  if (!isRecord(values) || Object.values(values).some((v) => typeof v !== 'string'))
    throw new Error('filterValues must map parameter names to strings.');
  return values as Record<string, string>;
}

/** Writes a batch job's output files. */
async function putOutputs(
  ctx: { s3: { send(command: PutObjectCommand): Promise<unknown> } },
  bucket: string,
  outputs: readonly { key: string; body: string }[],
): Promise<void> {
  for (const output of outputs) {
    await ctx.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: output.key,
        Body: output.body,
        ContentType: 'application/json',
      }),
    );
  }
}

/** A job's failure for an unreadable data location (`sourceMissing` when its bucket is gone); rethrows anything else. */
function dataLocationFailure(error: unknown): WorkOutcome {
  if (error instanceof DataLocationError)
    return { ok: false, reason: error.message, ...(error.missing ? { sourceMissing: true } : {}) };
  throw error;
}

/**
 * Runs a batch inference job (the lifecycle's work for `batchInferenceJob`): each line is answered
 * through the same serving path as the runtime API, so a line and a GetRecommendations call for the
 * same user in the same state agree.
 */
export async function runBatchInferenceJob(
  ctx: EmulatorContext,
  serving: Serving,
  job: ResourceOf<'batchInferenceJob'>,
): Promise<WorkOutcome> {
  const { solutionVersionArn, filterArn, numResults } = job.doc;
  const version = ctx.store.getResource(solutionVersionArn, 'solutionVersion');
  if (!version || !ctx.models.get(version.arn))
    return { ok: false, reason: `Solution version ${solutionVersionArn} is not ACTIVE or has no model.` };
  const target = serving.modelOf(version);
  if (filterArn) {
    try {
      serving.filter(filterArn, target.groupArn);
    } catch (error) {
      if (error instanceof PersonalizeError) return { ok: false, reason: error.message };
      throw error;
    }
  }
  const exploration = explorationOf(job.doc.batchInferenceJobConfig?.itemExplorationConfig);
  const inputPath = job.doc.jobInput.s3DataSource.path;
  const outputPath = job.doc.jobOutput.s3DataDestination.path;

  const answer = (line: Record<string, unknown>): Record<string, unknown> => {
    const userId = typeof line.userId === 'string' ? line.userId : undefined;
    const itemId = typeof line.itemId === 'string' ? line.itemId : undefined;
    const filter = { filterArn, filterValues: filterValuesOf(line) };
    let results: ScoredItem[];
    if (target.recipeType === 'PERSONALIZED_RANKING') {
      const itemList = Array.isArray(line.itemList) ? line.itemList.map(String) : undefined;
      if (!userId || !itemList)
        throw new Error(
          'Each input line needs userId and itemList for a PERSONALIZED_RANKING solution version.',
        );
      results = serving.rank(target, { userId, inputList: itemList, ...filter });
    } else {
      if (target.recipeType === 'RELATED_ITEMS' && !itemId)
        throw new Error('Each input line needs an itemId for a RELATED_ITEMS solution version.');
      if (target.recipeType === 'USER_PERSONALIZATION' && !userId)
        throw new Error('Each input line needs a userId for a USER_PERSONALIZATION solution version.');
      results = serving.recommend(target, { userId, itemId, numResults, exploration, ...filter });
    }
    return { recommendedItems: results.map((r) => r.itemId), scores: results.map((r) => r.score) };
  };

  try {
    const objects = await resolveObjects(ctx.s3, inputPath);
    const destination = parseS3Url(outputPath);
    const outputs: { key: string; body: string }[] = [];
    for (const object of objects) {
      const text = await readObjectText(ctx.s3, object);
      const lines: string[] = [];
      for (const [index, raw] of text.split(/\r?\n/).entries()) {
        if (raw.trim() === '') continue;
        let input: unknown;
        try {
          input = JSON.parse(raw);
        } catch {
          return {
            ok: false,
            reason: `Input line ${index + 1} of s3://${object.bucket}/${object.key} is not valid JSON.`,
          };
        }
        if (!isRecord(input))
          return {
            ok: false,
            reason: `Input line ${index + 1} of s3://${object.bucket}/${object.key} is not a JSON object.`,
          };
        try {
          lines.push(JSON.stringify({ input, output: answer(input), error: null }));
        } catch (error) {
          lines.push(JSON.stringify({ input, output: null, error: (error as Error).message }));
        }
      }
      outputs.push({
        key: outputKey(destination.key, object.key),
        body: lines.join('\n') + (lines.length > 0 ? '\n' : ''),
      });
    }
    await putOutputs(ctx, destination.bucket, outputs);
    return { ok: true };
  } catch (error) {
    return dataLocationFailure(error);
  }
}

/** Item-Attribute-Affinity takes at most this many queries per job (Personalize's documented limit). */
export const MAX_ATTRIBUTE_QUERIES = 10;

/**
 * Runs a batch segment job (the lifecycle's work for `batchSegmentJob`) with a USER_SEGMENTATION
 * model: every input line (`{"itemId": "i1"}` for Item-Affinity, `{"itemAttributes": "ITEMS.GENRE =
 * \"Comedy\""}` for Item-Attribute-Affinity) gets the `numResults` users most likely to interact,
 * best first, written to `<input file name>.out` under the output path in Personalize's format:
 *
 *   {"input":{"itemId":"i1"},"output":{"recommendedUsers":["u7","u3"]},"error":null}
 *   {"itemAttributes":"ITEMS.GENRE = \"Comedy\"","output":{"recommendedUsers":["u2"]},"error":null}
 *
 * The job's filter (a `UserID` filter such as `INCLUDE UserID WHERE Users.MEMBERSHIP IN ($M)`) leaves
 * users out, with `filterValues` from the line. Lines that cannot be answered carry an `error`.
 */
export async function runBatchSegmentJob(
  ctx: EmulatorContext,
  serving: Serving,
  job: ResourceOf<'batchSegmentJob'>,
): Promise<WorkOutcome> {
  const { solutionVersionArn, filterArn, numResults } = job.doc;
  const version = ctx.store.getResource(solutionVersionArn, 'solutionVersion');
  if (!version || !ctx.models.get(version.arn))
    return { ok: false, reason: `Solution version ${solutionVersionArn} is not ACTIVE or has no model.` };
  const target = serving.modelOf(version);
  const model = target.model;
  if (!isSegmentingModel(model))
    return {
      ok: false,
      reason: `Batch segment job ${job.name} failed: solution version ${solutionVersionArn} is not a USER_SEGMENTATION model.`,
    };
  const attributeRecipe = model.recipe.endsWith('aws-item-attribute-affinity');
  let filterAst: FilterAst | undefined;
  if (filterArn) {
    try {
      filterAst = serving.filter(filterArn, target.groupArn);
      if (filterAst.expressions.some((expression) => expression.target !== 'UserID'))
        return {
          ok: false,
          reason: `Filter ${filterArn} filters items; batch segment jobs take filters on users (INCLUDE|EXCLUDE UserID WHERE Users...).`,
        };
    } catch (error) {
      if (error instanceof PersonalizeError) return { ok: false, reason: error.message };
      throw error;
    }
  }
  const users =
    filterAst && target.usersArn
      ? new Map(ctx.store.entities(target.usersArn).map((e) => [e.id, toUserRecord(e)]))
      : new Map<string, UserRecord>();

  const answer = (line: Record<string, unknown>): Record<string, unknown> => {
    const userFilter = filterAst
      ? compileUserFilter(filterAst, { users, values: { ...filterValuesOf(line) } })
      : undefined;
    let segment;
    if (attributeRecipe) {
      if (typeof line.itemAttributes !== 'string' || line.itemAttributes.trim() === '')
        throw new Error(
          'Each input line needs itemAttributes for an Item-Attribute-Affinity solution version.',
        );
      segment = model.segment({ itemAttributes: line.itemAttributes, numResults, userFilter });
    } else {
      if (typeof line.itemId !== 'string' || line.itemId === '')
        throw new Error('Each input line needs an itemId for an Item-Affinity solution version.');
      segment = model.segment({ itemId: line.itemId, numResults, userFilter });
    }
    return { recommendedUsers: segment.map((user) => user.userId) };
  };
  /** Item-Affinity lines keep their input under `input`; Item-Attribute-Affinity lines at the top, as documented. */
  const render = (input: Record<string, unknown>, output: unknown, error: string | null): string =>
    JSON.stringify(attributeRecipe ? { ...input, output, error } : { input, output, error });

  try {
    const objects = await resolveObjects(ctx.s3, job.doc.jobInput.s3DataSource.path);
    const destination = parseS3Url(job.doc.jobOutput.s3DataDestination.path);
    const outputs: { key: string; body: string }[] = [];
    let queries = 0;
    for (const object of objects) {
      const text = await readObjectText(ctx.s3, object);
      const lines: string[] = [];
      for (const [index, raw] of text.split(/\r?\n/).entries()) {
        if (raw.trim() === '') continue;
        const where = `Input line ${index + 1} of s3://${object.bucket}/${object.key}`;
        let input: unknown;
        try {
          input = JSON.parse(raw);
        } catch {
          return { ok: false, reason: `${where} is not valid JSON.` };
        }
        if (!isRecord(input)) return { ok: false, reason: `${where} is not a JSON object.` };
        queries++;
        if (attributeRecipe && queries > MAX_ATTRIBUTE_QUERIES)
          return {
            ok: false,
            reason: `Item-Attribute-Affinity batch segment jobs take at most ${MAX_ATTRIBUTE_QUERIES} queries; the input has more.`,
          };
        try {
          lines.push(render(input, answer(input), null));
        } catch (error) {
          if (!(error instanceof Error)) throw error;
          lines.push(render(input, null, error.message));
        }
      }
      outputs.push({
        key: outputKey(destination.key, object.key),
        body: lines.join('\n') + (lines.length > 0 ? '\n' : ''),
      });
    }
    await putOutputs(ctx, destination.bucket, outputs);
    return { ok: true };
  } catch (error) {
    return dataLocationFailure(error);
  }
}
