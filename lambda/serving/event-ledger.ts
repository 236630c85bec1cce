/**
 * Which events were delivered to Personalize, by eventId: Powertools idempotency records in DynamoDB
 * (IDEMPOTENCY_TABLE, partition key `id`, TTL attribute `expiration`).
 *
 * A PutEvents call carries up to 10 events, so the records are kept per event through the persistence
 * layer's steps rather than around one function call: an event is claimed (record IN_PROGRESS, which
 * expires with the invocation's remaining time, so a crashed consumer does not hold it), then marked
 * delivered (COMPLETED) once PutEvents took it, or released (deleted) when the call failed and the
 * message goes back to the queue.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { EVENT_QUEUE_SETTINGS } from '../../core/serving/handlers';

/**
 * What a claim found: `claimed` — this invocation delivers the event; `delivered` — an earlier delivery
 * did (a duplicate, skipped); `busy` — another invocation is delivering it right now.
 */
export type Claim = 'claimed' | 'delivered' | 'busy';

/** The delivered-event records of one table. */
export class EventLedger {
  private readonly layer: DynamoDBPersistenceLayer;

  constructor(tableName: string, client: DynamoDBClient) {
    this.layer = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
    this.layer.configure({
      config: new IdempotencyConfig({
        eventKeyJmesPath: 'eventId',
        expiresAfterSeconds: EVENT_QUEUE_SETTINGS.idempotencyExpirySeconds,
        throwOnNoIdempotencyKey: true,
      }),
      keyPrefix: EVENT_QUEUE_SETTINGS.idempotencyKeyPrefix,
    });
  }

  /** Claims an event for delivery; the claim lapses after `remainingMs` if it is never settled. */
  async claim(eventId: string, remainingMs: number): Promise<Claim> {
    try {
      await this.layer.saveInProgress({ eventId }, Math.max(1000, remainingMs));
      return 'claimed';
    } catch (error) {
      if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
      const existing =
        error.existingRecord ?? (await this.layer.getRecord({ eventId }).catch(() => undefined));
      return existing?.getStatus() === IdempotencyRecordStatus.COMPLETED ? 'delivered' : 'busy';
    }
  }

  /** Records that PutEvents took the event; `receipt` says where (message id, archive object). */
  async delivered(eventId: string, receipt: Record<string, string>): Promise<void> {
    await this.layer.saveSuccess({ eventId }, receipt);
  }

  /** True when the event was delivered (for redrive tooling and tests). */
  async isDelivered(eventId: string): Promise<boolean> {
    const record = await this.layer.getRecord({ eventId }).catch(() => undefined);
    return record?.getStatus() === IdempotencyRecordStatus.COMPLETED;
  }

  /** Drops a claim whose delivery failed, so the next delivery of the message can send the event. */
  async release(eventId: string): Promise<void> {
    await this.layer.deleteRecord({ eventId });
  }
}
