/**
 * The run lease table of a local project, in moto: what the PipelineStack creates in AWS (one item per
 * project, key `project`, TTL on `expiresAt`), so the local pipeline takes, renews and releases its lease as
 * the deployed one does.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/** The lease table's name for a project, locally (in AWS CloudFormation names it). */
export const localLeaseTableName = (projectName: string): string => `${projectName}-run-lease`;

/** Creates the project's lease table in moto, unless it exists. */
export async function ensureLeaseTable(tableName: string): Promise<void> {
  const dynamodb = new DynamoDBClient({});
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'project', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'project', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    dynamodb.destroy();
  }
}
