import { namedArn } from '../arn';
import type { EmulatorContext, HandlerTable } from '../context';
import { storedDatasetType, type RecommenderConfig } from '../documents';
import { InvalidInputException, ResourceInUseException, ResourceNotFoundException } from '../errors';
import { Status, type WorkOutcome } from '../lifecycle';
import { RECOMMENDER_CONFIG } from '../model-shapes';
import {
  createResource,
  beginDelete,
  groupDatasets,
  isCreating,
  isLive,
  listPage,
  pick,
  quotaReached,
  render,
  requireFreeArn,
  requireResource,
} from '../resources';
import type { ResourceOf } from '../store';
import { trainingDatasets } from '../training';
import { TrainingThreadError } from '../training-workers';
import { findUseCase, MIN_USE_CASE_EVENTS, type UseCase } from '../use-cases';
import type { RequestReader } from '../validation';

/**
 * Recommenders: a domain dataset group's use cases (`aws-ecomm-*`, `aws-vod-*`), each trained like a
 * solution version (in a training thread, see ../training-workers.ts) on the event types the use case
 * reads, and served by GetRecommendations with `recommenderArn` (../serving.ts).
 *
 * Statuses: `CREATE PENDING → CREATE IN_PROGRESS → ACTIVE | CREATE FAILED`; StopRecommender `ACTIVE →
 * STOP PENDING → STOP IN_PROGRESS → INACTIVE`; StartRecommender `INACTIVE → START PENDING → START
 * IN_PROGRESS → ACTIVE`; deletion as every resource. UpdateRecommender trains a new model in a
 * `recommenderUpdate` (served as `latestRecommenderUpdate`); the old model serves until it is ACTIVE.
 */

const UPDATE_KEYS = [
  'recommenderConfig',
  'status',
  'failureReason',
  'creationDateTime',
  'lastUpdatedDateTime',
];

const SUMMARY_KEYS = [
  'name',
  'recommenderArn',
  'datasetGroupArn',
  'recipeArn',
  'recommenderConfig',
  'status',
  'creationDateTime',
  'lastUpdatedDateTime',
];

/** Statuses in which the recommender serves and can be stopped, updated or deleted. */
const SETTLED: ReadonlySet<string> = new Set([Status.ACTIVE, Status.INACTIVE, Status.CREATE_FAILED]);

/** `recommenderConfig` with Personalize's default of 1 request per second. */
function readConfig(input: RequestReader, required: boolean): RecommenderConfig | undefined {
  const config = input.optionalShape('recommenderConfig', RECOMMENDER_CONFIG);
  if (!config) {
    if (required)
      throw new InvalidInputException(
        "1 validation error detected: Value null at 'recommenderConfig' failed to satisfy constraint: Member must not be null",
      );
    return undefined;
  }
  return { ...config, minRecommendationRequestsPerSecond: config.minRecommendationRequestsPerSecond ?? 1 };
}

/** The use case of a recommender as stored (its recipe was checked at creation). */
export function useCaseOf(row: ResourceOf<'recommender'>): UseCase {
  const useCase = findUseCase(row.doc.recipeArn);
  if (!useCase) throw new Error(`recommender ${row.arn} has an unknown use case ${row.doc.recipeArn}`);
  return useCase;
}

