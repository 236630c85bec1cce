/**
 * POST /events: a session's interaction events, queued for PutEvents. The answer is 202 only once every
 * event is in the KMS-encrypted queue (QUEUE_URL). The request is cut into messages of at most 10 events
 * (one PutEvents call each) sent with SendMessageBatch; if the queue refuses any of them, the answer is
 * 503 `Retry`: the caller sends the same request again, and the events already queued are recorded once,
 * because the consumer is idempotent on eventId. Nothing is accepted and then lost. Events are attributed to
 * the experiment variant they follow (EXPERIMENTS, core/experiments/serving.ts) for metric attribution.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { eventAttributionSource } from '../../core/experiments/serving';
import { BadRequest, RetryLater } from '../../core/serving/errors';
import { toEnvelopes, toSendBatches } from '../../core/serving/events';
import { type EventsRequest, parseEventsBody, readJsonBody } from '../../core/serving/requests';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { instrumented } from '../shared/observability';
import { sqsClient } from './clients';
import { requestKeys, servingApi } from './http';
import { countRequest } from './metrics';
import { parseAllowedOrigins, parseApiClients, parseExperiments } from './settings';

const QUEUE_URL = requireEnv('QUEUE_URL');
const API_CLIENTS = parseApiClients(requireEnv('API_CLIENTS'));
const ALLOWED_ORIGINS = parseAllowedOrigins(requireEnv('ALLOWED_ORIGINS'));
const EXPERIMENTS = parseExperiments(requireEnv('EXPERIMENTS'));

const RETRY_MESSAGE =
  'send the same request again: events that were queued are recognized by their eventId and recorded once';

/** Sends one SendMessageBatch call. @throws RetryLater unless the queue accepted every message. */
async function enqueue(bodies: readonly string[], requestId: string): Promise<void> {
  let failed: number;
  try {
    const result = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: QUEUE_URL,
        Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    failed = bodies.length - (result.Successful ?? []).length;
    if (failed > 0) logger.warn('The queue refused messages', { requestId, failed: result.Failed });
  } catch (error) {
    logger.warn('SendMessageBatch failed', { requestId, error });
    throw new RetryLater(`the event queue is not reachable; ${RETRY_MESSAGE}`);
  }
  if (failed > 0)
    throw new RetryLater(
      `the event queue did not take ${failed} of ${bodies.length} messages; ${RETRY_MESSAGE}`,
    );
}

/**
 * The events with their attribution sources: each event's own (one of the experiments'), else its shopper's
 * variant when the API runs one experiment. @throws BadRequest naming the event of an unknown source
 */
function attributed(request: EventsRequest): EventsRequest {
  const shopper = {
    sessionId: request.sessionId,
    ...(request.userId !== undefined ? { userId: request.userId } : {}),
  };
  return {
    ...request,
    events: request.events.map((event, index) => {
      const result = eventAttributionSource(EXPERIMENTS, event.attributionSource, shopper);
      if ('problem' in result) throw new BadRequest(`events[${index}].attributionSource: ${result.problem}`);
      return result.source === undefined ? event : { ...event, attributionSource: result.source };
    }),
  };
}

/** This file's routes, each request counted per client. */
const api = servingApi({
  handler: 'events',
  clients: API_CLIENTS,
  allowedOrigins: ALLOWED_ORIGINS,
  actions: {
    events: async ({ body, requestId }) => {
      const request = attributed(parseEventsBody(readJsonBody(body), Math.floor(Date.now() / 1000)));
      const bodies = toEnvelopes(request).map((envelope) => JSON.stringify(envelope));
      for (const batch of toSendBatches(bodies)) await enqueue(batch, requestId);
      return { status: 202, body: { accepted: request.events.length } };
    },
  },
  onRequest: countRequest,
});

/** The Lambda handler: API Gateway REST API proxy events of this file's routes. */
export const handler = instrumented(api, requestKeys);
