/**
 * The run lease against moto's DynamoDB: one execution at a time holds it; another queues (told how long to
 * wait) or is rejected (told which execution runs); the holder renews it, releases only its own, and an
 * execution EventBridge reports aborted has its lease released.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ExecutionStatusChange, LeaseEvent } from '../../../core/pipeline-contract';
import {
  domainStages,
  holdSeconds,
  LEASE_HOLDS,
  runStages,
  runTimeoutSeconds,
} from '../../../core/run-lease';
import { handleLease, LeaseLost, RunInProgress, RunQueueTimeout } from '../../../lambda/pipeline/lease.logic';
import { ensureLeaseTable } from '../../../local/harness/lease-table';

const TABLE = 'lease-test';
const PROJECT = 'shop-recs';
const TIMEOUTS = { import: 2, training: 3, campaign: 1, batch: 1, other: 1 } as const;
const arn = (name: string) => `arn:aws:states:eu-west-1:111122223333:execution:pipeline:${name}`;
const START = new Date('2026-12-05T12:00:00Z');

let dynamodb: DynamoDBClient;

beforeAll(async () => {
  await ensureLeaseTable(TABLE);
  dynamodb = new DynamoDBClient({});
});

afterAll(() => dynamodb.destroy());

/** A lease call at `at` (default: the start) for a project of its own, so each test starts with no lease. */
function call(project: string, event: LeaseEvent | ExecutionStatusChange, at: Date = START) {
  return handleLease(event, { dynamodb, tableName: TABLE, projectName: project, now: () => at });
}

const acquire = (name: string, extra: Partial<LeaseEvent> = {}): LeaseEvent => ({
  action: 'acquire',
  executionArn: arn(name),
  executionStartTime: START.toISOString(),
  timeouts: TIMEOUTS,
  ...extra,
});

async function holderOf(project: string): Promise<string | undefined> {
  const item = await dynamodb.send(
    new GetItemCommand({ TableName: TABLE, Key: { project: { S: project } }, ConsistentRead: true }),
  );
  return item.Item?.holder?.S;
}

const later = (seconds: number) => new Date(START.getTime() + seconds * 1000);

