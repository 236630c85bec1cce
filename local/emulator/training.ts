import { findRecipe } from '../../core/recipes';
import type { TrainOptions } from '../engine';
import type { EmulatorContext } from './context';
import { storedDatasetType, type SolutionVersionDoc } from './documents';
import type { WorkOutcome } from './lifecycle';
import { groupDatasets } from './resources';
import type { ResourceOf } from './store';
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

/** Trains a solution version (the lifecycle's work for `solutionVersion`). */
export async function runTraining(
  ctx: EmulatorContext,
  version: ResourceOf<'solutionVersion'>,
): Promise<WorkOutcome> {
  const groupArn = version.doc.datasetGroupArn;
  const recipe = findRecipe(version.doc.recipeArn);
  const datasets = groupDatasets(ctx, groupArn);
  for (const required of recipe?.requiredDatasets ?? ['Interactions']) {
    const dataset = datasets.get(storedDatasetType(required));
    if (!dataset || dataset.status !== 'ACTIVE') {
      return {
        ok: false,
        reason: `Create failed. Dataset group ${groupArn} has no ACTIVE ${required} dataset, which recipe ${recipe?.name ?? ''} requires.`,
      };
    }
  }
  const started = Date.now();
  const interactions = datasets.get('INTERACTIONS')?.arn;
  const items = datasets.get('ITEMS')?.arn;
  const users = datasets.get('USERS')?.arn;
  let result;
  try {
    result = await ctx.training.run({
      dataDir: ctx.dataDir,
      datasets: {
        ...(interactions ? { interactions } : {}),
        ...(items ? { items } : {}),
        ...(users ? { users } : {}),
      },
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
