/**
 * The `recommenders` step: ensures each config recommender of a domain dataset group as the recommender
 * `<project>-<name>` with its use case's recipe and the config's recommenderConfig. Recommenders train on
 * the imported data (no solution version), so the step runs after the imports.
 *
 * For each config recommender, "describe, else create, else update":
 * - missing: CreateRecommender (with the config's tags);
 * - ACTIVE with another recommenderConfig: UpdateRecommender (the old config serves until the update is ACTIVE);
 * - INACTIVE (stopped): StartRecommender. Should its config differ too, the workflow's second call, once it is
 *   ACTIVE again, updates it;
 * - config `stopped: true`: an ACTIVE recommender is stopped (StopRecommender), an INACTIVE or stopping one is
 *   left alone, and one being created, started or updated is waited for and stopped by the workflow's second
 *   call once it is ACTIVE. A config change waits until the recommender is started again (an update retrains);
 * - CREATE FAILED: deleted, and `ResourceBusy` until the deletion has finished; the retried step creates it
 *   again (a failure such as too few events is then reported by CreateRecommender itself);
 * - being created, started or updated to the wanted config: `unchanged` (the poll loop waits for it); to another
 *   config, being stopped or deleted: `ResourceBusy` (retried with backoff);
 * - another use case than the config's: `ResourceConflict` (a recommender's recipe cannot change: rename it).
 *
 * Recommenders of the dataset group that are not in the config are left alone, like solutions and campaigns
 * removed from the config (the teardown deletes them). Every config recommender is returned for the poll loop,
 * which waits until each is ACTIVE (an update in progress by its `latestRecommenderUpdate`), or INACTIVE for one the
 * config stops (poll kind `stoppedRecommender`).
 */
import {
  CreateRecommenderCommand,
  DeleteRecommenderCommand,
  DescribeRecommenderCommand,
  StartRecommenderCommand,
  StopRecommenderCommand,
  UpdateRecommenderCommand,
  type PersonalizeClient,
  type Recommender,
} from '@aws-sdk/client-personalize';
import type { RecommenderDefinition } from '../../core/config/schema';
import { recommenderName } from '../../core/names';
import type {
  PollTarget,
  RecommenderOutcome,
  RecommendersEvent,
  RecommendersResult,
} from '../../core/pipeline-contract';
import { findDomainRecipe } from '../../core/recipes';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  DELETING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  isInUse,
  isNotFound,
  personalizeArn,
  scopeOfArn,
  tagged,
  type PersonalizeDeps,
} from '../shared/personalize';

/** Ensures every config recommender; returns their ARNs, what was done to each, and the recommenders to poll. */
export async function ensureRecommenders(
  event: RecommendersEvent,
  { personalize }: PersonalizeDeps,
): Promise<RecommendersResult> {
  const scope = scopeOfArn(event.datasetGroupArn);
  const recommenders: Record<string, string> = {};
  const outcomes: RecommenderOutcome[] = [];
  const targets: PollTarget[] = [];
  for (const definition of event.config.recommenders) {
    const name = recommenderName(event.config.projectName, definition.name);
    const arn = personalizeArn(scope, 'recommender', name);
    const spec = recommenderSpec(definition, scope.partition);
    const { until, ...outcome } = await ensureRecommender(personalize, event, { name, arn, spec });
    const earlier = event.earlier?.find((o) => o.name === definition.name);
    recommenders[definition.name] = arn;
    outcomes.push(
      outcome.action === 'unchanged' && earlier !== undefined
        ? earlier
        : { name: definition.name, recommenderArn: arn, ...outcome },
    );
    targets.push({ kind: until === 'INACTIVE' ? 'stoppedRecommender' : 'recommender', arn });
  }
  logger.info('Recommenders ensured', { outcomes });
  return { recommenders, outcomes, ...pollable(targets) };
}

/** One recommender to ensure: its Personalize name, ARN and wanted settings. */
interface Wanted {
  readonly name: string;
  readonly arn: string;
  readonly spec: RecommenderSpec;
}

/** What was done to a recommender, and the status the poll loop waits for. */
type Outcome = Pick<RecommenderOutcome, 'action' | 'changes'> & { readonly until: RecommenderGoal };

