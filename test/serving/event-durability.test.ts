/**
 * The event path keeps every event it accepted: POST /events answers 202 only once the events are queued,
 * and the consumer delivers each accepted event to Personalize exactly once or leaves it in the dead-letter
 * queue — under injected PutEvents throttling, with an event Personalize refuses, with a consumer stopped
 * in the middle of an invocation and restarted, and when a client sends the same events again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createS3Client } from '../../lambda/shared/clients';
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

  test('are archived to the data bucket as SSE-KMS objects, through a KMS-encrypted queue with a redrive policy', async () => {
    // Prepare: whatever other tests left in the queue is delivered first.
    fx.api.consumer.start();
    await fx.api.consumer.drained(60_000);
    const [request] = eventRequests('archive', 1, 2);
    const before = new Set((await archivedCsv(fx.api.bucketName)).keys());

    // Act
    await sendAll([request]);
    await fx.api.consumer.drained(60_000);

    // Assess
    const sqs = new SQSClient({});
    const s3 = createS3Client();
    try {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: fx.api.queues.queueUrl, AttributeNames: ['All'] }),
      );
      expect(Attributes.KmsMasterKeyId).toBe(fx.api.keyArn);
      expect(JSON.parse(Attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: fx.api.queues.deadLetterQueueArn,
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      const added = [...(await archivedCsv(fx.api.bucketName))].filter(([key]) => !before.has(key));
      expect(added).toHaveLength(1);
      const [key = '', csv = ''] = added[0] ?? [];
      expect(csv.trim().split('\n')).toEqual([
        'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,IMPRESSION,RECOMMENDATION_ID',
        'user-0001,item-0001,1790000000,view,,,',
        'user-0001,item-0002,1790000001,view,,,',
      ]);
      const head = await s3.send(new HeadObjectCommand({ Bucket: fx.api.bucketName, Key: key }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
    } finally {
      sqs.destroy();
      s3.destroy();
    }
  }, 60_000);
});

describe('the read routes before the pipeline deployed their campaigns', () => {
  test('answer 503 NotDeployed naming the route, and still 400 for bad input', async () => {
    const notDeployed = await call(fx.api, CLIENTS.storefront, 'GET', '/recommendations?userId=user-0001');
    const bad = await call(
      fx.api,
      CLIENTS.storefront,
      'GET',
      '/recommendations?userId=user-0001&numResults=x',
    );

    expect(notDeployed.status).toBe(503);
    expect(notDeployed.body).toMatchObject({ error: 'NotDeployed' });
    expect(notDeployed.body.message).toBe(
      'route "recommendations" is served by "user-personalization", whose campaign or recommender is not deployed yet; run the pipeline',
    );
    expect(bad.status).toBe(400);
  });
});
