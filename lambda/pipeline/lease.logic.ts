/**
 * The `lease` step: one run at a time per project. The lease is one DynamoDB item per project (key
 * `project`) holding the execution ARN of the run that holds it (`holder`) and when it expires (`expiresAt`,
 * epoch seconds, also the table's TTL attribute).
 *
 * - `acquire` (the first state of every run) first checks the shape of the run's input (core/run-input.ts) and
 *   fails with `ValidationFailed` naming each wrong key or value, before it touches the lease.
 * - `acquire` and `renew` (at stage boundaries) write the item with a
 *   conditional PutItem: only when there is none, when this execution holds it, or when it has expired. Each
 *   write holds it for the timeouts of the stages until the next renewal (core/run-lease.ts).
 * - When another execution holds it, `acquire` follows `runs.overlap`: `queue` returns how long to wait
 *   before trying again (the workflow's Wait → acquire → Choice loop), failing with `RunQueueTimeout` once
 *   the run has waited the run timeout (the definition's `domainStages` included); `reject` fails with
 *   `RunInProgress`, naming the holder. `renew` fails with `LeaseLost`.
 * - `release` (on every way out of the workflow, and for an execution that EventBridge reports ABORTED,
 *   TIMED_OUT or FAILED) deletes the item with a conditional DeleteItem: only when this execution holds it.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ExecutionStatusChange,
  LeaseEvent,
  LeaseResult,
  LeaseStage,
} from '../../core/pipeline-contract';
import {
  holdSeconds,
  LEASE_HOLDS,
  queueWaitSeconds,
  runStages,
  runTimeoutSeconds,
} from '../../core/run-lease';
import { runInputProblems } from '../../core/run-input';
import { ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';

/** What the lease step works with. */
export interface LeaseDeps {
  readonly dynamodb: DynamoDBClient;
  /** The lease table (LEASE_TABLE_NAME). */
  readonly tableName: string;
  /** The project, the lease item's key (PROJECT_NAME). */
  readonly projectName: string;
  /** The current time. @default Date.now */
  readonly now?: () => Date;
}

/** Another execution of the project is running and `runs.overlap` is `reject`. */
export class RunInProgress extends Error {
  override readonly name = 'RunInProgress';
}

/** A queued run waited the run timeout and the lease is still held. */
export class RunQueueTimeout extends Error {
  override readonly name = 'RunQueueTimeout';
}

/** A run's lease expired and another execution took it. */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

/** An event the lease step cannot act on. */
export class InvalidLeaseEvent extends Error {
  override readonly name = 'InvalidLeaseEvent';
}

/** The statuses of an execution that ended without the workflow's own release. */
export const ABNORMAL_END_STATUSES: readonly string[] = ['ABORTED', 'TIMED_OUT', 'FAILED'];

/** Whether an event is EventBridge's `Step Functions Execution Status Change`. */
export function isStatusChange(event: LeaseEvent | ExecutionStatusChange): event is ExecutionStatusChange {
  return (event as ExecutionStatusChange)['detail-type'] === 'Step Functions Execution Status Change';
}

/** Takes, renews or releases the project's run lease; releases the lease of an execution that ended abnormally. */
export async function handleLease(
  event: LeaseEvent | ExecutionStatusChange,
  deps: LeaseDeps,
): Promise<LeaseResult> {
  if (isStatusChange(event)) {
    const { executionArn, status } = event.detail;
    if (!ABNORMAL_END_STATUSES.includes(status)) {
      logger.info('Execution status change needs no release', { executionArn, status });
      return { acquired: false, released: false, waitSeconds: 0, waitedSeconds: 0 };
    }
    return release(executionArn, deps);
  }
  switch (event.action) {
    case 'acquire': {
      const problems = runInputProblems(event.input);
      if (problems.length > 0) throw new ValidationFailed(problems);
      return acquire(event, deps);
    }
    case 'renew':
      return renew(event, deps);
    case 'release':
      return release(event.executionArn, deps);
    default:
      throw new InvalidLeaseEvent(
        `Unknown lease action "${String((event as { action?: unknown }).action)}"; use acquire, renew or release.`,
      );
  }
}

/** The lease item as DynamoDB returns it. */
interface LeaseItem {
  readonly holder?: { readonly S?: string };
  readonly expiresAt?: { readonly N?: string };
}

type WriteOutcome =
  | { readonly written: true; readonly expiresAt: number }
  | { readonly written: false; readonly holder: string; readonly expiresAt?: number };

