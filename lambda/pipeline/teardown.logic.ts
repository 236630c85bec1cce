/**
 * The `teardown` step (the teardown workflow's loop body): deletes every Personalize resource of a project —
 * the dataset group `<project>` and everything in it, the project's schemas — and its SSM parameters. `cdk
 * destroy` cannot do this, and campaigns bill per hour while they exist. With `dryRun` it only lists what
 * it would do. Idempotent: call it until `done`; calling it again afterwards does nothing.
 *
 * Each call, in this order:
 * 1. disables the project's triggers — its EventBridge Scheduler schedules (retraining, batch jobs) and the
 *    config-upload rule — so no run starts while (or after) the resources go and rebuilds the dataset group;
 * 2. stops every training in progress (StopSolutionVersionCreation: CREATE PENDING → CREATE STOPPED, CREATE
 *    IN_PROGRESS → CREATE STOPPING → CREATE STOPPED), instead of waiting hours for it to end; import jobs
 *    (and batch jobs) have no stop API in Personalize, so deletes they block are deferred until they end;
 * 3. deletes, in dependency order: campaigns → recommenders → event trackers → filters → metric attributions →
 *    solutions (with their versions) → datasets → dataset group → schemas → the project's SSM parameters.
 *    Recommenders are deleted as they are (ACTIVE or INACTIVE: DeleteRecommender needs no StopRecommender first). It works on the first phase that
 *    still has resources: it deletes those not already being deleted and asks to be called again after a
 *    wait. When every phase is empty the teardown is done.
 *
 * With `reenable` it only enables the triggers again (CloudFormation does not: it changes a resource only when
 * its template does, so a deploy leaves a schedule disabled out of band as it is).
 */
