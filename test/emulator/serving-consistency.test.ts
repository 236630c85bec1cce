import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateBatchInferenceJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  DescribeBatchInferenceJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
} from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
} from '@aws-sdk/client-personalize-runtime';
import {
  deployCampaign,
  motoS3,
  putObjects,
  sampleCsv,
  schemaJson,
  setUpDatasetGroup,
  startTestEmulator,
  TERMINAL,
  trainSolution,
  waitFor,
  type TestEmulator,
} from './helpers';

/**
 * Batch inference jobs and the runtime API answer through one serving path: for the same user in the
 * same state (the same model, the same real-time events with their event types, the same filter and
 * filter values) a batch job writes the list a real-time call returns.
 */

const USER = 'user-0001';

/** An emulator with the sample data imported, one trained recipe deployed and an event tracker. */
interface ServedShop {
  readonly t: TestEmulator;
  readonly bucket: string;
  readonly datasetGroupArn: string;
  readonly solutionVersionArn: string;
  readonly campaignArn: string;
  readonly trackingId: string;
}

async function serveSampleShop(name: string, recipe: string): Promise<ServedShop> {
  const t = await startTestEmulator();
  const bucket = `emulator-${name}`;
  const s3 = motoS3();
  await putObjects(s3, bucket, {
    'data/interactions.csv': sampleCsv('interactions'),
    'data/items.csv': sampleCsv('items'),
    'data/users.csv': sampleCsv('users'),
  });
  s3.destroy();
  const { datasetGroupArn } = await setUpDatasetGroup(t, name, {
    interactions: { schema: schemaJson('interactions'), location: `s3://${bucket}/data/interactions.csv` },
    items: { schema: schemaJson('items'), location: `s3://${bucket}/data/items.csv` },
    users: { schema: schemaJson('users'), location: `s3://${bucket}/data/users.csv` },
  });
  const version = await trainSolution(t, `${name}-solution`, datasetGroupArn, recipe);
  if (version.status !== 'ACTIVE') throw new Error(`${recipe} failed: ${version.failureReason}`);
  const campaignArn = await deployCampaign(t, `${name}-campaign`, version.solutionVersionArn);
  const { eventTrackerArn } = await t.control.send(
    new CreateEventTrackerCommand({ name: `${name}-tracker`, datasetGroupArn }),
  );
  const tracker = await waitFor(
    () => t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
    (r) => r.eventTracker?.status === 'ACTIVE',
  );
  return {
    t,
    bucket,
    datasetGroupArn,
    solutionVersionArn: version.solutionVersionArn,
    campaignArn,
    trackingId: tracker.eventTracker?.trackingId ?? '',
  };
}

/**
 * Streams a short session for the user after training: views, a cart and a purchase of catalogue
 * items. The event types matter: the repeat model scores a seen item by the type of its latest event.
 */
async function streamSession(shop: ServedShop): Promise<void> {
  const sentAt = new Date();
  const events: [string, string][] = [
    ['item-0101', 'view'],
    ['item-0102', 'view'],
    ['item-0101', 'cart'],
    ['item-0103', 'purchase'],
    ['item-0104', 'view'],
  ];
  await shop.t.events.send(
    new PutEventsCommand({
      trackingId: shop.trackingId,
      userId: USER,
      sessionId: `${USER}-session`,
      eventList: events.map(([itemId, eventType], i) => ({
        itemId,
        eventType,
        sentAt: new Date(sentAt.getTime() + i * 1000),
      })),
    }),
  );
}

/** One line of a batch inference job's output. */
interface BatchLine {
  readonly output: { readonly recommendedItems: string[]; readonly scores: number[] } | null;
  readonly error: string | null;
}

/** Runs a batch inference job over the given input lines and returns its output lines. */
async function runBatchJob(
  shop: ServedShop,
  lines: readonly Record<string, unknown>[],
  options: { numResults?: number; filterArn?: string } = {},
): Promise<BatchLine[]> {
  const s3 = motoS3();
  await putObjects(s3, shop.bucket, {
    'batch/input.json': lines.map((line) => JSON.stringify(line)).join('\n'),
  });
  const { batchInferenceJobArn } = await shop.t.control.send(
    new CreateBatchInferenceJobCommand({
      jobName: 'same-state-batch',
      solutionVersionArn: shop.solutionVersionArn,
      ...options,
      jobInput: { s3DataSource: { path: `s3://${shop.bucket}/batch/input.json` } },
      jobOutput: { s3DataDestination: { path: `s3://${shop.bucket}/batch/output/` } },
      roleArn: 'arn:aws:iam::123456789012:role/PersonalizeS3',
    }),
  );
  const done = await waitFor(
    () => shop.t.control.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
    (r) => TERMINAL.has(r.batchInferenceJob?.status ?? ''),
  );
  if (done.batchInferenceJob?.status !== 'ACTIVE')
    throw new Error(`batch job failed: ${done.batchInferenceJob?.failureReason}`);
  const object = await s3.send(
    new GetObjectCommand({ Bucket: shop.bucket, Key: 'batch/output/input.json.out' }),
  );
  const text = (await object.Body?.transformToString()) ?? '';
  s3.destroy();
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as BatchLine);
}