async function ensureRecommender(
  personalize: PersonalizeClient,
  event: RecommendersEvent,
  { name, arn, spec }: Wanted,
): Promise<Outcome> {
  let existing = await describeRecommender(personalize, arn);
  if (existing === undefined) {
    try {
      await personalize.send(
        new CreateRecommenderCommand({
          name,
          datasetGroupArn: event.datasetGroupArn,
          recipeArn: spec.recipeArn,
          recommenderConfig: spec.recommenderConfig,
          ...tagged(event.config.tags),
        }),
      );
      logger.info('Recommender created', { recommenderArn: arn, recipeArn: spec.recipeArn });
      // A recommender is created ACTIVE; one the config stops is stopped by the workflow's second call.
      return { action: 'created', until: 'ACTIVE' };
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      // Created (or still being deleted) since our Describe: look again.
      existing = await describeRecommender(personalize, arn);
      if (existing === undefined) {
        throw new ResourceBusy(
          `Recommender ${arn} was created and deleted by another run or person while this run created it; retry.`,
        );
      }
    }
  }
  const plan = planRecommender(spec, existing);
  logger.info('Recommender plan', { recommenderArn: arn, ...plan });
  switch (plan.action) {
    case 'wait':
      return { action: 'unchanged', until: plan.until };
    case 'busy':
      throw new ResourceBusy(`Recommender ${arn} ${plan.reason}.`);
    case 'conflict':
      throw new ResourceConflict(`Recommender ${arn} ${plan.reason}.`);
    case 'recreate':
      await deleteFailed(personalize, arn, plan.reason);
      throw new ResourceBusy(
        `Recommender ${arn} ${plan.reason}; it was deleted and is created again once the deletion has finished.`,
      );
    case 'start':
      return startRecommender(personalize, arn);
    case 'stop':
      return stopRecommender(personalize, arn);
    case 'update':
      return updateRecommender(personalize, arn, spec, plan.changes);
  }
}

async function startRecommender(personalize: PersonalizeClient, arn: string): Promise<Outcome> {
  try {
    await personalize.send(new StartRecommenderCommand({ recommenderArn: arn }));
  } catch (error) {
    if (!isInUse(error)) throw error;
    throw new ResourceBusy(
      `Recommender ${arn} could not be started (${(error as Error).message}); it is started once it is INACTIVE.`,
    );
  }
  logger.info('Recommender started', { recommenderArn: arn });
  return { action: 'started', until: 'ACTIVE' };
}

/** Stops an ACTIVE recommender whose config says `stopped`: no more billing for its request rate, nor retraining. */
async function stopRecommender(personalize: PersonalizeClient, arn: string): Promise<Outcome> {
  try {
    await personalize.send(new StopRecommenderCommand({ recommenderArn: arn }));
  } catch (error) {
    if (!isInUse(error)) throw error;
    throw new ResourceBusy(
      `Recommender ${arn} could not be stopped (${(error as Error).message}); it is stopped once it is ACTIVE.`,
    );
  }
  logger.info('Recommender stopped', { recommenderArn: arn });
  return { action: 'stopped', until: 'INACTIVE' };
}

async function updateRecommender(
  personalize: PersonalizeClient,
  arn: string,
  spec: RecommenderSpec,
  changes: readonly string[],
): Promise<Outcome> {
  try {
    await personalize.send(
      new UpdateRecommenderCommand({ recommenderArn: arn, recommenderConfig: spec.recommenderConfig }),
    );
  } catch (error) {
    if (!isInUse(error)) throw error;
    // Another run's update started between our Describe and our Update: compare with it.
    const again = await describeRecommender(personalize, arn);
    const replan = again === undefined ? undefined : planRecommender(spec, again);
    if (replan?.action === 'wait') {
      logger.info('Waiting for the same update sent by another run', { recommenderArn: arn });
      return { action: 'unchanged', until: replan.until };
    }
    const why = replan?.action === 'busy' ? replan.reason : (error as Error).message;
    throw new ResourceBusy(`Recommender ${arn} is busy (${why}); it is updated once it is ACTIVE.`);
  }
  logger.info('Recommender updated', { recommenderArn: arn, changes });
  return { action: 'updated', changes, until: 'ACTIVE' };
}

/** Deletes a recommender whose creation failed (already gone or being deleted: nothing to do). */
async function deleteFailed(personalize: PersonalizeClient, arn: string, reason: string): Promise<void> {
  try {
    await personalize.send(new DeleteRecommenderCommand({ recommenderArn: arn }));
    logger.warn('Failed recommender deleted, to be created again', { recommenderArn: arn, reason });
  } catch (error) {
    if (!isNotFound(error) && !isInUse(error)) throw error;
  }
}

async function describeRecommender(
  personalize: PersonalizeClient,
  recommenderArn: string,
): Promise<Recommender | undefined> {
  return (
    await describeOrUndefined(() => personalize.send(new DescribeRecommenderCommand({ recommenderArn })))
  )?.recommender;
}