import {
  DeleteCampaignCommand,
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DeleteMetricAttributionCommand,
  DeleteRecommenderCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  DescribeDatasetGroupCommand,
  ListCampaignsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListMetricAttributionsCommand,
  ListRecommendersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
  StopSolutionVersionCreationCommand,
} from '@aws-sdk/client-personalize';
import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  type EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, type SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { DeleteParametersCommand, GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { unknownKeysMessage } from '../../core/config/messages';
import { datasetGroupName } from '../../core/names';
import type {
  ProjectTriggers,
  TeardownEvent,
  TeardownPhase,
  TeardownRequest,
  TeardownResult,
} from '../../core/pipeline-contract';
import { ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import {
  DELETING_STATUSES,
  describeOrUndefined,
  isInUse,
  isNotFound,
  listAll,
  personalizeArn,
  type ArnScope,
} from '../shared/personalize';

/** What {@link tearDown} works with. */
export interface TeardownDeps {
  readonly personalize: PersonalizeClient;
  readonly ssm: SSMClient;
  readonly scheduler: SchedulerClient;
  readonly events: EventBridgeClient;
  /** Partition, region and account of the project's resources. */
  readonly scope: ArnScope;
  /** Prefix of the project's SSM parameters (PARAMETER_PREFIX). */
  readonly parameterPrefix: string;
}

/** One call of the teardown loop: disables the triggers, stops trainings, deletes the first phase that still has resources. */
export async function tearDown(event: TeardownEvent, deps: TeardownDeps): Promise<TeardownResult> {
  const request = teardownRequest(event.request);
  const triggers = await triggerStates(deps, event.triggers);
  if (request.reenable) {
    const enabled = [];
    for (const trigger of triggers.filter((t) => !t.enabled)) {
      await setTrigger(deps, trigger, true);
      enabled.push(trigger.id);
    }
    logger.info('Triggers enabled', { enabled });
    return { done: true, waitSeconds: 0, deleting: [], remaining: {}, enabled };
  }
  const inventory = await inventoryOf(deps, event.projectName);
  const plan = planTeardown(inventory);
  if (event.dryRun ?? request.dryRun ?? false) {
    return {
      done: true,
      waitSeconds: 0,
      deleting: [],
      remaining: plan.remaining,
      wouldDisable: triggers.filter((t) => t.enabled).map((t) => t.id),
      wouldStop: stoppable(inventory.trainings).map((t) => t.id),
      wouldDelete: orderedResources(inventory),
    };
  }
  // 1. Nothing may start a run while the project goes.
  const disabled = [];
  for (const trigger of triggers.filter((t) => t.enabled)) {
    await setTrigger(deps, trigger, false);
    disabled.push(trigger.id);
  }
  // 2. Trainings in progress are stopped, not waited out.
  const stopping = await stopTrainings(deps, inventory.trainings);
  const actions = {
    ...(disabled.length > 0 ? { disabled } : {}),
    ...(stopping.length > 0 ? { stopping } : {}),
  };
  if (disabled.length > 0 || stopping.length > 0) logger.info('Teardown prepared', actions);

  // 3. Deletions, one phase per call.
  if (plan.done || plan.phase === undefined)
    return { done: true, waitSeconds: 0, deleting: [], remaining: {}, ...actions };
  const deleting = [...plan.alreadyDeleting];
  let deferred = stopping.length > 0;
  for (const id of plan.toDelete) {
    try {
      await remove(deps, plan.phase, id);
      deleting.push(id);
    } catch (error) {
      // In use (an import, a batch job or a stopping training still running) or already gone: the next call looks again.
      if (!isInUse(error) && !isNotFound(error)) throw error;
      deferred ||= isInUse(error);
      logger.info('Delete deferred', { id, reason: (error as Error).message });
    }
  }
  // SSM deletion is immediate: when it was the last phase, the teardown is complete.
  if (plan.phase === 'parameters')
    return { done: true, waitSeconds: 0, phase: plan.phase, deleting, remaining: {}, ...actions };
  logger.info('Teardown step', { phase: plan.phase, deleting });
  return {
    done: false,
    waitSeconds: deferred ? TEARDOWN_DEFERRED_WAIT_SECONDS : TEARDOWN_WAIT_SECONDS,
    phase: plan.phase,
    deleting,
    remaining: plan.remaining,
    ...actions,
  };
}

/** The keys a teardown execution's input may have (`Comment` is the Step Functions console's default input). */
const REQUEST_KEYS = ['dryRun', 'reenable'] as const;

/**
 * The teardown execution's input, checked strictly: a typo such as `{"dryrun": true}` must not tear the project
 * down, so an unknown key or a value that is not a boolean fails the execution before anything changes.
 */
export function teardownRequest(request: unknown): TeardownRequest {
  if (request === undefined || request === null) return {};
  if (typeof request !== 'object' || Array.isArray(request))
    throw new ValidationFailed([
      `input: expected an object such as {"dryRun": true}, got ${JSON.stringify(request)}`,
    ]);
  const problems: string[] = [];
  const entries = Object.entries(request as Record<string, unknown>).filter(([key]) => key !== 'Comment');
  const unknown = entries
    .map(([key]) => key)
    .filter((key) => !(REQUEST_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) problems.push(`input: ${unknownKeysMessage(unknown, [...REQUEST_KEYS])}`);
  for (const [key, value] of entries) {
    if ((REQUEST_KEYS as readonly string[]).includes(key) && typeof value !== 'boolean')
      problems.push(`input.${key}: expected true or false, got ${JSON.stringify(value)}`);
  }
  const { dryRun, reenable } = request as TeardownRequest;
  if (dryRun === true && reenable === true)
    problems.push(
      'input: "dryRun" and "reenable" cannot be combined; "reenable" changes nothing but the triggers',
    );
  if (problems.length > 0) throw new ValidationFailed(problems);
  return { ...(dryRun !== undefined ? { dryRun } : {}), ...(reenable !== undefined ? { reenable } : {}) };
}

/** A trigger of the project as it is now: a schedule or the config-upload rule. */
export interface TriggerState {
  readonly kind: 'schedule' | 'rule';
  /** Its ARN, as the result lists it. */
  readonly id: string;
  readonly name: string;
  /** The schedule's group. */
  readonly group?: string;
  readonly enabled: boolean;
}

/** The project's triggers that exist (a schedule or rule not deployed is skipped), each with its state. */
async function triggerStates(
  deps: TeardownDeps,
  triggers: ProjectTriggers | undefined,
): Promise<TriggerState[]> {
  if (triggers === undefined) return [];
  const states: TriggerState[] = [];
  for (const name of triggers.schedules) {
    const schedule = await describeOrUndefined(() =>
      deps.scheduler.send(new GetScheduleCommand({ GroupName: triggers.scheduleGroup, Name: name })),
    );
    if (schedule === undefined) continue;
    states.push({
      kind: 'schedule',
      id: schedule.Arn ?? `${triggers.scheduleGroup}/${name}`,
      name,
      group: triggers.scheduleGroup,
      enabled: schedule.State !== 'DISABLED',
    });
  }
  const rule = await describeOrUndefined(() =>
    deps.events.send(new DescribeRuleCommand({ Name: triggers.configUploadRule })),
  );
  if (rule !== undefined) {
    states.push({
      kind: 'rule',
      id: rule.Arn ?? triggers.configUploadRule,
      name: triggers.configUploadRule,
      enabled: rule.State !== 'DISABLED',
    });
  }
  return states;
}

/**
 * Enables or disables a trigger. UpdateSchedule replaces the whole schedule, so the schedule is read first and
 * written back as it is, with only its state changed (its target keeps its role: hence iam:PassRole).
 */
async function setTrigger(deps: TeardownDeps, trigger: TriggerState, enabled: boolean): Promise<void> {
  if (trigger.kind === 'rule') {
    await deps.events.send(
      enabled
        ? new EnableRuleCommand({ Name: trigger.name })
        : new DisableRuleCommand({ Name: trigger.name }),
    );
    return;
  }
  const schedule = await deps.scheduler.send(
    new GetScheduleCommand({ GroupName: trigger.group, Name: trigger.name }),
  );
  await deps.scheduler.send(
    new UpdateScheduleCommand({
      Name: trigger.name,
      GroupName: trigger.group,
      ScheduleExpression: schedule.ScheduleExpression,
      ScheduleExpressionTimezone: schedule.ScheduleExpressionTimezone,
      StartDate: schedule.StartDate,
      EndDate: schedule.EndDate,
      Description: schedule.Description,
      Target: schedule.Target,
      FlexibleTimeWindow: schedule.FlexibleTimeWindow,
      KmsKeyArn: schedule.KmsKeyArn,
      ActionAfterCompletion: schedule.ActionAfterCompletion,
      State: enabled ? 'ENABLED' : 'DISABLED',
    }),
  );
}

/** Statuses of a training that StopSolutionVersionCreation stops. */
export const STOPPABLE_STATUSES: ReadonlySet<string> = new Set(['CREATE PENDING', 'CREATE IN_PROGRESS']);

/** Status of a training on its way to CREATE STOPPED. */
export const STOPPING_STATUS = 'CREATE STOPPING';

/** The trainings StopSolutionVersionCreation can stop. */
function stoppable(trainings: readonly InventoryItem[] | undefined): InventoryItem[] {
  return (trainings ?? []).filter((t) => STOPPABLE_STATUSES.has(t.status ?? ''));
}

/** Stops the trainings in progress; returns those stopped now and those still stopping. */
async function stopTrainings(
  deps: TeardownDeps,
  trainings: readonly InventoryItem[] | undefined,
): Promise<string[]> {
  const stopping = (trainings ?? []).filter((t) => t.status === STOPPING_STATUS).map((t) => t.id);
  for (const training of stoppable(trainings)) {
    try {
      await deps.personalize.send(
        new StopSolutionVersionCreationCommand({ solutionVersionArn: training.id }),
      );
      stopping.push(training.id);
    } catch (error) {
      // It ended (ACTIVE, CREATE FAILED) or went between the list and the stop: nothing to stop.
      if (!isInUse(error) && !isNotFound(error)) throw error;
      logger.info('Training not stopped', { id: training.id, reason: (error as Error).message });
    }
  }
  return stopping;
}

async function remove({ personalize, ssm }: TeardownDeps, phase: TeardownPhase, id: string): Promise<void> {
  switch (phase) {
    case 'campaigns':
      await personalize.send(new DeleteCampaignCommand({ campaignArn: id }));
      return;
    case 'recommenders':
      await personalize.send(new DeleteRecommenderCommand({ recommenderArn: id }));
      return;
    case 'eventTrackers':
      await personalize.send(new DeleteEventTrackerCommand({ eventTrackerArn: id }));
      return;
    case 'metricAttributions':
      await personalize.send(new DeleteMetricAttributionCommand({ metricAttributionArn: id }));
      return;
    case 'filters':
      await personalize.send(new DeleteFilterCommand({ filterArn: id }));
      return;
    case 'solutions':
      await personalize.send(new DeleteSolutionCommand({ solutionArn: id }));
      return;
    case 'datasets':
      await personalize.send(new DeleteDatasetCommand({ datasetArn: id }));
      return;
    case 'datasetGroup':
      await personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn: id }));
      return;
    case 'schemas':
      await personalize.send(new DeleteSchemaCommand({ schemaArn: id }));
      return;
    case 'parameters':
      await ssm.send(new DeleteParametersCommand({ Names: [id] }));
      return;
  }
}