describe('the run lease', () => {
  test('the first execution takes a free lease for the stages until its first renewal', async () => {
    // Act
    const result = await call(`${PROJECT}-free`, acquire('a'));

    // Assess
    expect(result).toEqual({
      acquired: true,
      expiresAt: START.getTime() / 1000 + holdSeconds(LEASE_HOLDS.take, TIMEOUTS),
      waitSeconds: 0,
      waitedSeconds: 0,
    });
    expect(await holderOf(`${PROJECT}-free`)).toBe(arn('a'));
  });

  test('a second execution under "queue" is told which execution holds the lease and how long to wait', async () => {
    // Prepare
    const project = `${PROJECT}-queue`;
    await call(project, acquire('a'));

    // Act
    const result = await call(project, acquire('b', { overlap: 'queue' }), later(10));

    // Assess
    expect(result).toEqual({ acquired: false, holder: arn('a'), waitSeconds: 30, waitedSeconds: 10 });
    expect(await holderOf(project)).toBe(arn('a'));
  });

  test('a second execution under "reject" fails with RunInProgress naming the running execution', async () => {
    // Prepare
    const project = `${PROJECT}-reject`;
    await call(project, acquire('a'));

    // Act
    const result = call(project, acquire('b', { overlap: 'reject' }));

    // Assess
    await expect(result).rejects.toThrow(RunInProgress);
    await expect(result).rejects.toThrow(`Execution ${arn('a')} of project ${project} is running`);
    expect(await holderOf(project)).toBe(arn('a'));
  });

  test('the holder taking the lease again (a retried first state) keeps it', async () => {
    // Prepare
    const project = `${PROJECT}-retry`;
    await call(project, acquire('a'));

    // Act
    const result = await call(project, acquire('a', { overlap: 'reject' }), later(5));

    // Assess
    expect(result.acquired).toBe(true);
  });

  test('an expired lease is taken by the next execution', async () => {
    // Prepare
    const project = `${PROJECT}-expired`;
    await call(project, acquire('a'));

    // Act
    const result = await call(
      project,
      acquire('b', { executionStartTime: later(3600).toISOString() }),
      later(holdSeconds(LEASE_HOLDS.take, TIMEOUTS) + 1),
    );

    // Assess
    expect(result.acquired).toBe(true);
    expect(await holderOf(project)).toBe(arn('b'));
  });

  test('a queued execution that takes the lease says whom it waited for and how long', async () => {
    // Prepare
    const project = `${PROJECT}-queued`;
    await call(project, acquire('a'));
    const waiting = await call(project, acquire('b'), later(10));
    await call(project, { action: 'release', executionArn: arn('a') }, later(40));

    // Act
    const result = await call(project, acquire('b', { previous: waiting }), later(41));

    // Assess
    expect(result).toEqual(
      expect.objectContaining({ acquired: true, queuedBehind: arn('a'), waitedSeconds: 41 }),
    );
  });

  test('a queued execution gives up with RunQueueTimeout once it has waited the run timeout', async () => {
    // Prepare
    const project = `${PROJECT}-timeout`;
    await call(project, acquire('a'));
    // The holder is alive: it renewed its lease a minute before the queued run's deadline.
    const deadline = runTimeoutSeconds(TIMEOUTS);
    await call(
      project,
      { action: 'renew', executionArn: arn('a'), timeouts: TIMEOUTS, holdFor: ['training'] },
      later(deadline - 60),
    );

    // Act
    const result = call(project, acquire('b'), later(deadline));

    // Assess
    await expect(result).rejects.toThrow(RunQueueTimeout);
    await expect(result).rejects.toThrow(`for execution ${arn('a')} of project ${project} to end`);
  });

  test('a queued execution of a definition with domain stages waits for the run timeout that includes them', async () => {
    // Prepare
    const project = `${PROJECT}-domain-timeout`;
    const domain = domainStages({ recommenders: [{}], metricAttribution: {} });
    await call(project, acquire('a', { domainStages: domain }));
    const plainDeadline = runTimeoutSeconds(TIMEOUTS);
    const deadline = runTimeoutSeconds(TIMEOUTS, domain);
    // The holder is alive: it renewed its lease for its recommenders a minute before the plain deadline.
    await call(
      project,
      { action: 'renew', executionArn: arn('a'), timeouts: TIMEOUTS, holdFor: domain },
      later(plainDeadline - 60),
    );

    // Act
    const stillWaiting = await call(project, acquire('b', { domainStages: domain }), later(plainDeadline));
    const givenUp = call(project, acquire('b', { domainStages: domain }), later(deadline));

    // Assess
    expect(deadline).toBeGreaterThan(plainDeadline);
    expect(stillWaiting).toEqual(expect.objectContaining({ acquired: false, holder: arn('a') }));
    await expect(givenUp).rejects.toThrow(RunQueueTimeout);
  });

  test('a renewal without its stages holds the lease for every stage of the run, the domain stages included', async () => {
    // Prepare
    const project = `${PROJECT}-renew-domain`;
    const domain = domainStages({ recommenders: [{}] });
    await call(project, acquire('a', { domainStages: domain }));

    // Act
    const result = await call(
      project,
      { action: 'renew', executionArn: arn('a'), timeouts: TIMEOUTS, domainStages: domain },
      later(60),
    );

    // Assess
    expect(result.expiresAt).toBe(START.getTime() / 1000 + 60 + holdSeconds(runStages(domain), TIMEOUTS));
  });

  test('the holder renews its lease for the stages until its next renewal', async () => {
    // Prepare
    const project = `${PROJECT}-renew`;
    await call(project, acquire('a'));

    // Act
    const result = await call(
      project,
      { action: 'renew', executionArn: arn('a'), timeouts: TIMEOUTS, holdFor: LEASE_HOLDS.afterImports },
      later(600),
    );

    // Assess
    expect(result.expiresAt).toBe(
      START.getTime() / 1000 + 600 + holdSeconds(LEASE_HOLDS.afterImports, TIMEOUTS),
    );
  });

  test('a run whose expired lease another execution took fails its renewal with LeaseLost', async () => {
    // Prepare
    const project = `${PROJECT}-lost`;
    await call(project, acquire('a'));
    const expired = later(holdSeconds(LEASE_HOLDS.take, TIMEOUTS) + 1);
    await call(project, acquire('b'), expired);

    // Act
    const result = call(project, { action: 'renew', executionArn: arn('a'), timeouts: TIMEOUTS }, expired);

    // Assess
    await expect(result).rejects.toThrow(LeaseLost);
    await expect(result).rejects.toThrow(`held by execution ${arn('b')}`);
  });

  test('a release deletes the lease of its own execution only', async () => {
    // Prepare
    const project = `${PROJECT}-release`;
    await call(project, acquire('a'));

    // Act
    const other = await call(project, { action: 'release', executionArn: arn('b') });
    const holderAfterOther = await holderOf(project);
    const own = await call(project, { action: 'release', executionArn: arn('a') });

    // Assess
    expect(other).toEqual(expect.objectContaining({ released: false, holder: arn('a') }));
    expect(holderAfterOther).toBe(arn('a'));
    expect(own.released).toBe(true);
    expect(await holderOf(project)).toBeUndefined();
  });

  test.each(['ABORTED', 'TIMED_OUT', 'FAILED'])(
    'the status change of an execution that ended %s releases its lease',
    async (status) => {
      // Prepare
      const project = `${PROJECT}-${status.toLowerCase()}`;
      await call(project, acquire('a'));
      const event: ExecutionStatusChange = {
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: arn('a'),
          stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:pipeline',
          status,
        },
      };

      // Act
      const result = await call(project, event);

      // Assess
      expect(result.released).toBe(true);
      expect(await holderOf(project)).toBeUndefined();
    },
  );

  test('the status change of an execution that succeeded releases nothing', async () => {
    // Prepare
    const project = `${PROJECT}-succeeded`;
    await call(project, acquire('a'));

    // Act
    const result = await call(project, {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        executionArn: arn('a'),
        stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:pipeline',
        status: 'SUCCEEDED',
      },
    });

    // Assess
    expect(result.released).toBe(false);
    expect(await holderOf(project)).toBe(arn('a'));
  });
});
