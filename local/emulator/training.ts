import { findRecipe } from '../../core/recipes';
import type { DatasetType } from '../../core/schema-rules';
import type { TrainOptions } from '../engine';
import type { EmulatorContext } from './context';
import { storedDatasetType, type SolutionVersionDoc } from './documents';
import { Status, type WorkOutcome } from './lifecycle';
import { groupDatasets } from './resources';
import type { ResourceOf } from './store';
import type { TrainingJob } from './training-job';
import { TrainingThreadError } from './training-workers';

/**
 * Solution version training. The emulator's thread checks that the recipe's datasets are ACTIVE and
 * hands the job to a training thread (./training-workers.ts), which reads the records, checks
 * Personalize's minimum-data rules, trains the engine model, computes the offline metrics and encodes
 * the model (./training-job.ts). The model's bytes and metrics are stored in the transaction that
 * marks the version ACTIVE. Requests keep being answered while the model trains.
 */

/** The engine's train options for a solution version. */
function trainOptionsFor(version: SolutionVersionDoc): TrainOptions {
  const config = version.solutionConfig ?? {};
  return {
    recipe: findRecipe(version.recipeArn)?.name ?? version.recipeArn,
    ...(config.algorithmHyperParameters ? { hyperParameters: { ...config.algorithmHyperParameters } } : {}),
    ...(config.featureTransformationParameters
      ? { featureTransformationParameters: { ...config.featureTransformationParameters } }
      : {}),
    ...(version.eventType ? { eventType: version.eventType } : {}),
    ...(config.eventValueThreshold !== undefined
      ? { eventValueThreshold: Number(config.eventValueThreshold) }
      : {}),
  };
}

/**
 * The datasets of a group a training reads, or why it cannot start: each dataset `required` (by the recipe or
 * use case named `by`) must be ACTIVE.
 */
export function trainingDatasets(
  ctx: EmulatorContext,
  groupArn: string,
  required: readonly DatasetType[],
  by: string,
): { datasets: TrainingJob['datasets'] } | { reason: string } {
  const datasets = groupDatasets(ctx, groupArn);
  for (const type of required) {
    const dataset = datasets.get(storedDatasetType(type));
    if (!dataset || dataset.status !== Status.ACTIVE)
      return {
        reason: `Create failed. Dataset group ${groupArn} has no ACTIVE ${type} dataset, which ${by} requires.`,
      };
  }
  const interactions = datasets.get('INTERACTIONS')?.arn;
  const items = datasets.get('ITEMS')?.arn;
  const users = datasets.get('USERS')?.arn;
  return {
    datasets: {
      ...(interactions ? { interactions } : {}),
      ...(items ? { items } : {}),
      ...(users ? { users } : {}),
    },
  };
}

/** Trains a solution version (the lifecycle's work for `solutionVersion`). */
export async function runTraining(
  ctx: EmulatorContext,
  version: ResourceOf<'solutionVersion'>,
): Promise<WorkOutcome> {
  const groupArn = version.doc.datasetGroupArn;
  const recipe = findRecipe(version.doc.recipeArn);
  const found = trainingDatasets(
    ctx,
    groupArn,
    recipe?.requiredDatasets ?? ['Interactions'],
    `recipe ${recipe?.name ?? ''}`,
  );
  if ('reason' in found) return { ok: false, reason: found.reason };
  const started = Date.now();
  let result;
  try {
    result = await ctx.training.run({
      dataDir: ctx.dataDir,
      datasets: found.datasets,
      options: trainOptionsFor(version.doc),
    });
  } catch (error) {
    if (error instanceof TrainingThreadError)
      return { ok: false, reason: `Create failed. ${error.message} Create a new solution version to retry.` };
    throw error;
  }
  if ('error' in result) throw new Error(`training failed: ${result.error}`);
  if (!result.ok) return { ok: false, reason: result.reason };
  const { model, metrics, watermark } = result;
  const trainingHours = (Date.now() - started) / 3_600_000;
  return {
    ok: true,
    commit: () => {
      ctx.store.putModel(version.arn, model, metrics);
      // Decoded from the stored bytes on the first request that needs it.
      ctx.models.forget(version.arn);
      ctx.store.updateResource(version, {
        doc: { ...version.doc, trainingHours, _interactionWatermark: watermark },
      });
    },
  };
}