/** Every resource of the project, by phase, and the solution versions of its solutions (`trainings`). */
async function inventoryOf(deps: TeardownDeps, project: string): Promise<Inventory> {
  const { personalize } = deps;
  const datasetGroupArn = personalizeArn(deps.scope, 'dataset-group', datasetGroupName(project));
  const group = (
    await describeOrUndefined(() => personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })))
  )?.datasetGroup;
  const inventory: Record<TeardownPhase, InventoryItem[]> = {
    campaigns: [],
    recommenders: [],
    eventTrackers: [],
    filters: [],
    metricAttributions: [],
    solutions: [],
    datasets: [],
    datasetGroup: [],
    schemas: [],
    parameters: [],
  };
  const trainings: InventoryItem[] = [];
  if (group !== undefined) {
    inventory.datasetGroup.push({ id: datasetGroupArn, status: group.status });
    const solutions = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListSolutionsCommand({ datasetGroupArn, nextToken }));
      return { items: page.solutions, nextToken: page.nextToken };
    });
    for (const solution of solutions) {
      inventory.solutions.push({ id: solution.solutionArn ?? '', status: solution.status });
      const versions = await listAll(async (nextToken) => {
        const page = await personalize.send(
          new ListSolutionVersionsCommand({ solutionArn: solution.solutionArn, nextToken }),
        );
        return { items: page.solutionVersions, nextToken: page.nextToken };
      });
      trainings.push(...versions.map((v) => ({ id: v.solutionVersionArn ?? '', status: v.status })));
      const campaigns = await listAll(async (nextToken) => {
        const page = await personalize.send(
          new ListCampaignsCommand({ solutionArn: solution.solutionArn, nextToken }),
        );
        return { items: page.campaigns, nextToken: page.nextToken };
      });
      inventory.campaigns.push(...campaigns.map((c) => ({ id: c.campaignArn ?? '', status: c.status })));
    }
    const recommenders = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListRecommendersCommand({ datasetGroupArn, nextToken }));
      return { items: page.recommenders, nextToken: page.nextToken };
    });
    inventory.recommenders.push(
      ...recommenders.map((r) => ({ id: r.recommenderArn ?? '', status: r.status })),
    );
    const attributions = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListMetricAttributionsCommand({ datasetGroupArn, nextToken }));
      return { items: page.metricAttributions, nextToken: page.nextToken };
    });
    inventory.metricAttributions.push(
      ...attributions.map((a) => ({ id: a.metricAttributionArn ?? '', status: a.status })),
    );
    const trackers = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListEventTrackersCommand({ datasetGroupArn, nextToken }));
      return { items: page.eventTrackers, nextToken: page.nextToken };
    });
    inventory.eventTrackers.push(...trackers.map((t) => ({ id: t.eventTrackerArn ?? '', status: t.status })));
    const filters = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListFiltersCommand({ datasetGroupArn, nextToken }));
      return { items: page.Filters, nextToken: page.nextToken };
    });
    inventory.filters.push(...filters.map((f) => ({ id: f.filterArn ?? '', status: f.status })));
    const datasets = await listAll(async (nextToken) => {
      const page = await personalize.send(new ListDatasetsCommand({ datasetGroupArn, nextToken }));
      return { items: page.datasets, nextToken: page.nextToken };
    });
    inventory.datasets.push(...datasets.map((d) => ({ id: d.datasetArn ?? '', status: d.status })));
  }
  const schemas = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListSchemasCommand({ nextToken }));
    return { items: page.schemas, nextToken: page.nextToken };
  });
  inventory.schemas.push(
    ...schemas.filter((s) => isProjectSchema(project, s.name ?? '')).map((s) => ({ id: s.schemaArn ?? '' })),
  );
  const names = [`${deps.parameterPrefix}/event-tracker`, `${deps.parameterPrefix}/serving`];
  const found = await deps.ssm.send(new GetParametersCommand({ Names: names }));
  inventory.parameters.push(...(found.Parameters ?? []).map((p) => ({ id: p.Name ?? '' })));
  return { ...inventory, trainings };
}

