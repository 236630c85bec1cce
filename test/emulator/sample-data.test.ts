import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateBatchInferenceJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  DescribeBatchInferenceJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  GetSolutionMetricsCommand,
} from '@aws-sdk/client-personalize';
import {
  PutEventsCommand,
  PutItemsCommand,
  PutUsersCommand,
  InvalidInputException as EventsInvalidInput,
} from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  InvalidInputException as RuntimeInvalidInput,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize-runtime';
import {
  admin,
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
  type PreparedGroup,
  type TestEmulator,
} from './helpers';

const BUCKET = 'emulator-sample-data';

describe('the sample data end to end: import from S3, train, deploy, serve, stream events', () => {
  let t: TestEmulator;
  let group: PreparedGroup;
  let popularity: { campaignArn: string; solutionVersionArn: string };
  let sims: { campaignArn: string; solutionVersionArn: string };
  let personalization: { campaignArn: string; solutionVersionArn: string };
  let ranking: { campaignArn: string };

  beforeAll(async () => {
    t = await startTestEmulator();
    const s3 = motoS3();
    await putObjects(s3, BUCKET, {
      'data/interactions/interactions.csv': sampleCsv('interactions'),
      'data/items.csv': sampleCsv('items'),
      'data/users.csv': sampleCsv('users'),
      'batch/input.json': '{"userId":"user-0001"}\n{"userId":"user-0002"}\n',
    });
    s3.destroy();
    group = await setUpDatasetGroup(t, 'shop', {
      interactions: { schema: schemaJson('interactions'), location: `s3://${BUCKET}/data/interactions/` },
      items: { schema: schemaJson('items'), location: `s3://${BUCKET}/data/items.csv` },
      users: { schema: schemaJson('users'), location: `s3://${BUCKET}/data/users.csv` },
    });
    const train = async (name: string, recipe: string, config?: Record<string, unknown>) => {
      const version = await trainSolution(t, name, group.datasetGroupArn, recipe);
      if (version.status !== 'ACTIVE') throw new Error(`${recipe} failed: ${version.failureReason}`);
      return {
        solutionVersionArn: version.solutionVersionArn,
        campaignArn: await deployCampaign(t, `${name}-campaign`, version.solutionVersionArn, config),
      };
    };
    popularity = await train('shop-popular', 'aws-popularity-count');
    sims = await train('shop-sims', 'aws-sims');
    personalization = await train('shop-for-you', 'aws-user-personalization', {
      enableMetadataWithRecommendations: true,
    });
    ranking = await train('shop-ranking', 'aws-personalized-ranking');
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  test('the imports stored every row of the sample files', async () => {
    // Act
    const stats = await admin<{ datasets: { datasetType: string; records: number }[] }>(
      t.emulator.endpoint,
      '/_emulator/stats',
    );

    // Assess
    const lines = (name: 'interactions' | 'items' | 'users') => sampleCsv(name).trim().split('\n').length - 1;
    const count = (type: string) => stats.datasets.find((d) => d.datasetType === type)?.records;
    expect(count('INTERACTIONS')).toBe(lines('interactions'));
    expect(count('ITEMS')).toBe(lines('items'));
    expect(count('USERS')).toBe(lines('users'));
  });

  test('GetSolutionMetrics returns the offline metrics of the trained version', async () => {
    // Act
    const { metrics } = await t.control.send(
      new GetSolutionMetricsCommand({ solutionVersionArn: sims.solutionVersionArn }),
    );

    // Assess
    expect(Object.keys(metrics ?? {})).toEqual(
      expect.arrayContaining([
        'coverage',
        'mean_reciprocal_rank_at_25',
        'normalized_discounted_cumulative_gain_at_10',
        'precision_at_25',
      ]),
    );
    expect(metrics?.coverage).toBeGreaterThan(0);
  });

  test('the popularity campaign returns 25 distinct items by default, scores descending', async () => {
    // Act
    const response = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: popularity.campaignArn }),
    );

    // Assess
    const items = response.itemList ?? [];
    expect(items).toHaveLength(25);
    expect(new Set(items.map((i) => i.itemId)).size).toBe(25);
    const scores = items.map((i) => i.score ?? 0);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(response.recommendationId).toMatch(/^RID-/);
  });

  test('the SIMS campaign answers related items for an itemId, without the item itself', async () => {
    // Act
    const response = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: sims.campaignArn, itemId: 'item-0001', numResults: 10 }),
    );

    // Assess
    const ids = response.itemList?.map((i) => i.itemId) ?? [];
    expect(ids).toHaveLength(10);
    expect(ids).not.toContain('item-0001');
  });

  test('a RELATED_ITEMS campaign without itemId is InvalidInputException and an unknown campaign is 404', async () => {
    // Act
    const noItem = await t.runtime
      .send(new GetRecommendationsCommand({ campaignArn: sims.campaignArn }))
      .catch((e: unknown) => e);
    const unknown = await t.runtime
      .send(new GetRecommendationsCommand({ campaignArn: `${sims.campaignArn}-missing` }))
      .catch((e: unknown) => e);

    // Assess
    expect(noItem).toBeInstanceOf(RuntimeInvalidInput);
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect((unknown as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  test('numResults above 500 is InvalidInputException', async () => {
    // Act
    const tooMany = t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: popularity.campaignArn, numResults: 501 }),
    );

    // Assess
    await expect(tooMany).rejects.toBeInstanceOf(RuntimeInvalidInput);
  });

  test('GetPersonalizedRanking orders exactly the input list', async () => {
    // Prepare
    const inputList = ['item-0005', 'item-0010', 'item-0015', 'item-0020', 'never-seen-item'];

    // Act
    const response = await t.runtime.send(
      new GetPersonalizedRankingCommand({ campaignArn: ranking.campaignArn, userId: 'user-0001', inputList }),
    );

    // Assess
    const ranked = response.personalizedRanking?.map((i) => i.itemId) ?? [];
    expect([...ranked].sort()).toEqual([...inputList].sort());
    expect(ranked[ranked.length - 1]).toBe('never-seen-item');
  });

  test('metadataColumns returns item metadata when the campaign enables it', async () => {
    // Act
    const response = await t.runtime.send(
      new GetRecommendationsCommand({
        campaignArn: personalization.campaignArn,
        userId: 'user-0003',
        numResults: 5,
        metadataColumns: { ITEMS: ['CATEGORY_L1', 'BRAND'] },
      }),
    );

    // Assess
    const first = response.itemList?.[0];
    expect(first?.metadata).toEqual({ category_l1: expect.any(String), brand: expect.any(String) });
  });

  test('PutEvents for a user changes that user’s next recommendations without retraining', async () => {
    // Prepare
    const { eventTrackerArn, trackingId } = await t.control.send(
      new CreateEventTrackerCommand({ name: 'shop-tracker', datasetGroupArn: group.datasetGroupArn }),
    );
    await waitFor(
      () => t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (r) => r.eventTracker?.status === 'ACTIVE',
    );
    const userId = 'user-0042';
    const before = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: personalization.campaignArn, userId, numResults: 10 }),
    );
    const related = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: sims.campaignArn, itemId: 'item-0777', numResults: 3 }),
    );
    const viewed = ['item-0777', ...(related.itemList ?? []).map((i) => i.itemId ?? '')];

    // Act
    await t.events.send(
      new PutEventsCommand({
        trackingId,
        userId,
        sessionId: 'session-42',
        eventList: viewed.map((itemId, k) => ({
          eventType: 'purchase',
          itemId,
          sentAt: new Date(Date.UTC(2027, 0, 1, 0, k)),
        })),
      }),
    );
    const after = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: personalization.campaignArn, userId, numResults: 10 }),
    );

    // Assess
    const beforeIds = before.itemList?.map((i) => i.itemId);
    const afterIds = after.itemList?.map((i) => i.itemId) ?? [];
    expect(afterIds).not.toEqual(beforeIds);
    for (const id of viewed) expect(afterIds).not.toContain(id);
  });

  test('PutEvents with an unknown trackingId or more than 10 events is InvalidInputException', async () => {
    // Act
    const unknown = await t.events
      .send(
        new PutEventsCommand({
          trackingId: 'nope',
          sessionId: 's',
          eventList: [{ eventType: 'view', itemId: 'item-0001', sentAt: new Date() }],
        }),
      )
      .catch((e: unknown) => e);
    const tooMany = await t.events
      .send(
        new PutEventsCommand({
          trackingId: 'nope',
          sessionId: 's',
          eventList: Array.from({ length: 11 }, () => ({
            eventType: 'view',
            itemId: 'item-0001',
            sentAt: new Date(),
          })),
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(unknown).toBeInstanceOf(EventsInvalidInput);
    expect(tooMany).toBeInstanceOf(EventsInvalidInput);
    expect((tooMany as Error).message).toMatch(/less than or equal to 10/);
  });

  test('PutItems and PutUsers upsert records, mapping camelCase properties to schema columns', async () => {
    // Prepare
    const statsBefore = await admin<{ datasets: { datasetType: string; records: number }[] }>(
      t.emulator.endpoint,
      '/_emulator/stats',
    );
    const itemsBefore = statsBefore.datasets.find((d) => d.datasetType === 'ITEMS')?.records ?? 0;

    // Act
    await t.events.send(
      new PutItemsCommand({
        datasetArn: group.datasets.items,
        items: [
          {
            itemId: 'item-new-1',
            properties: JSON.stringify({
              categoryL1: 'toys',
              categoryL2: 'games',
              brand: 'Acme',
              price: 9.99,
              creationTimestamp: 1790000000,
            }),
          },
        ],
      }),
    );
    await t.events.send(
      new PutUsersCommand({
        datasetArn: group.datasets.users,
        users: [
          {
            userId: 'user-new-1',
            properties: JSON.stringify({ membership: 'plus', ageGroup: '25-34', region: 'west' }),
          },
        ],
      }),
    );
    const badProperty = await t.events
      .send(
        new PutItemsCommand({
          datasetArn: group.datasets.items,
          items: [{ itemId: 'item-new-2', properties: JSON.stringify({ colour: 'red' }) }],
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    const statsAfter = await admin<{ datasets: { datasetType: string; records: number }[] }>(
      t.emulator.endpoint,
      '/_emulator/stats',
    );
    expect(statsAfter.datasets.find((d) => d.datasetType === 'ITEMS')?.records).toBe(itemsBefore + 1);
    expect(badProperty).toBeInstanceOf(EventsInvalidInput);
    expect((badProperty as Error).message).toMatch(/COLOUR/);
  });

  test('a filter with a parameter applies to GetRecommendations at once', async () => {
    // Prepare
    const { filterArn } = await t.control.send(
      new CreateFilterCommand({
        name: 'no-electronics',
        datasetGroupArn: group.datasetGroupArn,
        filterExpression: 'EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)',
      }),
    );
    await waitFor(
      () => t.control.send(new DescribeFilterCommand({ filterArn })),
      (r) => r.filter?.status === 'ACTIVE',
    );

    // Act
    const response = await t.runtime.send(
      new GetRecommendationsCommand({
        campaignArn: popularity.campaignArn,
        numResults: 50,
        filterArn,
        filterValues: { CATEGORY: '"electronics"' },
      }),
    );

    // Assess
    const categories = new Map(
      sampleCsv('items')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => [line.split(',')[0], line.split(',')[1]]),
    );
    expect(response.itemList).toHaveLength(50);
    for (const item of response.itemList ?? [])
      expect(categories.get(item.itemId ?? '')).not.toBe('electronics');
  });

  test('a batch inference job writes one JSON line of recommendations per input line to S3', async () => {
    // Prepare
    const s3 = motoS3();

    // Act
    const { batchInferenceJobArn } = await t.control.send(
      new CreateBatchInferenceJobCommand({
        jobName: 'shop-batch',
        solutionVersionArn: personalization.solutionVersionArn,
        numResults: 5,
        jobInput: { s3DataSource: { path: `s3://${BUCKET}/batch/input.json` } },
        jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/batch/output/` } },
        roleArn: 'arn:aws:iam::123456789012:role/PersonalizeS3',
      }),
    );
    const done = await waitFor(
      () => t.control.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
      (r) => TERMINAL.has(r.batchInferenceJob?.status ?? ''),
    );
    const object = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'batch/output/input.json.out' }),
    );
    const lines = (await object.Body?.transformToString())
      ?.trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            input: { userId: string };
            output: { recommendedItems: string[]; scores: number[] };
          },
      );
    s3.destroy();

    // Assess
    expect(done.batchInferenceJob?.status).toBe('ACTIVE');
    expect(lines?.map((l) => l.input.userId)).toEqual(['user-0001', 'user-0002']);
    expect(lines?.[0]?.output.recommendedItems).toHaveLength(5);
    expect(lines?.[0]?.output.scores).toHaveLength(5);
  });
});
