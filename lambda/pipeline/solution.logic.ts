/**
 * The `solution` step: ensures the solution `<project>-<solution>` with the configured recipe, HPO, event
 * type and solutionConfig (passed through), and automatic training as configured (off by default: the
 * pipeline's schedules retrain).
 *
 * Solutions are immutable (only automatic training and eventsConfig can be updated), so any
 * difference in recipe, HPO, event type or solutionConfig is a `ResourceConflict` the user resolves by
 * renaming the solution. solutionConfig is compared on the keys the config sets: the service may add
 * defaults.
 */
import {
  CreateSolutionCommand,
  DescribeSolutionCommand,
  type SolutionConfig,
} from '@aws-sdk/client-personalize';
import { solutionName } from '../../core/names';
import type { SolutionEvent, SolutionResult } from '../../core/pipeline-contract';
import { findRecipe } from '../../core/recipes';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { canonicalJson, isJsonObject } from '../shared/json';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  DELETING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  personalizeArn,
  scopeOfArn,
  tagged,
  type PersonalizeDeps,
} from '../shared/personalize';

/** Creates the solution, or returns the existing one when it matches the config. */
export async function ensureSolution(
  event: SolutionEvent,
  { personalize }: PersonalizeDeps,
): Promise<SolutionResult> {
  const { config, solution, datasetGroupArn } = event;
  const scope = scopeOfArn(datasetGroupArn);
  const recipe = findRecipe(solution.recipe);
  if (recipe === undefined)
    throw new ValidationFailed([`solutions.${solution.name}.recipe: unknown recipe "${solution.recipe}".`]);
  const name = solutionName(config.projectName, solution.name);
  const arn = personalizeArn(scope, 'solution', name);
  const wanted: SolutionShape = {
    recipeArn: recipeArnIn(scope.partition, recipe.arn),
    performHPO: solution.performHPO,
    eventType: solution.eventType,
    solutionConfig: solution.solutionConfig,
  };
  const existing = (
    await describeOrUndefined(() => personalize.send(new DescribeSolutionCommand({ solutionArn: arn })))
  )?.solution;
  if (existing !== undefined) {
    if (DELETING_STATUSES.has(existing.status ?? '')) {
      throw new ResourceBusy(
        `Solution ${arn} is ${existing.status}; run again once the deletion has finished.`,
      );
    }
    const differences = solutionDifferences(wanted, existing);
    if (differences.length > 0) {
      throw new ResourceConflict(
        `Solution ${arn} already exists and differs from the config: ${differences.join('; ')}. Solutions cannot be changed; give solution "${solution.name}" a new name in the config (a new solution and campaign are created), or run the teardown.`,
      );
    }
    return solutionResult(arn, false);
  }
  try {
    const out = await personalize.send(
      new CreateSolutionCommand({
        name,
        datasetGroupArn,
        recipeArn: wanted.recipeArn,
        performHPO: solution.performHPO,
        performAutoTraining: solution.performAutoTraining,
        ...(solution.eventType !== undefined ? { eventType: solution.eventType } : {}),
        ...(solution.solutionConfig !== undefined
          ? { solutionConfig: solution.solutionConfig as SolutionConfig }
          : {}),
        ...tagged(config.tags),
      }),
    );
    logger.info('Solution created', { solutionArn: out.solutionArn });
    return solutionResult(out.solutionArn ?? arn, true);
  } catch (error) {
    if (isAlreadyExists(error)) return solutionResult(arn, false);
    throw error;
  }
}

function solutionResult(solutionArn: string, created: boolean): SolutionResult {
  return { solutionArn, created, ...pollable([{ kind: 'solution', arn: solutionArn }]) };
}

/** What the solution step compares between the config and an existing solution. */
export interface SolutionShape {
  readonly recipeArn?: string | undefined;
  readonly performHPO?: boolean | undefined;
  readonly eventType?: string | undefined;
  readonly solutionConfig?: object | undefined;
}

/** Paths (dot-separated) where `wanted` sets a value that `actual` lacks or has differently. */
export function configDifferences(wanted: unknown, actual: unknown, path = 'solutionConfig'): string[] {
  if (isJsonObject(wanted)) {
    if (!isJsonObject(actual)) return [path];
    return Object.entries(wanted)
      .filter(([, value]) => value !== undefined)
      .flatMap(([key, value]) => configDifferences(value, actual[key], `${path}.${key}`));
  }
  return canonicalJson(JSON.stringify(wanted ?? null)) === canonicalJson(JSON.stringify(actual ?? null))
    ? []
    : [path];
}

/** One sentence per difference between the wanted and the existing solution. */
export function solutionDifferences(wanted: SolutionShape, existing: SolutionShape): string[] {
  const differences: string[] = [];
  if (wanted.recipeArn !== existing.recipeArn) {
    differences.push(
      `recipe is ${existing.recipeArn ?? '(none)'}, config says ${wanted.recipeArn ?? '(none)'}`,
    );
  }
  if (Boolean(wanted.performHPO) !== Boolean(existing.performHPO)) {
    differences.push(
      `performHPO is ${Boolean(existing.performHPO)}, config says ${Boolean(wanted.performHPO)}`,
    );
  }
  if ((wanted.eventType ?? '') !== (existing.eventType ?? '')) {
    differences.push(
      `eventType is ${existing.eventType ?? '(all events)'}, config says ${wanted.eventType ?? '(all events)'}`,
    );
  }
  const paths = configDifferences(wanted.solutionConfig ?? {}, existing.solutionConfig ?? {});
  if (paths.length > 0)
    differences.push(`${paths.join(', ')} differ${paths.length === 1 ? 's' : ''} from the config`);
  return differences;
}

/** A service recipe ARN in the partition of the dataset group. */
export function recipeArnIn(partition: string, recipeArn: string): string {
  return recipeArn.replace(/^arn:[^:]+:/, `arn:${partition}:`);
}