/** The teardown phases, in deletion order. */
export const TEARDOWN_PHASES: readonly TeardownPhase[] = [
  'campaigns',
  'recommenders',
  'eventTrackers',
  'filters',
  'metricAttributions',
  'solutions',
  'datasets',
  'datasetGroup',
  'schemas',
  'parameters',
];

/** Seconds between teardown calls while deletions run. */
export const TEARDOWN_WAIT_SECONDS = 15;

/**
 * Seconds between teardown calls while a delete waits for something Personalize cannot hurry: an import or
 * batch job (no stop API) or a stopping training. Longer, so that waiting out a six-hour import stays far
 * below the 25,000 events of an execution's history (each call adds about ten).
 */
export const TEARDOWN_DEFERRED_WAIT_SECONDS = 60;

/** A resource of the project. */
export interface InventoryItem {
  /** ARN, or the parameter name for `parameters`. */
  readonly id: string;
  readonly status?: string | undefined;
}

/** The project's resources by phase, and its solution versions (`trainings`), which go with their solutions. */
export type Inventory = Partial<Record<TeardownPhase | 'trainings', readonly InventoryItem[]>>;

/** What one teardown call does. */
export interface TeardownPlan {
  readonly done: boolean;
  readonly phase?: TeardownPhase;
  /** Resources to send a Delete for now. */
  readonly toDelete: string[];
  /** Resources of the phase already being deleted. */
  readonly alreadyDeleting: string[];
  readonly remaining: Partial<Record<TeardownPhase, string[]>>;
}