/** The conditional PutItem: the lease is this execution's unless another holds it and it has not expired. */
async function write(
  event: LeaseEvent,
  stages: readonly LeaseStage[],
  deps: LeaseDeps,
): Promise<WriteOutcome> {
  if (event.timeouts === undefined) {
    throw new InvalidLeaseEvent(
      `The lease action "${event.action}" needs the stage timeouts (config timeouts).`,
    );
  }
  const now = epochSeconds(deps);
  const expiresAt = now + holdSeconds(stages, event.timeouts);
  try {
    await deps.dynamodb.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: {
          project: { S: deps.projectName },
          holder: { S: event.executionArn },
          expiresAt: { N: String(expiresAt) },
        },
        ConditionExpression: 'attribute_not_exists(#project) OR #holder = :me OR #expiresAt < :now',
        ExpressionAttributeNames: { '#project': 'project', '#holder': 'holder', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':me': { S: event.executionArn }, ':now': { N: String(now) } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { written: true, expiresAt };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const item = error.Item as LeaseItem | undefined;
    const held = Number(item?.expiresAt?.N);
    return {
      written: false,
      holder: item?.holder?.S ?? 'another execution',
      ...(Number.isFinite(held) ? { expiresAt: held } : {}),
    };
  }
}

async function acquire(event: LeaseEvent, deps: LeaseDeps): Promise<LeaseResult> {
  const outcome = await write(event, LEASE_HOLDS.take, deps);
  const now = epochSeconds(deps);
  const started = event.executionStartTime ? Date.parse(event.executionStartTime) / 1000 : NaN;
  const waitedSeconds = Number.isFinite(started) ? Math.max(0, Math.round(now - started)) : 0;
  const waitedFor = event.previous?.holder ?? event.previous?.queuedBehind;
  if (outcome.written) {
    logger.info('Run lease taken', { executionArn: event.executionArn, waitedSeconds, waitedFor });
    return {
      acquired: true,
      expiresAt: outcome.expiresAt,
      waitSeconds: 0,
      waitedSeconds,
      ...(waitedFor !== undefined ? { queuedBehind: waitedFor } : {}),
    };
  }
  const project = deps.projectName;
  if ((event.overlap ?? 'queue') === 'reject') {
    throw new RunInProgress(
      `Execution ${outcome.holder} of project ${project} is running, and runs.overlap is "reject": this execution (${event.executionArn}) changed nothing. Start it again once that run has ended, or set runs.overlap to "queue" to wait for it.`,
    );
  }
  // `write` checked the timeouts.
  const bound = runTimeoutSeconds(
    event.timeouts as NonNullable<LeaseEvent['timeouts']>,
    event.domainStages ?? [],
  );
  if (waitedSeconds >= bound) {
    throw new RunQueueTimeout(
      `Waited ${Math.round(waitedSeconds / 60)} minutes (the run timeout: every stage timeout plus a margin) for execution ${outcome.holder} of project ${project} to end, and it still holds the run lease; this execution (${event.executionArn}) changed nothing. Stop that execution if it is stuck, then start this one again.`,
    );
  }
  const untilExpiry = outcome.expiresAt !== undefined ? Math.max(1, outcome.expiresAt - now + 1) : 1;
  const waitSeconds = Math.min(
    queueWaitSeconds(waitedSeconds),
    untilExpiry,
    Math.max(1, bound - waitedSeconds),
  );
  logger.info('Run lease held by another execution; waiting', { holder: outcome.holder, waitSeconds });
  return { acquired: false, holder: outcome.holder, waitSeconds, waitedSeconds };
}

async function renew(event: LeaseEvent, deps: LeaseDeps): Promise<LeaseResult> {
  const outcome = await write(event, event.holdFor ?? runStages(event.domainStages ?? []), deps);
  if (!outcome.written) {
    throw new LeaseLost(
      `The run lease of project ${deps.projectName} is held by execution ${outcome.holder}: the lease of this execution (${event.executionArn}) expired before it was renewed, and another run took it. This run stops so that the two do not overlap.`,
    );
  }
  logger.info('Run lease renewed', { executionArn: event.executionArn, expiresAt: outcome.expiresAt });
  return { acquired: true, expiresAt: outcome.expiresAt, waitSeconds: 0, waitedSeconds: 0 };
}

/** The conditional DeleteItem: only the holder's own lease is deleted. */
async function release(executionArn: string, deps: LeaseDeps): Promise<LeaseResult> {
  try {
    await deps.dynamodb.send(
      new DeleteItemCommand({
        TableName: deps.tableName,
        Key: { project: { S: deps.projectName } },
        ConditionExpression: '#holder = :me',
        ExpressionAttributeNames: { '#holder': 'holder' },
        ExpressionAttributeValues: { ':me': { S: executionArn } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    logger.info('Run lease released', { executionArn });
    return { acquired: false, released: true, waitSeconds: 0, waitedSeconds: 0 };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const holder = (error.Item as LeaseItem | undefined)?.holder?.S;
    logger.info('Run lease not held by this execution; nothing to release', { executionArn, holder });
    return {
      acquired: false,
      released: false,
      waitSeconds: 0,
      waitedSeconds: 0,
      ...(holder !== undefined ? { holder } : {}),
    };
  }
}

function epochSeconds(deps: LeaseDeps): number {
  return Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
}
