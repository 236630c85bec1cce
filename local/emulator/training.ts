import { checkMinimumData } from '../../core/dataset-rules';
import { findRecipe } from '../../core/recipes';
import {
  EngineError,
  evaluate,
  serializeModel,
  train,
  type Interaction,
  type ItemRecord,
  type TrainingData,
  type TrainOptions,
  type UserRecord,
} from '../engine';
import type { EmulatorContext } from './context';
import type { WorkOutcome } from './lifecycle';
import type { ResourceRow } from './store';

/**
 * Solution version training: gathers the dataset group's data, checks Personalize's minimum-data
 * rules, trains the engine model and computes the offline metrics. The serialized model and metrics
 * are stored in the transaction that marks the version ACTIVE. Training runs on the event loop: the
 * engine trains ~60k interactions in well under a second.
 */

/** Hidden doc member: id of the newest interaction row the model was trained on. */
export const WATERMARK_MEMBER = '_interactionWatermark';

/** The datasets of a dataset group by type (`INTERACTIONS`, `ITEMS`, `USERS`). */
export function groupDatasets(ctx: EmulatorContext, groupArn: string): Map<string, ResourceRow> {
  const map = new Map<string, ResourceRow>();
  for (const d of ctx.store.listResources('dataset', { groupArn })) map.set(String(d.doc.datasetType), d);
  return map;
}

function toNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function asFieldValues(fields: Record<string, unknown>): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
  }
  return out;
}

/** Loads the training data of a dataset group from the store. */
export function loadTrainingData(
  ctx: EmulatorContext,
  groupArn: string,
): { data: TrainingData; watermark: number; interactionsArn?: string } {
  const datasets = groupDatasets(ctx, groupArn);
  const interactionsDataset = datasets.get('INTERACTIONS');
  const interactions: Interaction[] = interactionsDataset
    ? ctx.store.interactions(interactionsDataset.arn).map((r) => ({
        userId: r.userId,
        itemId: r.itemId,
        timestamp: r.timestamp,
        ...(r.eventType !== undefined ? { eventType: r.eventType } : {}),
        ...(r.eventValue !== undefined ? { eventValue: r.eventValue } : {}),
      }))
    : [];
  const itemsDataset = datasets.get('ITEMS');
  const items: ItemRecord[] = itemsDataset
    ? ctx.store.entities(itemsDataset.arn).map((e) => {
        const creationTimestamp = toNumber(e.fields.CREATION_TIMESTAMP);
        return {
          itemId: e.id,
          ...(creationTimestamp !== undefined ? { creationTimestamp } : {}),
          fields: asFieldValues(e.fields),
        };
      })
    : [];
  const usersDataset = datasets.get('USERS');
  const users: UserRecord[] = usersDataset
    ? ctx.store.entities(usersDataset.arn).map((e) => ({ userId: e.id, fields: asFieldValues(e.fields) }))
    : [];
  return {
    data: { interactions, items, users },
    watermark: interactionsDataset ? ctx.store.interactionWatermark(interactionsDataset.arn) : 0,
    ...(interactionsDataset ? { interactionsArn: interactionsDataset.arn } : {}),
  };
}

/** The engine's train options for a solution version. */
export function trainOptionsFor(version: ResourceRow): TrainOptions {
  const recipe = findRecipe(String(version.doc.recipeArn))?.name ?? String(version.doc.recipeArn);
  const config = (version.doc.solutionConfig ?? {}) as {
    algorithmHyperParameters?: Record<string, string>;
    featureTransformationParameters?: Record<string, string>;
    eventValueThreshold?: string;
  };
  const eventType = typeof version.doc.eventType === 'string' ? version.doc.eventType : undefined;
  return {
    recipe,
    ...(config.algorithmHyperParameters ? { hyperParameters: config.algorithmHyperParameters } : {}),
    ...(config.featureTransformationParameters
      ? { featureTransformationParameters: config.featureTransformationParameters }
      : {}),
    ...(eventType ? { eventType } : {}),
    ...(config.eventValueThreshold !== undefined
      ? { eventValueThreshold: Number(config.eventValueThreshold) }
      : {}),
  };
}

function selectForTraining(interactions: readonly Interaction[], options: TrainOptions): Interaction[] {
  return interactions.filter(
    (i) =>
      (options.eventType === undefined || i.eventType === options.eventType) &&
      (options.eventValueThreshold === undefined ||
        (i.eventValue ?? Number.NEGATIVE_INFINITY) >= options.eventValueThreshold),
  );
}

/** Trains a solution version (the lifecycle's work for `solutionVersion`). */
export async function runTraining(ctx: EmulatorContext, version: ResourceRow): Promise<WorkOutcome> {
  const groupArn = String(version.doc.datasetGroupArn);
  const recipe = findRecipe(String(version.doc.recipeArn));
  const datasets = groupDatasets(ctx, groupArn);
  for (const required of recipe?.requiredDatasets ?? ['Interactions']) {
    const dataset = datasets.get(required.toUpperCase());
    if (!dataset || dataset.status !== 'ACTIVE') {
      return {
        ok: false,
        reason: `Create failed. Dataset group ${groupArn} has no ACTIVE ${required} dataset, which recipe ${recipe?.name ?? ''} requires.`,
      };
    }
  }
  const started = Date.now();
  const { data, watermark } = loadTrainingData(ctx, groupArn);
  const options = trainOptionsFor(version);
  const selected = selectForTraining(data.interactions, options);
  const shortfall = checkMinimumData(selected);
  if (shortfall) {
    const filtered = options.eventType ? ` (after filtering by event type ${options.eventType})` : '';
    return { ok: false, reason: `Create failed. ${shortfall.replace(/\.$/, '')}${filtered}.` };
  }
  await new Promise((r) => setImmediate(r));
  try {
    const model = train(data, options);
    await new Promise((r) => setImmediate(r));
    const metrics = evaluate(data, options);
    const serialized = JSON.stringify(serializeModel(model));
    const trainingHours = (Date.now() - started) / 3_600_000;
    return {
      ok: true,
      commit: (row) => {
        ctx.store.putModel(row.arn, serialized, metrics);
        ctx.models.put(row.arn, model);
        return { trainingHours, [WATERMARK_MEMBER]: watermark };
      },
    };
  } catch (error) {
    if (error instanceof EngineError) return { ok: false, reason: `Create failed. ${error.message}` };
    throw error;
  }
}