/** A recommenderConfig as CreateRecommender / UpdateRecommender take it. */
export interface RecommenderConfigSpec {
  readonly minRecommendationRequestsPerSecond: number;
  readonly enableMetadataWithRecommendations?: boolean;
  readonly itemExplorationConfig?: Record<string, string>;
}

/** The wanted recommender: its use case's recipe ARN, its recommenderConfig, and whether it is stopped. */
export interface RecommenderSpec {
  readonly recipeArn: string;
  readonly recommenderConfig: RecommenderConfigSpec;
  /** The config's `stopped`: the recommender is to be INACTIVE. @default false */
  readonly stopped?: boolean;
}

/**
 * The wanted recommender of a config recommender, in the function's partition: the config's exploration settings
 * become Personalize's `itemExplorationConfig` (values are strings).
 * @throws ValidationFailed for a use case that is not a domain recipe (the config check refuses it at synth)
 */
export function recommenderSpec(definition: RecommenderDefinition, partition = 'aws'): RecommenderSpec {
  const useCase = findDomainRecipe(definition.useCase);
  if (useCase === undefined) {
    throw new ValidationFailed([
      `recommenders.${definition.name}.useCase: "${definition.useCase}" is not a domain use case.`,
    ]);
  }
  const settings = definition.recommenderConfig;
  const exploration: Record<string, string> = {};
  if (settings.explorationWeight !== undefined)
    exploration.explorationWeight = String(settings.explorationWeight);
  if (settings.explorationItemAgeCutOff !== undefined)
    exploration.explorationItemAgeCutOff = String(settings.explorationItemAgeCutOff);
  return {
    recipeArn: useCase.arn.replace(/^arn:[^:]+:/, `arn:${partition}:`),
    recommenderConfig: {
      minRecommendationRequestsPerSecond: settings.minRecommendationRequestsPerSecond,
      ...(settings.enableMetadataWithRecommendations !== undefined
        ? { enableMetadataWithRecommendations: settings.enableMetadataWithRecommendations }
        : {}),
      ...(Object.keys(exploration).length > 0 ? { itemExplorationConfig: exploration } : {}),
    },
    ...(definition.stopped === true ? { stopped: true } : {}),
  };
}

/** A recommenderConfig as Describe returns it. */
export interface CurrentRecommenderConfig {
  readonly minRecommendationRequestsPerSecond?: number | undefined;
  readonly enableMetadataWithRecommendations?: boolean | undefined;
  readonly itemExplorationConfig?: Record<string, string> | undefined;
}

/**
 * The recommenderConfig members that differ (empty: unchanged). Exploration is compared on the keys the config
 * sets, as numbers (the service may add defaults, and `0.30` is `0.3`); an absent request rate is the
 * service default of 1.
 */
export function recommenderChanges(
  wanted: RecommenderConfigSpec,
  current: CurrentRecommenderConfig | undefined,
): string[] {
  const changes: string[] = [];
  if (wanted.minRecommendationRequestsPerSecond !== (current?.minRecommendationRequestsPerSecond ?? 1))
    changes.push('minRecommendationRequestsPerSecond');
  if (
    wanted.enableMetadataWithRecommendations !== undefined &&
    wanted.enableMetadataWithRecommendations !== Boolean(current?.enableMetadataWithRecommendations)
  )
    changes.push('enableMetadataWithRecommendations');
  const wantedExploration = wanted.itemExplorationConfig ?? {};
  const currentExploration = current?.itemExplorationConfig ?? {};
  if (
    Object.keys(wantedExploration).some(
      (key) => Number(wantedExploration[key]) !== Number(currentExploration[key] ?? Number.NaN),
    )
  )
    changes.push('itemExplorationConfig');
  return changes;
}

/** What an existing recommender and its latest update look like to {@link planRecommender}. */
export interface ExistingRecommender {
  readonly status?: string | undefined;
  readonly recipeArn?: string | undefined;
  readonly failureReason?: string | undefined;
  readonly recommenderConfig?: CurrentRecommenderConfig | undefined;
  readonly latestRecommenderUpdate?:
    | {
        readonly status?: string | undefined;
        readonly recommenderConfig?: CurrentRecommenderConfig | undefined;
      }
    | undefined;
}

/** Statuses of a recommender on its way to ACTIVE after StartRecommender. */
const STARTING_STATUSES: ReadonlySet<string> = new Set(['START PENDING', 'START IN_PROGRESS']);
/** Statuses of a recommender on its way to INACTIVE after StopRecommender. */
const STOPPING_STATUSES: ReadonlySet<string> = new Set(['STOP PENDING', 'STOP IN_PROGRESS']);

/** The status the poll loop waits for: ACTIVE, or INACTIVE for a recommender the config stops. */
export type RecommenderGoal = 'ACTIVE' | 'INACTIVE';