/** Checks the data a use case needs before it trains: datasets and the required event type's count. */
function checkUseCaseData(ctx: EmulatorContext, groupArn: string, useCase: UseCase): void {
  const datasets = groupDatasets(ctx, groupArn);
  for (const type of useCase.requiredDatasets) {
    const dataset = datasets.get(storedDatasetType(type));
    if (!dataset || dataset.status !== Status.ACTIVE)
      throw new InvalidInputException(
        `Dataset group ${groupArn} has no ACTIVE ${type} dataset, which use case ${useCase.recipe.name} requires.`,
      );
  }
  const interactions = datasets.get('INTERACTIONS');
  if (!interactions) return;
  const counts = ctx.store.interactionCountsByEventType(interactions.arn);
  const required = useCase.requiredEventType;
  const found = required ? (counts.get(required) ?? 0) : [...counts.values()].reduce((sum, n) => sum + n, 0);
  if (found < MIN_USE_CASE_EVENTS) {
    const otherSpelling = required
      ? [...counts.keys()].find((t) => t !== required && t.toLowerCase() === required.toLowerCase())
      : undefined;
    throw new InvalidInputException(
      required
        ? `Dataset has fewer than ${MIN_USE_CASE_EVENTS} interactions after filtering by event type: ${required} (found ${found}); use case ${useCase.recipe.name} requires at least ${MIN_USE_CASE_EVENTS} ${required} events.${otherSpelling ? ` Event types are case-sensitive: the dataset has ${otherSpelling}.` : ''}`
        : `Dataset has fewer than ${MIN_USE_CASE_EVENTS} interactions (found ${found}); use case ${useCase.recipe.name} requires at least ${MIN_USE_CASE_EVENTS} events.`,
    );
  }
}

function renderRecommender(ctx: EmulatorContext, row: ResourceOf<'recommender'>): Record<string, unknown> {
  const view = render(row);
  const serving = row.status === Status.ACTIVE || row.status === Status.INACTIVE;
  const model = serving ? ctx.store.getModel(row.doc._modelArn ?? row.arn) : undefined;
  if (model) view.modelMetrics = model.metrics;
  const update = ctx.store.listResources('recommenderUpdate', { parentArn: row.arn })[0];
  if (update) view.latestRecommenderUpdate = pick(render(update), UPDATE_KEYS);
  return view;
}

function requireSettled(row: ResourceOf<'recommender'>, action: string): void {
  if (row.status === null || !SETTLED.has(row.status))
    throw new ResourceInUseException(
      `Recommender ${row.arn} is in status ${row.status}; it can be ${action} only when ACTIVE, INACTIVE or CREATE FAILED.`,
    );
}

