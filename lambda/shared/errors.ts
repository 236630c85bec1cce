/**
 * Named errors of the pipeline. Step Functions matches the `name` of an error thrown by a Lambda
 * handler in `Retry` / `Catch` (`ErrorEquals`), so each name is part of the state machine contract:
 *
 * - `ValidationFailed`   config, schema or data is invalid; nothing was created. Not retried.
 * - `ResourceFailed`     a Personalize resource ended in CREATE FAILED / CREATE STOPPED. Not retried.
 * - `StageTimeout`       a stage waited longer than its configured timeout. Not retried.
 * - `ResourceBusy`       a resource is being created or updated; retry later (with backoff).
 * - `ResourceConflict`   an existing resource differs from the config in a way that cannot be updated.
 * - `ConfigurationError` the function itself is misconfigured (missing environment variable).
 *
 * Throttling and quota errors from the SDK (`ThrottlingException`, `LimitExceededException`,
 * `TooManyRequestsException`) are never wrapped: they reach Step Functions with their own names.
 */
import { STAGE_TIMEOUT_ERROR } from '../../core/monitoring';

/** Config, schema or data failed validation. `problems` lists each one, naming file/line/column/field. */
export class ValidationFailed extends Error {
  override readonly name = 'ValidationFailed';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Validation failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.problems = problems;
  }
}

/** A Personalize resource failed; the message carries its ARN and Personalize's failureReason verbatim. */
export class ResourceFailed extends Error {
  override readonly name = 'ResourceFailed';

  constructor(
    readonly arn: string,
    readonly status: string,
    readonly failureReason: string | undefined,
  ) {
    super(`${arn} is ${status}: ${failureReason ?? 'Personalize gave no failure reason.'}`);
  }
}

/** A stage that waited longer than its timeout, with the resources it still waited for. */
export interface StageTimeoutDetails {
  readonly stage: string;
  readonly elapsedSeconds: number;
  readonly timeoutSeconds: number;
  readonly pending: ReadonlyArray<{ readonly arn: string; readonly status: string }>;
}

/** A stage waited longer than its timeout. */
export class StageTimeout extends Error {
  override readonly name = STAGE_TIMEOUT_ERROR;
  readonly stage: string;
  readonly elapsedSeconds: number;
  readonly timeoutSeconds: number;
  readonly pending: StageTimeoutDetails['pending'];

  constructor({ stage, elapsedSeconds, timeoutSeconds, pending }: StageTimeoutDetails) {
    super(
      `Stage "${stage}" timed out after ${elapsedSeconds} s (limit ${timeoutSeconds} s); still pending: ` +
        pending.map((p) => `${p.arn} (${p.status})`).join(', ') +
        '. Raise the stage timeout in the config "timeouts" section or check the resources in the Personalize console.',
    );
    this.stage = stage;
    this.elapsedSeconds = elapsedSeconds;
    this.timeoutSeconds = timeoutSeconds;
    this.pending = pending;
  }
}

/** The resource is busy (being created, updated or deleted); the step can be retried later. */
export class ResourceBusy extends Error {
  override readonly name = 'ResourceBusy';
}

/** An existing resource conflicts with the config and cannot be changed in place. */
export class ResourceConflict extends Error {
  override readonly name = 'ResourceConflict';
}

/** The function is misconfigured (e.g. a missing environment variable). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** Error names of throttling and quota errors, passed through unchanged so the state machine retries them. */
export const THROTTLING_ERROR_NAMES = [
  'ThrottlingException',
  'LimitExceededException',
  'TooManyRequestsException',
] as const;