describe('batch inference and the runtime API answer through one serving path', () => {
  test('a batch job and GetRecommendations return the same list for a user with real-time events', async () => {
    // Prepare
    const shop = await serveSampleShop('same-list', 'aws-user-personalization');
    try {
      await streamSession(shop);

      // Act
      const [line] = await runBatchJob(shop, [{ userId: USER }], { numResults: 25 });
      const realTime = await shop.t.runtime.send(
        new GetRecommendationsCommand({ campaignArn: shop.campaignArn, userId: USER, numResults: 25 }),
      );

      // Assess
      expect(line?.error).toBeNull();
      expect(line?.output?.recommendedItems).toHaveLength(25);
      expect(line?.output?.recommendedItems).toEqual(realTime.itemList?.map((item) => item.itemId));
      expect(line?.output?.scores).toEqual(realTime.itemList?.map((item) => item.score));
    } finally {
      await shop.t.close();
    }
  }, 120_000);

  test('a batch job and GetRecommendations return the same list through a filter with values', async () => {
    // Prepare
    const shop = await serveSampleShop('same-filtered', 'aws-user-personalization');
    try {
      const { filterArn } = await shop.t.control.send(
        new CreateFilterCommand({
          name: 'same-filtered-filter',
          datasetGroupArn: shop.datasetGroupArn,
          filterExpression:
            'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase") | EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)',
        }),
      );
      await waitFor(
        () => shop.t.control.send(new DescribeFilterCommand({ filterArn })),
        (r) => r.filter?.status === 'ACTIVE',
      );
      await streamSession(shop);
      const filterValues = { CATEGORY: '"electronics"' };

      // Act
      const [line] = await runBatchJob(shop, [{ userId: USER, filterValues }], { numResults: 25, filterArn });
      const realTime = await shop.t.runtime.send(
        new GetRecommendationsCommand({
          campaignArn: shop.campaignArn,
          userId: USER,
          numResults: 25,
          filterArn,
          filterValues,
        }),
      );

      // Assess
      const categories = new Map(
        sampleCsv('items')
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => [row.split(',')[0], row.split(',')[1]]),
      );
      expect(line?.error).toBeNull();
      expect(line?.output?.recommendedItems).toHaveLength(25);
      expect(line?.output?.recommendedItems).toEqual(realTime.itemList?.map((item) => item.itemId));
      expect(line?.output?.scores).toEqual(realTime.itemList?.map((item) => item.score));
      expect(line?.output?.recommendedItems).not.toContain('item-0103');
      for (const itemId of line?.output?.recommendedItems ?? [])
        expect(categories.get(itemId)).not.toBe('electronics');
    } finally {
      await shop.t.close();
    }
  }, 120_000);

  test('a batch job and GetPersonalizedRanking rank an input list in the same order for a user with real-time events', async () => {
    // Prepare
    const shop = await serveSampleShop('same-ranking', 'aws-personalized-ranking');
    try {
      await streamSession(shop);
      const inputList = Array.from({ length: 20 }, (_, i) => `item-0${String(100 + i)}`);

      // Act
      const [line] = await runBatchJob(shop, [{ userId: USER, itemList: inputList }]);
      const realTime = await shop.t.runtime.send(
        new GetPersonalizedRankingCommand({ campaignArn: shop.campaignArn, userId: USER, inputList }),
      );

      // Assess
      expect(line?.error).toBeNull();
      expect(line?.output?.recommendedItems).toHaveLength(inputList.length);
      expect(line?.output?.recommendedItems).toEqual(
        realTime.personalizedRanking?.map((item) => item.itemId),
      );
      expect(line?.output?.scores).toEqual(realTime.personalizedRanking?.map((item) => item.score));
    } finally {
      await shop.t.close();
    }
  }, 120_000);
});