/** CreateRecommender, DescribeRecommender, ListRecommenders, UpdateRecommender, DeleteRecommender, Start/StopRecommender. */
export const recommenderOperations: HandlerTable = {
  CreateRecommender(ctx, input, req) {
    const name = input.name();
    const groupArn = input.arn('datasetGroupArn');
    const recipeArn = input.arn('recipeArn');
    const recommenderConfig = readConfig(input, false) ?? { minRecommendationRequestsPerSecond: 1 };
    const tags = input.tags();
    const group = requireResource(ctx, groupArn, 'datasetGroup');
    if (group.status !== Status.ACTIVE)
      throw new ResourceInUseException(`Dataset group ${groupArn} is not ACTIVE (status: ${group.status}).`);
    const domain = group.doc.domain;
    if (!domain)
      throw new InvalidInputException(
        `Dataset group ${groupArn} is a Custom dataset group; recommenders need a Domain dataset group (ECOMMERCE or VIDEO_ON_DEMAND). Use a solution and a campaign instead.`,
      );
    const useCase = findUseCase(recipeArn);
    if (!useCase)
      throw new InvalidInputException(
        `${recipeArn} is not a use case recipe; recommenders take the recipe ARN of a ${domain} use case (ListRecipes with domain ${domain} lists them).`,
      );
    if (useCase.recipe.domain !== domain)
      throw new InvalidInputException(
        `Use case ${useCase.recipe.name} belongs to domain ${useCase.recipe.domain}, but dataset group ${groupArn} is of domain ${domain}.`,
      );
    const arn = namedArn(ctx.scope, 'recommender', name);
    requireFreeArn(ctx, arn, 'recommender', name);
    const live = ctx.store
      .listResources('recommender', { groupArn })
      .filter((r) => isLive(r) && r.status !== Status.CREATE_FAILED);
    if (live.length >= ctx.quotas.recommendersPerGroup)
      throw quotaReached(ctx, 'recommendersPerGroup', 'recommender', ` in dataset group ${groupArn}`);
    checkUseCaseData(ctx, groupArn, useCase);
    createResource(ctx, req, {
      kind: 'recommender',
      arn,
      name,
      parentArn: groupArn,
      groupArn,
      tags,
      doc: {
        name,
        recommenderArn: arn,
        datasetGroupArn: groupArn,
        recipeArn: useCase.recipe.arn,
        recommenderConfig,
      },
    });
    return { recommenderArn: arn };
  },

  DescribeRecommender(ctx, input) {
    const row = requireResource(ctx, input.arn('recommenderArn'), 'recommender');
    return { recommender: renderRecommender(ctx, row) };
  },

  ListRecommenders(ctx, input) {
    const groupArn = input.optionalArn('datasetGroupArn');
    const rows = ctx.store.listResources('recommender', groupArn ? { groupArn } : {});
    return listPage(input, rows, 'recommenders', (row) => pick(render(row), SUMMARY_KEYS), [groupArn]);
  },

  UpdateRecommender(ctx, input, req) {
    const row = requireResource(ctx, input.arn('recommenderArn'), 'recommender');
    const recommenderConfig = readConfig(input, true) as RecommenderConfig;
    if (row.status !== Status.ACTIVE)
      throw new ResourceInUseException(
        `Recommender ${row.arn} is in status ${row.status}; it can be updated only when ACTIVE.`,
      );
    const pending = ctx.store.listResources('recommenderUpdate', { parentArn: row.arn }).find(isCreating);
    if (pending)
      throw new ResourceInUseException(
        `Recommender ${row.arn} already has an update in status ${pending.status}.`,
      );
    createResource(ctx, req, {
      kind: 'recommenderUpdate',
      arn: `${row.arn}#update-${Date.now()}`,
      name: row.name,
      parentArn: row.arn,
      groupArn: row.groupArn,
      doc: { recommenderConfig },
    });
    return { recommenderArn: row.arn };
  },

  DeleteRecommender(ctx, input) {
    const row = requireResource(ctx, input.arn('recommenderArn'), 'recommender');
    requireSettled(row, 'deleted');
    const pending = ctx.store.listResources('recommenderUpdate', { parentArn: row.arn }).find(isCreating);
    if (pending)
      throw new ResourceInUseException(`Recommender ${row.arn} has an update in status ${pending.status}.`);
    beginDelete(ctx, row);
    return {};
  },

  StartRecommender(ctx, input) {
    const row = requireResource(ctx, input.arn('recommenderArn'), 'recommender');
    if (row.status !== Status.INACTIVE)
      throw new ResourceInUseException(
        `Recommender ${row.arn} is in status ${row.status}; only an INACTIVE recommender can be started.`,
      );
    ctx.store.updateResource(row, {
      status: Status.START_PENDING,
      updatedAt: ctx.now(),
      nextAt: ctx.lifecycle.pendingUntil('recommender'),
    });
    ctx.lifecycle.wake();
    return { recommenderArn: row.arn };
  },

  StopRecommender(ctx, input) {
    const row = requireResource(ctx, input.arn('recommenderArn'), 'recommender');
    if (row.status !== Status.ACTIVE)
      throw new ResourceInUseException(
        `Recommender ${row.arn} is in status ${row.status}; only an ACTIVE recommender can be stopped.`,
      );
    const pending = ctx.store.listResources('recommenderUpdate', { parentArn: row.arn }).find(isCreating);
    if (pending)
      throw new ResourceInUseException(`Recommender ${row.arn} has an update in status ${pending.status}.`);
    ctx.store.updateResource(row, {
      status: Status.STOP_PENDING,
      updatedAt: ctx.now(),
      nextAt: ctx.lifecycle.pendingUntil('recommender'),
    });
    ctx.lifecycle.wake();
    return { recommenderArn: row.arn };
  },
};

