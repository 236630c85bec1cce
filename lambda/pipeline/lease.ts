/**
 * Step `lease`: takes, renews and releases the run lease of PROJECT_NAME in the table LEASE_TABLE_NAME, and
 * releases the lease of an execution EventBridge reports ABORTED, TIMED_OUT or FAILED (see lease.logic.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ExecutionStatusChange, LeaseEvent, LeaseResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { handleLease, type LeaseDeps } from './lease.logic';

const deps: LeaseDeps = {
  dynamodb: traced(new DynamoDBClient({})),
  tableName: requireEnv('LEASE_TABLE_NAME'),
  projectName: requireEnv('PROJECT_NAME'),
};

/** The Lambda handler: one lease action, or the release of an execution that ended abnormally. */
export const handler = instrumented(
  async (event: LeaseEvent | ExecutionStatusChange): Promise<LeaseResult> => handleLease(event, deps),
  (event) => ({ executionArn: 'detail' in event ? event.detail.executionArn : event.executionArn }),
);
