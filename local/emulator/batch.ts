import { PutObjectCommand } from '@aws-sdk/client-s3';
import { findRecipe } from '../../core/recipes';
import type { Interaction } from '../engine';
import { compileFilter, parseFilterExpression } from '../engine';
import type { EmulatorContext } from './context';
import type { WorkOutcome } from './lifecycle';
import { DataLocationError, parseS3Url, readObjectText, resolveObjects } from './s3-location';
import { groupDatasets } from './resources';
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

/** Runs a batch inference job (the lifecycle's work for `batchInferenceJob`). */
export async function runBatchInferenceJob(
  ctx: EmulatorContext,
  job: ResourceOf<'batchInferenceJob'>,
): Promise<WorkOutcome> {
  const version = ctx.store.getResource(job.doc.solutionVersionArn, 'solutionVersion');
  const model = version ? ctx.models.get(version.arn) : undefined;
  if (!version || !model)
    return {
      ok: false,
      reason: `Solution version ${job.doc.solutionVersionArn} is not ACTIVE or has no model.`,
    };
  const recipeType = findRecipe(version.doc.recipeArn)?.recipeType;
  const numResults = job.doc.numResults;
  const inputPath = job.doc.jobInput.s3DataSource.path;
  const outputPath = job.doc.jobOutput.s3DataDestination.path;
  const datasets = groupDatasets(ctx, version.doc.datasetGroupArn);
  const interactionsArn = datasets.get('INTERACTIONS')?.arn;
  const watermark = version.doc._interactionWatermark ?? 0;
  const filterAst = job.doc.filterArn
    ? parseFilterExpression(ctx.store.getResource(job.doc.filterArn, 'filter')?.doc.filterExpression ?? '')
    : undefined;
  const itemsArn = datasets.get('ITEMS')?.arn;
  const items = new Map(
    (itemsArn ? ctx.store.entities(itemsArn) : []).map((e) => [
      e.id,
      { itemId: e.id, fields: e.fields as Record<string, string | number | boolean | null> },
    ]),
  );
  const recent = (userId: string): Interaction[] =>
    interactionsArn
      ? ctx.store
          .streamedInteractions(interactionsArn, userId, 100, watermark)
          .map((r) => ({ userId, itemId: r.itemId, timestamp: r.timestamp }))
      : [];
  const history = (userId: string): Interaction[] =>
    interactionsArn
      ? ctx.store.userInteractions(interactionsArn, userId, 1000, 0).map((r) => ({
          userId,
          itemId: r.itemId,
          timestamp: r.timestamp,
          ...(r.eventType ? { eventType: r.eventType } : {}),
        }))
      : [];

  const answer = (line: Record<string, unknown>): Record<string, unknown> => {
    const userId = typeof line.userId === 'string' ? line.userId : undefined;
    const itemId = typeof line.itemId === 'string' ? line.itemId : undefined;
    const filter = filterAst
      ? compileFilter(filterAst, { items, userInteractions: userId ? history(userId) : [], values: {} })
      : undefined;
    if (recipeType === 'PERSONALIZED_RANKING') {
      const itemList = Array.isArray(line.itemList) ? line.itemList.map(String) : undefined;
      if (!userId || !itemList)
        throw new Error(
          'Each input line needs userId and itemList for a PERSONALIZED_RANKING solution version.',
        );
      const ranked = model.rank({
        userId,
        inputList: filter ? itemList.filter(filter) : itemList,
        recentInteractions: recent(userId),
      });
      return { recommendedItems: ranked.map((r) => r.itemId), scores: ranked.map((r) => r.score) };
    }
    if (recipeType === 'RELATED_ITEMS' && !itemId)
      throw new Error('Each input line needs an itemId for a RELATED_ITEMS solution version.');
    if (recipeType === 'USER_PERSONALIZATION' && !userId)
      throw new Error('Each input line needs a userId for a USER_PERSONALIZATION solution version.');
    const results = model.recommend({
      ...(recipeType === 'RELATED_ITEMS'
        ? { itemId }
        : userId
          ? { userId, recentInteractions: recent(userId) }
          : {}),
      numResults,
      ...(filter ? { candidateFilter: filter } : {}),
    });
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
    for (const output of outputs) {
      await ctx.s3.send(
        new PutObjectCommand({
          Bucket: destination.bucket,
          Key: output.key,
          Body: output.body,
          ContentType: 'application/json',
        }),
      );
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof DataLocationError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Batch segment jobs need USER_SEGMENTATION models, which the local engine does not train. */
export async function runBatchSegmentJob(job: ResourceOf<'batchSegmentJob'>): Promise<WorkOutcome> {
  return {
    ok: false,
    reason: `Batch segment job ${job.name} failed: USER_SEGMENTATION recipes are not supported by the emulator.`,
  };
}
