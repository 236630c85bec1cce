import { findRecipe } from '../../../core/recipes';
import { SUPPORTED_RECIPES } from '../../engine';
import { namedArn, shortId, solutionVersionArn } from '../arn';
import type { EmulatorContext, HandlerTable } from '../context';
import {
  InvalidInputException,
  ResourceInUseException,
  ResourceNotFoundException,
  UnsupportedOperationException,
} from '../errors';
import { Status } from '../lifecycle';
import {
  beginDelete,
  createResource,
  isCreating,
  isLive,
  listPage,
  pick,
  render,
  requireActive,
  requireCreated,
  requireFreeArn,
  requireResource,
  quotaReached,
} from '../resources';
import type { TrainingMode } from '../documents';
import { SOLUTION_CONFIG, SOLUTION_UPDATE_CONFIG } from '../model-shapes';
import type { ResourceOf } from '../store';

const TRAINING_MODES: readonly TrainingMode[] = ['FULL', 'UPDATE', 'AUTOTRAIN'];

const VERSION_SUMMARY_KEYS = [
  'solutionVersionArn',
  'status',
  'trainingMode',
  'trainingType',
  'creationDateTime',
  'lastUpdatedDateTime',
  'failureReason',
];

/** The newest solution version of a solution, optionally only ACTIVE ones. */
export function latestVersion(
  ctx: EmulatorContext,
  solutionArn: string,
  activeOnly = false,
): ResourceOf<'solutionVersion'> | undefined {
  return ctx.store
    .listResources('solutionVersion', { parentArn: solutionArn })
    .find((v) => !activeOnly || v.status === Status.ACTIVE);
}

function renderSolution(ctx: EmulatorContext, row: ResourceOf<'solution'>): Record<string, unknown> {
  const view = render(row);
  const latest = latestVersion(ctx, row.arn);
  if (latest) view.latestSolutionVersion = pick(render(latest), VERSION_SUMMARY_KEYS);
  const update = ctx.store.listResources('solutionUpdate', { parentArn: row.arn })[0];
  if (update) {
    view.latestSolutionUpdate = pick(render(update), [
      'solutionUpdateConfig',
      'status',
      'performAutoTraining',
      'performIncrementalUpdate',
      'creationDateTime',
      'lastUpdatedDateTime',
      'failureReason',
    ]);
  }
  return view;
}

/** Campaigns that serve a solution (directly or through `$LATEST`). */
function campaignsUsing(ctx: EmulatorContext, solutionArn: string): ResourceOf<'campaign'>[] {
  return ctx.store
    .listResources('campaign')
    .filter((c) => isLive(c) && c.doc.solutionVersionArn.startsWith(`${solutionArn}/`));
}