/** What to do with an existing recommender. */
export type RecommenderPlan =
  | { readonly action: 'wait'; readonly until: RecommenderGoal; readonly reason: string }
  | { readonly action: 'update'; readonly changes: readonly string[] }
  | { readonly action: 'start'; readonly reason: string }
  | { readonly action: 'stop'; readonly reason: string }
  | { readonly action: 'recreate'; readonly reason: string }
  | { readonly action: 'busy'; readonly reason: string }
  | { readonly action: 'conflict'; readonly reason: string };

/**
 * What to do with an existing recommender, given the wanted one:
 * - `wait`: it is, or is becoming, what is wanted (`until` ACTIVE, or INACTIVE when the config stops it); a
 *   recommender the config stops that is being created, started or updated is waited for until ACTIVE, and
 *   stopped by the next call;
 * - `update`: it is ACTIVE with another config;
 * - `start`: it is INACTIVE (stopped) and the config does not stop it;
 * - `stop`: it is ACTIVE and the config stops it;
 * - `recreate`: its creation failed;
 * - `busy`: it is being created, updated or started to something else, stopped or deleted: try again later;
 * - `conflict`: it serves another use case.
 */
export function planRecommender(wanted: RecommenderSpec, existing: ExistingRecommender): RecommenderPlan {
  const status = existing.status ?? 'UNKNOWN';
  if (DELETING_STATUSES.has(status)) {
    return {
      action: 'busy',
      reason: `is ${status} (it was deleted outside this run); it is created again once the deletion has finished`,
    };
  }
  if (existing.recipeArn !== undefined && sameRecipe(existing.recipeArn, wanted.recipeArn) === false) {
    return {
      action: 'conflict',
      reason: `serves use case ${existing.recipeArn}, but the config asks for ${wanted.recipeArn}; a recommender's use case cannot change, so give the config recommender another name (or delete this one)`,
    };
  }
  if (status === 'CREATE FAILED') {
    return {
      action: 'recreate',
      reason: `failed to create (${existing.failureReason ?? 'no reason given'})`,
    };
  }
  const update = existing.latestRecommenderUpdate;
  const updating = update !== undefined && CREATING_STATUSES.has(update.status ?? '');
  if (wanted.stopped === true) return planStopped(status, updating ? update.status : undefined);
  if (STOPPING_STATUSES.has(status)) {
    return { action: 'busy', reason: `is ${status}; it is started again once it is INACTIVE` };
  }
  if (status === 'INACTIVE') return { action: 'start', reason: 'it is stopped (INACTIVE)' };
  // While an update runs, compare against what it is moving to.
  const changes = recommenderChanges(
    wanted.recommenderConfig,
    updating ? update.recommenderConfig : existing.recommenderConfig,
  );
  const settling = updating || CREATING_STATUSES.has(status) || STARTING_STATUSES.has(status);
  if (changes.length === 0) {
    return {
      action: 'wait',
      until: 'ACTIVE',
      reason: updating
        ? `an update to the wanted config is ${update.status}`
        : `the recommender already has the wanted config (${status})`,
    };
  }
  if (settling) {
    const what = updating ? `an update is ${update.status}` : `it is ${status}`;
    return { action: 'busy', reason: `has another config and ${what}; it can be updated once it is ACTIVE` };
  }
  if (status !== 'ACTIVE')
    return { action: 'busy', reason: `is ${status}; it can be updated once it is ACTIVE` };
  return { action: 'update', changes };
}

/**
 * The plan for a recommender the config stops (its config is not compared: a change is applied once it is started
 * again). `updateStatus`: the status of an update in progress.
 */
function planStopped(status: string, updateStatus: string | undefined): RecommenderPlan {
  if (status === 'INACTIVE' || STOPPING_STATUSES.has(status))
    return { action: 'wait', until: 'INACTIVE', reason: `the config stops it and it is ${status}` };
  if (status === 'ACTIVE' && updateStatus === undefined)
    return { action: 'stop', reason: 'the config stops it (stopped: true)' };
  if (status === 'ACTIVE' || CREATING_STATUSES.has(status) || STARTING_STATUSES.has(status)) {
    const what = updateStatus !== undefined ? `an update is ${updateStatus}` : `it is ${status}`;
    return {
      action: 'wait',
      until: 'ACTIVE',
      reason: `the config stops it, but ${what}; it is stopped once it is ACTIVE`,
    };
  }
  return { action: 'busy', reason: `is ${status}; it is stopped once it is ACTIVE` };
}

/** Whether two recipe ARNs name the same recipe (partitions aside). */
function sameRecipe(a: string, b: string): boolean {
  const name = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  return name(a) === name(b);
}
