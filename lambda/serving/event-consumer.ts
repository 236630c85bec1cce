/**
 * The event queue's consumer (SQS event source): each message holds up to 10 events of one session, which
 * go to PutEvents in one call through the event tracker of `<PARAMETER_PREFIX>/event-tracker`.
 *
 * - Idempotent on eventId (lambda/serving/event-ledger.ts): an event already delivered is skipped, so a
 *   redelivered or re-sent message records nothing twice.
 * - Throttling and server errors are retried with backoff inside the invocation; what still fails is
 *   reported as a partial batch failure (Powertools `BatchProcessor`), so only those messages return to
 *   the queue, and after maxReceiveCount deliveries SQS moves them to the dead-letter queue.
 * - An event Personalize refuses (InvalidInputException) does not hold back the others of its message:
 *   they are sent one by one, the accepted ones are recorded as delivered, and the message fails, so the
 *   refused events end in the dead-letter queue.
 * - Every delivered event is archived to the data bucket (BUCKET_NAME) as interactions CSV under
 *   `events-archive/yyyy/mm/dd/`, encrypted by the bucket's default SSE-KMS, so the events survive a
 *   dataset group being recreated and can be imported again.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { archiveCsv, archiveKey, type EventEnvelope, readEnvelope } from '../../core/serving/events';
import type { ApiEvent } from '../../core/serving/requests';
import { s3Client } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { instrumented } from '../shared/observability';
import { dynamoDbClient, eventsClient } from './clients';
import { EventsNotDelivered, putEventsInput } from './event-consumer.logic';
import { EventLedger } from './event-ledger';
import { trackingId } from './parameters';
import { withRetries } from './retry';
import { isTransient } from './upstream';

const PARAMETER_PREFIX = requireEnv('PARAMETER_PREFIX');
const BUCKET_NAME = requireEnv('BUCKET_NAME');
const ledger = new EventLedger(requireEnv('IDEMPOTENCY_TABLE'), dynamoDbClient());

const processor = new BatchProcessor(EventType.SQS, { logger });

interface SendOutcome {
  readonly delivered: ApiEvent[];
  readonly undelivered: ApiEvent[];
  readonly reasons: string[];
}

const isInvalidInput = (error: unknown): boolean =>
  error instanceof Error && error.name === 'InvalidInputException';

async function putEvents(
  tracker: string,
  envelope: EventEnvelope,
  events: readonly ApiEvent[],
): Promise<void> {
  await withRetries(
    () => eventsClient().send(new PutEventsCommand(putEventsInput(tracker, envelope, events))),
    { retryable: isTransient },
  );
}

/** Sends the events in one call; if Personalize refuses the call for an event's sake, one by one. */
async function send(
  tracker: string,
  envelope: EventEnvelope,
  events: readonly ApiEvent[],
): Promise<SendOutcome> {
  try {
    await putEvents(tracker, envelope, events);
    return { delivered: [...events], undelivered: [], reasons: [] };
  } catch (error) {
    if (!isInvalidInput(error)) throw error;
    if (events.length === 1)
      return { delivered: [], undelivered: [...events], reasons: [(error as Error).message] };
  }
  const outcome: SendOutcome = { delivered: [], undelivered: [], reasons: [] };
  for (const event of events) {
    try {
      await putEvents(tracker, envelope, [event]);
      outcome.delivered.push(event);
    } catch (error) {
      outcome.undelivered.push(event);
      outcome.reasons.push(`${event.eventId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return outcome;
}

async function archive(
  record: SQSRecord,
  envelope: EventEnvelope,
  events: readonly ApiEvent[],
): Promise<string> {
  const key = archiveKey(
    Number(record.attributes.SentTimestamp),
    record.messageId,
    events.map((event) => event.eventId),
  );
  await s3Client().send(
    new PutObjectCommand({
      Bucket: BUCKET_NAME,
      Key: key,
      Body: archiveCsv({ ...envelope, events }),
      ContentType: 'text/csv',
    }),
  );
  return key;
}

/** Delivers one message's events that no earlier delivery sent. @throws when any is left undelivered. */
async function deliver(
  record: SQSRecord,
  context?: Context,
): Promise<{ delivered: number; duplicates: number }> {
  const envelope = readEnvelope(record.body);
  const remainingMs = context?.getRemainingTimeInMillis() ?? 60_000;
  const claims = await Promise.all(
    envelope.events.map(async (event) => ({ event, claim: await ledger.claim(event.eventId, remainingMs) })),
  );
  const fresh = claims.filter((c) => c.claim === 'claimed').map((c) => c.event);
  const busy = claims.filter((c) => c.claim === 'busy').length;
  let outcome: SendOutcome = { delivered: [], undelivered: [], reasons: [] };
  if (fresh.length > 0) {
    let key = '';
    try {
      outcome = await send(await trackingId(PARAMETER_PREFIX), envelope, fresh);
      if (outcome.delivered.length > 0) key = await archive(record, envelope, outcome.delivered);
    } catch (error) {
      await Promise.allSettled(fresh.map((event) => ledger.release(event.eventId)));
      throw error;
    }
    await Promise.all([
      ...outcome.delivered.map((event) =>
        ledger.delivered(event.eventId, { messageId: record.messageId, archive: key }),
      ),
      ...outcome.undelivered.map((event) => ledger.release(event.eventId)),
    ]);
  }
  if (outcome.undelivered.length > 0) {
    throw new EventsNotDelivered(
      `Personalize refused ${outcome.undelivered.length} of ${envelope.events.length} events: ${outcome.reasons.join('; ')}`,
    );
  }
  if (busy > 0)
    throw new EventsNotDelivered(
      `${busy} events are being delivered by another invocation; the message will be retried`,
    );
  return { delivered: outcome.delivered.length, duplicates: envelope.events.length - fresh.length };
}

async function deliverLogged(
  record: SQSRecord,
  context?: Context,
): Promise<{ delivered: number; duplicates: number }> {
  try {
    return await deliver(record, context);
  } catch (error) {
    logger.warn('Message not delivered; it returns to the queue', { messageId: record.messageId, error });
    throw error;
  }
}

/**
 * The Lambda handler: SQS events of the event queue, answered with the partial batch failures. Its log lines
 * carry the Lambda request id; a message's carry its message id.
 */
export const handler = instrumented(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, deliverLogged, processor, { context, throwOnFullBatchFailure: false }),
  () => ({}),
);
