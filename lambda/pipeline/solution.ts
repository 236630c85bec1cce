/**
 * Step `solution`: ensures the solution `<project>-<solution>` with the configured recipe, HPO,
 * event type and solutionConfig (passed through), and automatic training as configured (off by
 * default: the pipeline's schedules retrain). An existing solution that differs fails with
 * `ResourceConflict` — solutions are immutable, so the message tells the user to rename it.
 */
import {
  CreateSolutionCommand,
  DescribeSolutionCommand,
  type SolutionConfig,
} from '@aws-sdk/client-personalize';
import { findRecipe } from '../../core/recipes';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { solutionName } from '../../core/names';
import {
  DELETING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  personalizeArn,
  personalizeClient,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import type { SolutionEvent, SolutionResult } from '../../core/pipeline-contract';
import { recipeArnIn, solutionDifferences, type SolutionShape } from './solution.logic';

export const handler = async (event: SolutionEvent): Promise<SolutionResult> => {
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
  const client = personalizeClient();
  const existing = (
    await describeOrUndefined(() => client.send(new DescribeSolutionCommand({ solutionArn: arn })))
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
    return result(arn, false);
  }
  try {
    const out = await client.send(
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
    return result(out.solutionArn ?? arn, true);
  } catch (error) {
    if (isAlreadyExists(error)) return result(arn, false);
    throw error;
  }
};

function result(solutionArn: string, created: boolean): SolutionResult {
  return { solutionArn, created, ...pollable([{ kind: 'solution', arn: solutionArn }]) };
}
