/**
 * The event path under faults, for bench/serving.ts: events sent through POST /events while the emulator
 * throttles a share of PutEvents calls, a few events carry a property the Interactions schema lacks (so
 * Personalize refuses them: InvalidInputException, never retried), and the queue consumer is stopped in the
 * middle of an invocation without deleting its messages (a crash) and restarted. Then, once the queue is
 * empty, the events are counted where they ended:
 *
 * - accepted: events of the requests answered 2xx;
 * - delivered: the distinct eventIds the emulator recorded (read from its state database), and the rows
 *   beyond one per eventId (duplicates); `/_emulator/stats` must agree with the row count;
 * - dead-lettered: events of the dead-letter queue's messages that were not delivered (a message with one
 *   refused event also holds the events delivered one by one beside it);
 * - lost: accepted − delivered − dead-lettered.
 */
import { join } from 'node:path';
import { GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import Database from 'better-sqlite3';
import type { LocalApi } from '../../local/serving/api';
import { takeAllMessages } from '../../local/serving/queues';
import { throttleShare } from './serving-faults';

/** Options of {@link runEventsUnderFaults}. */
export interface EventsScenario {
  /** Events in all. */
  readonly events: number;
  /** Events per request (one session, one queue message, one PutEvents call each). @default 10 */
  readonly perRequest: number;
  /** Events Personalize refuses, each in another request. */
  readonly refused: number;
  /** Share of PutEvents calls answered ThrottlingException. */
  readonly throttleShare: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** How long the consumer stays stopped. */
  readonly pauseMs: number;
  readonly seed: number;
  readonly drainTimeoutMs: number;
  /** Prefix of the eventIds and sessionIds, unique per run. */
  readonly idPrefix: string;
  /** The key of a client allowed `events`. */
  readonly apiKey: string;
}

/** Where the events ended, and how long it took. */
export interface EventsOutcome {
  readonly requests: number;
  /** Requests sent again after an answer outside 2xx. */
  readonly resent: number;
  readonly accepted: number;
  readonly delivered: number;
  readonly duplicates: number;
  /** Records added to the Interactions dataset, by `/_emulator/stats`. */
  readonly recordsAdded: number;
  readonly deadLetterMessages: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly putEventsCalls: number;
  readonly throttled: number;
  /** Messages of the invocation abandoned by the stop (delivered again later). */
  readonly abandoned: number;
  /** The consumer was stopped once this many requests were accepted. */
  readonly stoppedAfter: number;
  readonly invocations: number;
  /** Messages handed back to the queue by the handler (partial batch failures). */
  readonly failedMessages: number;
  /** From the first request: all requests answered 2xx. */
  readonly acceptedAfterMs: number;
  /** From the first request: every deliverable event recorded by the emulator. */
  readonly deliveredAfterMs: number;
  /** From the first request: the event queue empty (refused events moved to the dead-letter queue). */
  readonly drainedAfterMs: number;
}

interface EventBody {
  readonly sessionId: string;
  readonly userId: string;
  readonly events: Array<{
    eventId: string;
    eventType: string;
    itemId: string;
    sentAt: number;
    properties?: Record<string, string>;
  }>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Request bodies of `events` view events, `perRequest` to a session; `refused` of them carry `device`. */
export function eventBodies(
  prefix: string,
  events: number,
  perRequest: number,
  refused: number,
): { bodies: EventBody[]; refusedIds: string[] } {
  const requests = Math.ceil(events / perRequest);
  const bodies = Array.from({ length: requests }, (_, r): EventBody => {
    const count = Math.min(perRequest, events - r * perRequest);
    return {
      sessionId: `${prefix}-session-${r}`,
      userId: `user-${String((r % 1000) + 1).padStart(4, '0')}`,
      events: Array.from({ length: count }, (_, e) => ({
        eventId: `${prefix}-${r}-${e}`,
        eventType: 'view',
        itemId: `item-${String(((r * perRequest + e) % 800) + 1).padStart(4, '0')}`,
        sentAt: 1_790_000_000 + r * perRequest + e,
      })),
    };
  });
  // DEVICE is no column of the Interactions schema: Personalize answers InvalidInputException.
  const refusedIds: string[] = [];
  const step = Math.max(1, Math.floor(requests / Math.max(1, refused)));
  for (let i = 0; i < refused && i * step < requests; i += 1) {
    const event = bodies[i * step]?.events[0];
    if (!event) continue;
    event.properties = { device: 'mobile' };
    refusedIds.push(event.eventId);
  }
  return { bodies, refusedIds };
}

/** Records of the Interactions dataset in the emulator (imported and streamed). */
export async function interactionRecords(emulatorEndpoint: string): Promise<number> {
  const response = await fetch(`${emulatorEndpoint}/_emulator/stats`);
  const stats = (await response.json()) as { datasets: Array<{ datasetType: string; records: number }> };
  return stats.datasets.find((d) => d.datasetType === 'INTERACTIONS')?.records ?? 0;
}

/** Streamed interactions whose eventId starts with `prefix`: rows, and distinct eventIds. */
export function streamedEvents(dataDir: string, prefix: string): { rows: number; distinct: number } {
  const db = new Database(join(dataDir, 'personalize.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[string], { rows: number; distinct: number }>(
        'SELECT COUNT(*) AS rows, COUNT(DISTINCT event_id) AS "distinct" FROM interactions WHERE stream = 1 AND event_id LIKE ?',
      )
      .get(`${prefix}-%`) as { rows: number; distinct: number };
  } finally {
    db.close();
  }
}

/** Messages in a queue, visible or in flight. */
async function messagesIn(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * Empties a queue (what the load test left) with PurgeQueue, then takes out what requests still in
 * flight at the purge queued after it. @returns the messages purged or taken, as counted before.
 */
export async function purge(sqs: SQSClient, queueUrl: string): Promise<number> {
  await sleep(500);
  const before = await messagesIn(sqs, queueUrl);
  await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  for (let attempt = 0; (await messagesIn(sqs, queueUrl)) > 0; attempt += 1) {
    if (attempt >= 50) throw new Error(`${queueUrl} still holds messages after PurgeQueue`);
    await takeAllMessages(sqs, queueUrl);
    await sleep(100);
  }
  return before;
}

/** Runs the scenario of the module comment against a local API whose consumer is stopped. */
export async function runEventsUnderFaults(
  api: LocalApi,
  sqs: SQSClient,
  scenario: EventsScenario,
): Promise<EventsOutcome> {
  const { bodies, refusedIds } = eventBodies(
    scenario.idPrefix,
    scenario.events,
    scenario.perRequest,
    scenario.refused,
  );
  await takeAllMessages(sqs, api.queues.deadLetterQueueUrl);
  api.emulator.faults.clear();
  const recordsBefore = await interactionRecords(api.emulator.endpoint);
  const statsBefore = { ...api.consumer.stats };
  const throttling = throttleShare(api.emulator, 'PutEvents', scenario.throttleShare, scenario.seed);

  const start = performance.now();
  api.consumer.start();
  let accepted = 0;
  let acceptedRequests = 0;
  let resent = 0;
  let next = 0;
  const send = async (body: EventBody): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${api.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': scenario.apiKey },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { accepted?: number; message?: string };
      if (response.ok) {
        accepted += answer.accepted ?? 0;
        acceptedRequests += 1;
        return;
      }
      if (attempt >= 5) throw new Error(`POST /events answered ${response.status}: ${answer.message}`);
      resent += 1;
      await sleep(100 * attempt);
    }
  };
  const senders = Array.from({ length: scenario.concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next] as EventBody;
      next += 1;
      await send(body);
    }
  });
  // The crash: once half the requests are in, stop the consumer during an invocation without deleting
  // that invocation's messages, keep it stopped for a while, then start it again.
  const stoppedAfter = Math.floor(bodies.length / 2);
  const crash = (async () => {
    await until(() => acceptedRequests >= stoppedAfter, scenario.drainTimeoutMs, 'half the requests');
    await until(() => api.consumer.inFlight, scenario.drainTimeoutMs, 'an invocation in flight');
    await api.consumer.stop({ abandonInFlight: true });
    await sleep(scenario.pauseMs);
    api.consumer.start();
  })();
  await Promise.all(senders);
  const acceptedAfterMs = performance.now() - start;
  await crash;

  const deliverable = accepted - refusedIds.length;
  let deliveredAfterMs = Number.NaN;
  const watch = (async () => {
    const deadline = Date.now() + scenario.drainTimeoutMs;
    while (Date.now() < deadline) {
      if ((await interactionRecords(api.emulator.endpoint)) - recordsBefore >= deliverable) {
        deliveredAfterMs = performance.now() - start;
        return;
      }
      await sleep(50);
    }
  })();
  await api.consumer.drained(scenario.drainTimeoutMs);
  const drainedAfterMs = performance.now() - start;
  await watch;
  throttling.stop();
  api.emulator.faults.clear();

  const { rows, distinct } = streamedEvents(api.emulator.dataDir, scenario.idPrefix);
  const recordsAdded = (await interactionRecords(api.emulator.endpoint)) - recordsBefore;
  const deadLetterBodies = await takeAllMessages(sqs, api.queues.deadLetterQueueUrl);
  const deadLetterIds = deadLetterBodies.flatMap((body) =>
    (JSON.parse(body) as EventBody).events.map((event) => event.eventId),
  );
  // Delivered or not, by the emulator's own record: a dead-lettered message also holds delivered events.
  const db = new Database(join(api.emulator.dataDir, 'personalize.db'), { readonly: true });
  let deadLettered: number;
  try {
    const recorded = db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM interactions WHERE stream = 1 AND event_id = ?',
    );
    deadLettered = deadLetterIds.filter((id) => (recorded.get(id)?.n ?? 0) === 0).length;
  } finally {
    db.close();
  }
  return {
    requests: bodies.length,
    resent,
    accepted,
    delivered: distinct,
    duplicates: rows - distinct,
    recordsAdded,
    deadLetterMessages: deadLetterBodies.length,
    deadLettered,
    lost: accepted - distinct - deadLettered,
    putEventsCalls: throttling.calls,
    throttled: throttling.throttled,
    abandoned: api.consumer.stats.abandoned - statsBefore.abandoned,
    stoppedAfter,
    invocations: api.consumer.stats.invocations - statsBefore.invocations,
    failedMessages: api.consumer.stats.failed - statsBefore.failed,
    acceptedAfterMs,
    deliveredAfterMs,
    drainedAfterMs,
  };
}
