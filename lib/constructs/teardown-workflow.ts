import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { StageTimeouts } from '../../core/config/schema';
import type { ProjectTriggers, TeardownEvent, TeardownResult } from '../../core/pipeline-contract';
import { LEASE_MARGIN_MINUTES } from '../../core/run-lease';
import { jsonPath, literal, ResultSlot } from './json-path';
import { lambdaTask } from './lambda-task';

export interface TeardownWorkflowProps {
  /** The project whose Personalize resources are deleted. */
  readonly projectName: string;
  /** The function that runs the teardown handler (lambda/pipeline/teardown.ts). */
  readonly teardownFunction: lambda.IFunction;
  /**
   * The project's schedules and config-upload rule: disabled before anything is deleted (and enabled again by
   * an input of `{"reenable": true}`).
   * @default - none: the teardown disables nothing
   */
  readonly triggers?: ProjectTriggers;
  /** The deployed config's stage timeouts, which bound how long a teardown may wait (see {@link teardownTimeout}). */
  readonly timeouts: StageTimeouts;
}

/** The teardown execution's state: its input, and the last teardown step's result. */
interface TeardownState {
  readonly teardown: TeardownResult;
}

/**
 * The longest a teardown can take, the teardown state machine's execution timeout: the longest job Personalize
 * cannot stop and whose resources cannot go while it runs (an import, `timeouts.import`, or a batch job,
 * `timeouts.batch`; trainings are stopped), then deleting the campaigns (`timeouts.campaign`) and the other
 * resources (`timeouts.other`), plus a margin for the waits between calls. With the default timeouts: 15 h 15 min.
 * Most teardowns take minutes; the timeout only ends one stuck on a resource that never goes.
 */
export function teardownTimeout(timeouts: StageTimeouts): Duration {
  const minutes =
    Math.max(timeouts.import, timeouts.batch) + timeouts.campaign + timeouts.other + LEASE_MARGIN_MINUTES;
  return Duration.minutes(minutes);
}

/**
 * Disables the project's triggers, stops its trainings in progress, then deletes its Personalize resources in
 * dependency order, one phase per step, waiting as long as the step says between phases. An input of
 * `{"dryRun": true}` only lists what would be disabled, stopped and deleted; `{"reenable": true}` only enables
 * the triggers again.
 */
export class TeardownWorkflow extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];
  /** What the workflow does, for the state machine's comment. */
  public readonly comment: string;
  /** The longest an execution may run: {@link teardownTimeout} of the deployed stage timeouts. */
  public readonly executionTimeout: Duration;

  constructor(scope: Construct, id: string, props: TeardownWorkflowProps) {
    super(scope, id);
    if (props.projectName.length === 0) throw new Error('TeardownWorkflow: projectName must not be empty.');
    this.comment = `${props.projectName}: disables the project's schedules and config-upload rule, stops its trainings, and deletes every Personalize resource of the project, in dependency order`;
    this.executionTimeout = teardownTimeout(props.timeouts);
    const state = jsonPath.state<TeardownState>();

    const step = lambdaTask<TeardownEvent, TeardownResult>(this, 'DeleteNextPhase', {
      lambdaFunction: props.teardownFunction,
      payload: {
        projectName: props.projectName,
        runId: jsonPath.executionName(),
        ...(props.triggers ? { triggers: literal(props.triggers) } : {}),
        // The input as started: the state also holds the last call's result.
        request: jsonPath.executionInput<TeardownEvent['request']>(),
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
