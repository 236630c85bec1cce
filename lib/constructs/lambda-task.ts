import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { JsonPathRef, payload, type PayloadTemplate, type ResultSlot } from './json-path';

/** Errors that mean "try again later": throttling, quotas, and resources busy with an earlier change. */
export const RETRYABLE_ERRORS = [
  'ThrottlingException',
  'LimitExceededException',
  'TooManyRequestsException',
  'ResourceBusy',
];

/** A Lambda task that sends an `E` and stores the `R` it returns. */
export interface LambdaTaskOptions<E, R> {
  /** The function to invoke. */
  readonly lambdaFunction: lambda.IFunction;
  /**
   * The event: a template built from the state, or a path to a value that already is the event (sent as it
   * is, through `InputPath`).
   */
  readonly payload: PayloadTemplate<E> | JsonPathRef<E>;
  /** Where the result goes. @default - it replaces the state */
  readonly resultPath?: ResultSlot<R>;
}

/**
 * Invokes a function with a payload typed against the event its handler takes, storing the result where the
 * state type says it is; throttling and busy-resource errors are retried with backoff (Lambda's own service
 * errors are retried by the task's defaults).
 */
export function lambdaTask<E, R>(
  scope: Construct,
  id: string,
  options: LambdaTaskOptions<E, R>,
): tasks.LambdaInvoke {
  const input = options.payload;
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: options.lambdaFunction,
    payloadResponseOnly: true,
    ...(input instanceof JsonPathRef
      ? { inputPath: input.path }
      : { payload: sfn.TaskInput.fromObject(payload<E>(input)) }),
    ...(options.resultPath ? { resultPath: options.resultPath.path } : {}),
  });
  task.addRetry({
    errors: RETRYABLE_ERRORS,
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}