/**
 * Trains a recommender's model (the lifecycle's work for `recommender` and `recommenderUpdate`): the
 * use case's engine recipe on the event types it reads, in a training thread. The model is stored under
 * `modelArn` in the transaction that marks the resource ACTIVE; `apply` then runs in that transaction.
 */
async function trainUseCase(
  ctx: EmulatorContext,
  recommender: ResourceOf<'recommender'>,
  modelArn: string,
  apply: (watermark: number) => void,
): Promise<WorkOutcome> {
  const useCase = useCaseOf(recommender);
  const groupArn = recommender.doc.datasetGroupArn;
  const found = trainingDatasets(ctx, groupArn, useCase.requiredDatasets, `use case ${useCase.recipe.name}`);
  if ('reason' in found) return { ok: false, reason: found.reason };
  let result;
  try {
    result = await ctx.training.run({
      dataDir: ctx.dataDir,
      datasets: found.datasets,
      options: {
        recipe: useCase.engineRecipe,
        ...(useCase.trainingEventType ? { eventType: useCase.trainingEventType } : {}),
      },
    });
  } catch (error) {
    if (error instanceof TrainingThreadError) return { ok: false, reason: `Create failed. ${error.message}` };
    throw error;
  }
  if ('error' in result) throw new Error(`training failed: ${result.error}`);
  if (!result.ok) return { ok: false, reason: result.reason };
  const { model, metrics, watermark } = result;
  return {
    ok: true,
    commit: () => {
      ctx.store.putModel(modelArn, model, metrics);
      ctx.models.forget(modelArn);
      apply(watermark);
    },
  };
}

/** The lifecycle's work for a new recommender: train its first model. */
export function trainRecommender(ctx: EmulatorContext, row: ResourceOf<'recommender'>): Promise<WorkOutcome> {
  return trainUseCase(ctx, row, row.arn, (watermark) => {
    const fresh = ctx.store.getResource(row.arn, 'recommender');
    if (!fresh) return;
    ctx.store.updateResource(fresh, {
      doc: { ...fresh.doc, _modelArn: row.arn, _interactionWatermark: watermark },
    });
  });
}

/** The lifecycle's work for UpdateRecommender: train with the new configuration, then serve the new model. */
export async function trainRecommenderUpdate(
  ctx: EmulatorContext,
  update: ResourceOf<'recommenderUpdate'>,
): Promise<WorkOutcome> {
  const recommender = ctx.store.getResource(update.parentArn ?? '', 'recommender');
  if (!recommender) return { ok: false, reason: `Recommender ${update.parentArn} no longer exists.` };
  return trainUseCase(ctx, recommender, update.arn, (watermark) => {
    const fresh = ctx.store.getResource(recommender.arn, 'recommender');
    if (!fresh) return;
    ctx.store.updateResource(fresh, {
      doc: {
        ...fresh.doc,
        recommenderConfig: update.doc.recommenderConfig,
        _modelArn: update.arn,
        _interactionWatermark: watermark,
        failureReason: undefined,
      },
      updatedAt: ctx.now(),
    });
  });
}

/** Removes a recommender's updates and their models (the recommender's own model goes with its row). */
export function deleteRecommenderChildren(ctx: EmulatorContext, row: ResourceOf<'recommender'>): void {
  for (const update of ctx.store.listResources('recommenderUpdate', { parentArn: row.arn })) {
    ctx.models.forget(update.arn);
    ctx.store.deleteResource(update.arn);
  }
  ctx.models.forget(row.arn);
}

/** A recommender that answers GetRecommendations, or ResourceNotFoundException. */
export function requireServingRecommender(
  ctx: EmulatorContext,
  recommenderArn: string,
): ResourceOf<'recommender'> {
  const row = ctx.store.getResource(recommenderArn, 'recommender');
  if (!row) throw new ResourceNotFoundException(`Recommender ${recommenderArn} does not exist.`);
  if (row.status !== Status.ACTIVE)
    throw new ResourceNotFoundException(
      `Recommender ${recommenderArn} is not ACTIVE (status: ${row.status}).`,
    );
  return row;
}
