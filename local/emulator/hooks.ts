import { runBatchInferenceJob, runBatchSegmentJob } from './batch';
import type { EmulatorContext } from './context';
import { applyCampaignUpdate, resolveServingVersion } from './control/campaigns';
import { applyDatasetUpdate } from './control/datasets';
import { applySolutionUpdate } from './control/solutions';
import { runImportJob } from './imports';
import type { LifecycleHooks, WorkOutcome } from './lifecycle';
import type { ResourceRow } from './store';
import { runTraining } from './training';

/** Checks that a campaign's solution version can still be served when the campaign becomes ACTIVE. */
function deployCampaign(ctx: EmulatorContext, row: ResourceRow): WorkOutcome {
  try {
    const version = resolveServingVersion(ctx, String(row.doc.solutionVersionArn));
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
    default:
      break;
  }
  store.deleteResource(row.arn);
}

/** Connects the lifecycle to the work each resource kind does. */
export function jobsHooks(ctx: () => EmulatorContext, log: (message: string) => void): LifecycleHooks {
  return {
    async work(row) {
      const c = ctx();
      switch (row.kind) {
        case 'datasetImportJob':
          return runImportJob(c, row);
        case 'solutionVersion':
          return runTraining(c, row);
        case 'batchInferenceJob':
          return runBatchInferenceJob(c, row);
        case 'batchSegmentJob':
          return runBatchSegmentJob(c, row);
        case 'campaign':
          return deployCampaign(c, row);
        case 'campaignUpdate': {
          const check = deployCampaign(c, row);
          if (!check.ok) return check;
          return {
            ok: true,
            commit: (fresh) => {
              applyCampaignUpdate(c, fresh);
              return undefined;
            },
          };
        }
        case 'solutionUpdate':
          return {
            ok: true,
            commit: (fresh) => {
              applySolutionUpdate(c, fresh);
              return undefined;
            },
          };
        case 'datasetUpdate':
          return {
            ok: true,
            commit: (fresh) => {
              applyDatasetUpdate(c, fresh);
              return undefined;
            },
          };
        default:
          return { ok: true };
      }
    },
    finalizeDelete: (row) => finalizeDelete(ctx(), row),
    onError: (error, row) =>
      log(`lifecycle error for ${row.arn}: ${(error as Error).stack ?? String(error)}`),
  };
}
