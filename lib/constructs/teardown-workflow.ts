import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { TeardownEvent, TeardownResult } from '../../core/pipeline-contract';
import { jsonPath, ResultSlot } from './json-path';
import { lambdaTask } from './lambda-task';

export interface TeardownWorkflowProps {
  /** The project whose Personalize resources are deleted. */
  readonly projectName: string;
  /** The function that runs the teardown handler (lambda/pipeline/teardown.ts). */
  readonly teardownFunction: lambda.IFunction;
}

/** The teardown execution's state: its input, and the last teardown step's result. */
interface TeardownState {
  readonly teardown: TeardownResult;
}

/**
 * Deletes the project's Personalize resources in dependency order, one phase per step, waiting as long as
 * the step says between phases; an input of `{"dryRun": true}` only lists what would be deleted.
 */
export class TeardownWorkflow extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];
  /** What the workflow does, for the state machine's comment. */
  public readonly comment: string;

  constructor(scope: Construct, id: string, props: TeardownWorkflowProps) {
    super(scope, id);
    if (props.projectName.length === 0) throw new Error('TeardownWorkflow: projectName must not be empty.');
    this.comment = `${props.projectName}: deletes every Personalize resource of the project, in dependency order`;
    const state = jsonPath.state<TeardownState>();

    const step = lambdaTask<TeardownEvent, TeardownResult>(this, 'DeleteNextPhase', {
      lambdaFunction: props.teardownFunction,
      payload: {
        projectName: props.projectName,
        runId: jsonPath.executionName(),
        request: jsonPath.state<TeardownEvent['request']>(),
      },
      resultPath: ResultSlot.of(state.at('teardown')),
    });
    const wait = new sfn.Wait(this, 'WaitForDeletion', {
      time: sfn.WaitTime.secondsPath(state.at('teardown').at('waitSeconds').path),
    });
    const done = new sfn.Succeed(this, 'TeardownComplete', { outputPath: state.at('teardown').path });
    wait.next(step);
    const definition = step.next(
      new sfn.Choice(this, 'NothingLeft?')
        .when(sfn.Condition.booleanEquals(state.at('teardown').at('done').path, true), done)
        .otherwise(wait),
    );
    this.startState = definition.startState;
    this.endStates = definition.endStates;
  }
}