/** Every resource of the inventory, in deletion order. */
export function orderedResources(inventory: Inventory): string[] {
  return TEARDOWN_PHASES.flatMap((phase) => (inventory[phase] ?? []).map((item) => item.id));
}

/** The first phase that still has resources and what to delete in it; done when every phase is empty. */
export function planTeardown(inventory: Inventory): TeardownPlan {
  const remaining: Partial<Record<TeardownPhase, string[]>> = {};
  for (const phase of TEARDOWN_PHASES) {
    const items = inventory[phase] ?? [];
    if (items.length > 0) remaining[phase] = items.map((item) => item.id);
  }
  const phase = TEARDOWN_PHASES.find((p) => (inventory[p] ?? []).length > 0);
  if (phase === undefined) return { done: true, toDelete: [], alreadyDeleting: [], remaining };
  const items = inventory[phase] ?? [];
  return {
    done: false,
    phase,
    toDelete: items.filter((item) => !DELETING_STATUSES.has(item.status ?? '')).map((item) => item.id),
    alreadyDeleting: items.filter((item) => DELETING_STATUSES.has(item.status ?? '')).map((item) => item.id),
    remaining,
  };
}

/** Whether a schema name belongs to the project: `<project>-<type>` or `<project>-<type>-v<n>`. */
export function isProjectSchema(project: string, name: string): boolean {
  const escaped = project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}-(interactions|items|users)(-v\\d+)?$`).test(name);
}
