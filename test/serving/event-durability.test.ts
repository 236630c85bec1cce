/**
 * The event path keeps every event it accepted: POST /events answers 202 only once the events are queued,
 * and the consumer delivers each accepted event to Personalize exactly once or leaves it in the dead-letter
 * queue — under injected PutEvents throttling, with an event Personalize refuses, with a consumer stopped
 * in the middle of an invocation and restarted, and when a client sends the same events again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventLedger } from '../../lambda/serving/event-ledger';
import { ensureEventQueues } from '../../local/serving/provision';
import {
  archivedCsv,
  call,
  CLIENTS,
  deployEventPathOnly,
  drainQueue,
  injectFaults,
  interactionRecords,
  startServing,
  type ServingFixture,
} from './helpers';

const VISIBILITY_TIMEOUT_SECONDS = 2;
const MAX_RECEIVE_COUNT = 3;

let fx: ServingFixture;
let ledger: EventLedger;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  // Only the event path is deployed (dataset group, Interactions dataset, event tracker): no pipeline run.
  fx = await startServing({
    deploy: 'never',
    consumer: {
      start: false,
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      pollIntervalMs: 50,
    },
  });
  await deployEventPathOnly(fx.api.emulator.endpoint, fx.config.projectName);
  dynamodb = new DynamoDBClient({});
  ledger = new EventLedger(fx.api.tableName, dynamodb);
}, 300_000);

beforeEach(async () => {
  await fetch(`${fx.api.emulator.endpoint}/_emulator/faults`, { method: 'DELETE' });
});

afterAll(async () => {
  dynamodb?.destroy();
  await fx?.close();
});

interface TestEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly itemId: string;
  readonly sentAt: number;
  readonly properties?: Record<string, string>;
}

/** `count` requests of `perRequest` view events each; event ids start with `prefix`. */
function eventRequests(prefix: string, count: number, perRequest: number) {
  return Array.from({ length: count }, (_, r) => ({
    sessionId: `${prefix}-session-${r}`,
    userId: `user-${String(r + 1).padStart(4, '0')}`,
    events: Array.from({ length: perRequest }, (_, e): TestEvent => ({
      eventId: `${prefix}-${r}-${e}`,
      eventType: 'view',
      itemId: `item-${String(((r * perRequest + e) % 800) + 1).padStart(4, '0')}`,
      sentAt: 1_790_000_000 + r * 100 + e,
    })),
  }));
}

async function sendAll(requests: readonly unknown[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const body of requests)
    statuses.push((await call(fx.api, CLIENTS.storefront, 'POST', '/events', body)).status);
  return statuses;
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function deliveredIds(ids: readonly string[]): Promise<Set<string>> {
  const delivered = new Set<string>();
  for (const id of ids) if (await ledger.isDelivered(id)) delivered.add(id);
  return delivered;
}

function archivedRows(csv: Map<string, string>): string[] {
  return [...csv.values()].flatMap((text) => text.trim().split('\n').slice(1));
}

describe('accepted events', () => {
  test('are all delivered once or dead-lettered, under throttling, a refused event and a consumer restart', async () => {
    // Prepare: throttling for the first PutEvents calls, slow calls so an invocation can be caught in flight,
    // and one event Personalize refuses (DEVICE is no column of the Interactions schema).
    const before = await interactionRecords(fx.api);
    const archivedBefore = archivedRows(await archivedCsv(fx.api.bucketName)).length;
    await injectFaults(fx.api, [
      { operation: 'PutEvents', error: 'ThrottlingException', count: 30 },
      { operation: 'PutEvents', latencyMs: 50, count: 60 },
    ]);
    const requests = eventRequests('lost', 12, 15);
    const poison = requests[3]?.events[4] as TestEvent & { properties?: Record<string, string> };
    Object.assign(poison, { properties: { device: 'mobile' } });
    const accepted = requests.flatMap((r) => r.events.map((e) => e.eventId));

    // Act: accept every request, then run the consumer, stop it in the middle of an invocation (its messages
    // are not deleted, as after a crash), restart it and let it empty the queue.
    const statuses = await sendAll(requests);
    fx.api.consumer.start();
    await until(() => fx.api.consumer.stats.invocations >= 2 && fx.api.consumer.inFlight);
    await fx.api.consumer.stop({ abandonInFlight: true });
    fx.api.consumer.start();
    await fx.api.consumer.drained(120_000);

    // Assess
    expect(statuses).toEqual(requests.map(() => 202));
    expect(fx.api.consumer.stats.abandoned).toBeGreaterThan(0);
    const faults = (await (await fetch(`${fx.api.emulator.endpoint}/_emulator/faults`)).json()) as {
      faults: Array<{ error?: string }>;
    };
    expect(faults.faults.filter((f) => f.error === 'ThrottlingException')).toEqual([]);
    const deadLettered = (await drainQueue(fx.api.queues.deadLetterQueueUrl)).flatMap((body) =>
      (JSON.parse(body) as { events: TestEvent[] }).events.map((e) => e.eventId),
    );
    const delivered = await deliveredIds(accepted);
    // Nothing accepted is lost: every event was delivered or is in the dead-letter queue ...
    expect(accepted.filter((id) => !delivered.has(id) && !deadLettered.includes(id))).toEqual([]);
    // ... and only the refused event is dead-lettered without having been delivered.
    expect(deadLettered.filter((id) => !delivered.has(id))).toEqual([poison.eventId]);
    expect(delivered.size).toBe(accepted.length - 1);
    // Personalize recorded each delivered event once, and the archive holds each once.
    expect((await interactionRecords(fx.api)) - before).toBe(delivered.size);
    expect(archivedRows(await archivedCsv(fx.api.bucketName)).length - archivedBefore).toBe(delivered.size);
  }, 300_000);

  test('are recorded once when a client sends them again', async () => {
    // Prepare
    fx.api.consumer.start();
    const requests = eventRequests('again', 3, 4);
    const before = await interactionRecords(fx.api);
    await sendAll(requests);
    await fx.api.consumer.drained(60_000);
    const afterFirst = await interactionRecords(fx.api);

    // Act
    const statuses = await sendAll(requests);
    await fx.api.consumer.drained(60_000);

    // Assess
    expect(statuses).toEqual([202, 202, 202]);
    expect(afterFirst - before).toBe(12);
    expect(await interactionRecords(fx.api)).toBe(afterFirst);
  }, 120_000);

  test('are refused with 503 Retry, nothing half-kept, when the queue cannot take them', async () => {
    // Prepare: the queue is gone.
    await fx.api.consumer.stop();
    const sqs = new SQSClient({});
    await sqs.send(new DeleteQueueCommand({ QueueUrl: fx.api.queues.queueUrl }));
    const [request] = eventRequests('retry', 1, 3);

    try {
      // Act
      const refused = await call(fx.api, CLIENTS.storefront, 'POST', '/events', request);
      await ensureEventQueues(sqs, fx.config.projectName, fx.api.keyArn, {
        maxReceiveCount: MAX_RECEIVE_COUNT,
        visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      });
      const resent = await call(fx.api, CLIENTS.storefront, 'POST', '/events', request);

      // Assess
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe('Retry');
      expect(String(refused.body.message)).toContain('send the same request again');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(resent).toMatchObject({ status: 202, body: { accepted: 3 } });
    } finally {
      sqs.destroy();
    }
  }, 60_000);
});