/** CreateSolution, Describe/List/Delete/UpdateSolution, solution versions and GetSolutionMetrics. */
export const solutionOperations: HandlerTable = {
  CreateSolution(ctx, input, req) {
    const name = input.name();
    const groupArn = input.arn('datasetGroupArn');
    const recipeArn = input.optionalArn('recipeArn');
    const performHPO = input.optionalBoolean('performHPO') ?? false;
    const performAutoML = input.optionalBoolean('performAutoML') ?? false;
    const performAutoTraining = input.optionalBoolean('performAutoTraining') ?? true;
    const performIncrementalUpdate = input.optionalBoolean('performIncrementalUpdate');
    const eventType = input.optionalString('eventType', { max: 256 });
    const solutionConfig = input.optionalShape('solutionConfig', SOLUTION_CONFIG);
    const tags = input.tags();
    if (performAutoML)
      throw new UnsupportedOperationException(
        'performAutoML is not supported by the emulator; set recipeArn instead.',
      );
    if (!recipeArn) throw new InvalidInputException('recipeArn is required when performAutoML is false.');
    const recipe = findRecipe(recipeArn);
    if (!recipe) throw new ResourceNotFoundException(`Recipe ${recipeArn} does not exist.`);
    if (!SUPPORTED_RECIPES.includes(recipe.name)) {
      throw new UnsupportedOperationException(
        `Recipe ${recipe.name} is not supported by the emulator; supported recipes: ${SUPPORTED_RECIPES.join(', ')}.`,
      );
    }
    const group = requireActive(requireResource(ctx, groupArn, 'datasetGroup'));
    const arn = namedArn(ctx.scope, 'solution', name);
    requireFreeArn(ctx, arn, 'solution', name);
    if (
      ctx.store.listResources('solution', { groupArn }).filter(isLive).length >= ctx.quotas.solutionsPerGroup
    ) {
      throw quotaReached(ctx, 'solutionsPerGroup', 'solution', ` in dataset group ${groupArn}`);
    }
    createResource(ctx, req, {
      kind: 'solution',
      arn,
      name,
      parentArn: group.arn,
      groupArn,
      tags,
      doc: {
        name,
        solutionArn: arn,
        performHPO,
        performAutoML,
        performAutoTraining,
        ...(performIncrementalUpdate !== undefined ? { performIncrementalUpdate } : {}),
        recipeArn: recipe.arn,
        datasetGroupArn: groupArn,
        ...(eventType ? { eventType } : {}),
        ...(solutionConfig ? { solutionConfig } : {}),
      },
    });
    return { solutionArn: arn };
  },

  DescribeSolution(ctx, input) {
    return { solution: renderSolution(ctx, requireResource(ctx, input.arn('solutionArn'), 'solution')) };
  },

  ListSolutions(ctx, input) {
    const groupArn = input.optionalArn('datasetGroupArn');
    const rows = ctx.store.listResources('solution', groupArn ? { groupArn } : {});
    return listPage(
      input,
      rows,
      'solutions',
      (row) =>
        pick(render(row), [
          'name',
          'solutionArn',
          'status',
          'creationDateTime',
          'lastUpdatedDateTime',
          'recipeArn',
        ]),
      [groupArn],
    );
  },

  DeleteSolution(ctx, input) {
    const row = requireResource(ctx, input.arn('solutionArn'), 'solution');
    requireCreated(row);
    const campaign = campaignsUsing(ctx, row.arn)[0];
    if (campaign)
      throw new ResourceInUseException(
        `Solution ${row.arn} is used by campaign ${campaign.arn}; delete the campaign first.`,
      );
    const busy = ctx.store.listResources('solutionVersion', { parentArn: row.arn }).find(isCreating);
    if (busy)
      throw new ResourceInUseException(
        `Solution ${row.arn} has solution version ${busy.arn} in status ${busy.status}.`,
      );
    beginDelete(ctx, row);
    return {};
  },

  UpdateSolution(ctx, input, req) {
    const row = requireActive(requireResource(ctx, input.arn('solutionArn'), 'solution'));
    const performAutoTraining = input.optionalBoolean('performAutoTraining');
    const performIncrementalUpdate = input.optionalBoolean('performIncrementalUpdate');
    const solutionUpdateConfig = input.optionalShape('solutionUpdateConfig', SOLUTION_UPDATE_CONFIG);
    const pending = ctx.store.listResources('solutionUpdate', { parentArn: row.arn }).find(isCreating);
    if (pending) throw new ResourceInUseException(`Solution ${row.arn} already has an update in progress.`);
    createResource(ctx, req, {
      kind: 'solutionUpdate',
      arn: `${row.arn}#update-${Date.now()}`,
      name: row.name,
      parentArn: row.arn,
      groupArn: row.groupArn,
      doc: {
        ...(solutionUpdateConfig ? { solutionUpdateConfig } : {}),
        performAutoTraining: performAutoTraining ?? row.doc.performAutoTraining,
        ...(performIncrementalUpdate !== undefined ? { performIncrementalUpdate } : {}),
      },
    });
    return { solutionArn: row.arn };
  },

  CreateSolutionVersion(ctx, input, req) {
    const solution = requireResource(ctx, input.arn('solutionArn'), 'solution');
    const name = input.has('name') ? input.name() : undefined;
    const trainingMode = input.optionalEnum('trainingMode', TRAINING_MODES) ?? 'FULL';
    const tags = input.tags();
    requireActive(solution);
    const recipe = findRecipe(solution.doc.recipeArn);
    if (trainingMode === 'UPDATE') {
      if (!recipe?.supportsUpdateTraining)
        throw new InvalidInputException(
          `trainingMode UPDATE is not supported for recipe ${recipe?.name ?? solution.doc.recipeArn}.`,
        );
      if (!latestVersion(ctx, solution.arn, true))
        throw new InvalidInputException(
          `Solution ${solution.arn} has no ACTIVE solution version trained with trainingMode FULL; train one before using UPDATE.`,
        );
    }
    const pending = ctx.store.listResources('solutionVersion').filter(isCreating).length;
    if (pending >= ctx.quotas.pendingSolutionVersions) {
      throw quotaReached(
        ctx,
        'pendingSolutionVersions',
        'solution version',
        ' with PENDING or IN_PROGRESS status',
      );
    }
    // After the regional quota, one training at a time per solution (see the README, "Concurrency").
    const training = ctx.store.listResources('solutionVersion', { parentArn: solution.arn }).find(isCreating);
    if (training) {
      throw new ResourceInUseException(
        `Solution ${solution.arn} already has a solution version in status ${training.status} (${training.arn}); create another once it is ACTIVE, CREATE FAILED or CREATE STOPPED.`,
      );
    }
    let arn = solutionVersionArn(solution.arn, shortId());
    while (ctx.store.getResource(arn)) arn = solutionVersionArn(solution.arn, shortId());
    const d = solution.doc;
    createResource(ctx, req, {
      kind: 'solutionVersion',
      arn,
      name: name ?? solution.name,
      parentArn: solution.arn,
      groupArn: solution.groupArn,
      tags,
      doc: {
        ...(name ? { name } : {}),
        solutionVersionArn: arn,
        solutionArn: solution.arn,
        performHPO: d.performHPO,
        performAutoML: d.performAutoML,
        ...(d.performIncrementalUpdate !== undefined
          ? { performIncrementalUpdate: d.performIncrementalUpdate }
          : {}),
        recipeArn: d.recipeArn,
        ...(d.eventType ? { eventType: d.eventType } : {}),
        datasetGroupArn: d.datasetGroupArn,
        ...(d.solutionConfig ? { solutionConfig: d.solutionConfig } : {}),
        trainingMode,
        trainingType: trainingMode === 'AUTOTRAIN' ? 'AUTOMATIC' : 'MANUAL',
      },
    });
    return { solutionVersionArn: arn };
  },

  DescribeSolutionVersion(ctx, input) {
    return {
      solutionVersion: render(requireResource(ctx, input.arn('solutionVersionArn'), 'solutionVersion')),
    };
  },

  ListSolutionVersions(ctx, input) {
    const solutionArn = input.optionalArn('solutionArn');
    if (solutionArn) requireResource(ctx, solutionArn, 'solution');
    const rows = ctx.store.listResources('solutionVersion', solutionArn ? { parentArn: solutionArn } : {});
    return listPage(input, rows, 'solutionVersions', (row) => pick(render(row), VERSION_SUMMARY_KEYS), [
      solutionArn,
    ]);
  },

  StopSolutionVersionCreation(ctx, input) {
    const row = requireResource(ctx, input.arn('solutionVersionArn'), 'solutionVersion');
    if (row.status === Status.CREATE_PENDING) {
      ctx.store.updateResource(row, {
        status: Status.CREATE_STOPPED,
        updatedAt: ctx.now(),
        nextAt: null,
      });
    } else if (row.status === Status.CREATE_IN_PROGRESS) {
      ctx.store.updateResource(row, {
        status: Status.CREATE_STOPPING,
        updatedAt: ctx.now(),
        nextAt: ctx.lifecycle.pendingUntil('solutionVersion'),
      });
      ctx.lifecycle.wake();
    } else {
      throw new ResourceInUseException(
        `Solution version ${row.arn} is in status ${row.status}; only versions in CREATE PENDING or CREATE IN_PROGRESS can be stopped.`,
      );
    }
    return {};
  },

  GetSolutionMetrics(ctx, input) {
    const row = requireResource(ctx, input.arn('solutionVersionArn'), 'solutionVersion');
    if (row.status !== Status.ACTIVE)
      throw new ResourceInUseException(
        `Solution version ${row.arn} is not ACTIVE (status: ${row.status}); metrics are available once training succeeds.`,
      );
    return { solutionVersionArn: row.arn, metrics: ctx.store.getModel(row.arn)?.metrics ?? {} };
  },
};

/** Applies a finished solution update to its solution. */
export function applySolutionUpdate(ctx: EmulatorContext, update: ResourceOf<'solutionUpdate'>): void {
  const solution = ctx.store.getResource(update.parentArn ?? '', 'solution');
  if (!solution) return;
  const solutionConfig = { ...solution.doc.solutionConfig, ...update.doc.solutionUpdateConfig };
  ctx.store.updateResource(solution, {
    doc: {
      ...solution.doc,
      performAutoTraining: update.doc.performAutoTraining,
      ...(update.doc.performIncrementalUpdate !== undefined
        ? { performIncrementalUpdate: update.doc.performIncrementalUpdate }
        : {}),
      ...(Object.keys(solutionConfig).length > 0 ? { solutionConfig } : {}),
    },
    updatedAt: ctx.now(),
  });
}
