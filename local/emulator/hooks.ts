import { runBatchInferenceJob, runBatchSegmentJob } from './batch';
import type { EmulatorContext } from './context';
import { applyCampaignUpdate, resolveServingVersion } from './control/campaigns';
import { applyDatasetUpdate } from './control/datasets';
import { deleteRecommenderChildren, trainRecommender, trainRecommenderUpdate } from './control/recommenders';
import { applySolutionUpdate } from './control/solutions';
import { runImportJob } from './imports';
import type { LifecycleHooks, WorkOutcome } from './lifecycle';
import type { Serving } from './serving';
import type { ResourceOf, ResourceRow } from './store';
import { runTraining } from './training';

/** Checks that a campaign's solution version can still be served when the campaign (or its update) becomes ACTIVE. */
function deployCampaign(
  ctx: EmulatorContext,
  row: ResourceOf<'campaign'> | ResourceOf<'campaignUpdate'>,
): WorkOutcome {
  try {
    const version = resolveServingVersion(ctx, row.doc.solutionVersionArn);
    if (!ctx.models.get(version.arn))
      return { ok: false, reason: `The model of solution version ${version.arn} is missing.` };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** Deletes the children that go with a resource, then the resource itself. */
function finalizeDelete(ctx: EmulatorContext, row: ResourceRow): void {
  const { store } = ctx;
  switch (row.kind) {
    case 'dataset':
      store.clearDataset(row.arn);
      for (const update of store.listResources('datasetUpdate', { parentArn: row.arn }))
        store.deleteResource(update.arn);
      break;
    case 'solution':
      for (const version of store.listResources('solutionVersion', { parentArn: row.arn })) {
        ctx.models.forget(version.arn);
        store.deleteResource(version.arn);
      }
      for (const update of store.listResources('solutionUpdate', { parentArn: row.arn }))
        store.deleteResource(update.arn);
      break;
    case 'campaign':
      for (const update of store.listResources('campaignUpdate', { parentArn: row.arn }))
        store.deleteResource(update.arn);
      break;
    case 'recommender':
      deleteRecommenderChildren(ctx, row);
      break;
    case 'metricAttribution':
      store.clearAttributionTotals(row.arn);
      break;
    default:
      break;
  }
  store.deleteResource(row.arn);
}

/** What the jobs run with: the instance's context and its serving path (batch inference answers through it). */
export interface JobsEnvironment {
  readonly ctx: EmulatorContext;
  readonly serving: Serving;
}

/** Connects the lifecycle to the work each resource kind does. */
export function jobsHooks(env: () => JobsEnvironment, log: (message: string) => void): LifecycleHooks {
  return {
    async work(row) {
      const { ctx, serving } = env();
      switch (row.kind) {
        case 'datasetImportJob':
          return runImportJob(ctx, row);
        case 'solutionVersion':
          return runTraining(ctx, row);
        case 'batchInferenceJob':
          return runBatchInferenceJob(ctx, serving, row);
        case 'batchSegmentJob':
          return runBatchSegmentJob(ctx, serving, row);
        case 'campaign':
          return deployCampaign(ctx, row);
        case 'campaignUpdate': {
          const check = deployCampaign(ctx, row);
          if (!check.ok) return check;
          return { ok: true, commit: () => applyCampaignUpdate(ctx, row) };
        }
        case 'solutionUpdate':
          return { ok: true, commit: () => applySolutionUpdate(ctx, row) };
        case 'datasetUpdate':
          return { ok: true, commit: () => applyDatasetUpdate(ctx, row) };
        case 'recommender':
          return trainRecommender(ctx, row);
        case 'recommenderUpdate':
          return trainRecommenderUpdate(ctx, row);
        default:
          return { ok: true };
      }
    },
    finalizeDelete: (row) => finalizeDelete(env().ctx, row),
    onError: (error, row) =>
      log(`lifecycle error for ${row.arn}: ${(error as Error).stack ?? String(error)}`),
  };
}
