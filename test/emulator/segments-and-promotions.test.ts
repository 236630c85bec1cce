import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  CreateBatchSegmentJobCommand,
  CreateFilterCommand,
  DescribeBatchSegmentJobCommand,
  DescribeFilterCommand,
  InvalidInputException,
} from '@aws-sdk/client-personalize';
import {
  GetRecommendationsCommand,
  InvalidInputException as RuntimeInvalidInput,
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
  type PreparedGroup,
  type TestEmulator,
} from './helpers';

const BUCKET = 'emulator-segments';
const ROLE = 'arn:aws:iam::123456789012:role/PersonalizeRole';

/** Category per item of the sample catalogue, and the users who bought in each category. */
function sampleTruth(): { categoryOf: Map<string, string>; membershipOf: Map<string, string> } {
  const categoryOf = new Map(
    sampleCsv('items')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',') as [string, string]),
  );
  const membershipOf = new Map(
    sampleCsv('users')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',') as [string, string]),
  );
  return { categoryOf, membershipOf };
}

describe('USER_SEGMENTATION recipes, legacy HRNN and promotions through the unmodified SDK', () => {
  let t: TestEmulator;
  let group: PreparedGroup;
  let itemAffinity: string;
  let attributeAffinity: string;
  let hrnnCampaign: string;
  let premiumOnly: string;
  let toys: string;
  const s3 = motoS3();
  const { categoryOf, membershipOf } = sampleTruth();

  const filter = async (name: string, filterExpression: string): Promise<string> => {
    const { filterArn = '' } = await t.control.send(
      new CreateFilterCommand({ name, datasetGroupArn: group.datasetGroupArn, filterExpression }),
    );
    await waitFor(
      () => t.control.send(new DescribeFilterCommand({ filterArn })),
      (r) => r.filter?.status === 'ACTIVE',
    );
    return filterArn;
  };

  const runSegmentJob = async (
    jobName: string,
    solutionVersionArn: string,
    input: string,
    extra: { filterArn?: string; numResults?: number } = {},
  ) => {
    await putObjects(s3, BUCKET, { [`segments/${jobName}/input.json`]: input });
    const { batchSegmentJobArn = '' } = await t.control.send(
      new CreateBatchSegmentJobCommand({
        jobName,
        solutionVersionArn,
        roleArn: ROLE,
        jobInput: { s3DataSource: { path: `s3://${BUCKET}/segments/${jobName}/input.json` } },
        jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/segments/${jobName}/output/` } },
        ...extra,
      }),
    );
    const done = await waitFor(
      () => t.control.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn })),
      (r) => TERMINAL.has(r.batchSegmentJob?.status ?? ''),
      60_000,
    );
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `segments/${jobName}/output/` }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
    const lines =
      keys.length === 0
        ? []
        : ((
            await (
              await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[0] }))
            ).Body?.transformToString()
          )
            ?.trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>) ?? []);
    return { job: done.batchSegmentJob, keys, lines };
  };

  beforeAll(async () => {
    t = await startTestEmulator();
    await putObjects(s3, BUCKET, {
      'data/interactions.csv': sampleCsv('interactions'),
      'data/items.csv': sampleCsv('items'),
      'data/users.csv': sampleCsv('users'),
    });
    group = await setUpDatasetGroup(t, 'segments', {
      interactions: { schema: schemaJson('interactions'), location: `s3://${BUCKET}/data/interactions.csv` },
      items: { schema: schemaJson('items'), location: `s3://${BUCKET}/data/items.csv` },
      users: { schema: schemaJson('users'), location: `s3://${BUCKET}/data/users.csv` },
    });
    const train = async (name: string, recipe: string): Promise<string> => {
      const version = await trainSolution(t, name, group.datasetGroupArn, recipe);
      if (version.status !== 'ACTIVE') throw new Error(`${recipe} failed: ${version.failureReason}`);
      return version.solutionVersionArn;
    };
    itemAffinity = await train('affinity', 'aws-item-affinity');
    attributeAffinity = await train('attribute-affinity', 'aws-item-attribute-affinity');
    hrnnCampaign = await deployCampaign(t, 'hrnn-campaign', await train('hrnn', 'aws-hrnn'));
    premiumOnly = await filter('premium-only', 'INCLUDE UserID WHERE Users.MEMBERSHIP IN ($TIER)');
    toys = await filter('toys', 'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("toys")');
  }, 240_000);
  afterAll(async () => {
    s3.destroy();
    await t.close();
  });

  test('an item-affinity batch segment job writes input.json.out with numResults users per item', async () => {
    // Act
    const { job, keys, lines } = await runSegmentJob(
      'item-affinity',
      itemAffinity,
      '{"itemId":"item-0104"}\n{"itemId":"item-0426"}\n{"itemId":"no-such-item"}\n',
      { numResults: 50 },
    );

    // Assess
    expect(job?.status).toBe('ACTIVE');
    expect(keys).toEqual(['segments/item-affinity/output/input.json.out']);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ input: { itemId: 'item-0104' }, error: null });
    const users = (lines[0]?.output as { recommendedUsers: string[] }).recommendedUsers;
    expect(users).toHaveLength(50);
    expect(new Set(users).size).toBe(50);
    expect(lines[2]).toMatchObject({ input: { itemId: 'no-such-item' }, output: { recommendedUsers: [] } });
  });

  test('an item-attribute-affinity job answers each expression, and a line with an unknown column carries an error', async () => {
    // Act
    const { job, lines } = await runSegmentJob(
      'attribute-affinity',
      attributeAffinity,
      '{"itemAttributes":"ITEMS.CATEGORY_L1 = \\"toys\\""}\n{"itemAttributes":"ITEMS.COLOUR = \\"red\\""}\n',
      { numResults: 20 },
    );

    // Assess
    expect(job?.status).toBe('ACTIVE');
    expect(lines[0]).toMatchObject({ itemAttributes: 'ITEMS.CATEGORY_L1 = "toys"', error: null });
    expect((lines[0]?.output as { recommendedUsers: string[] }).recommendedUsers).toHaveLength(20);
    expect(lines[1]).toMatchObject({ output: null, error: expect.stringMatching(/no column COLOUR/) });
  });

  test('the job filter on users keeps only users the filter includes, with filterValues from the line', async () => {
    // Act
    const { job, lines } = await runSegmentJob(
      'premium',
      itemAffinity,
      '{"itemId":"item-0104","filterValues":{"TIER":"\\"premium\\""}}\n',
      { filterArn: premiumOnly, numResults: 30 },
    );

    // Assess
    expect(job?.status).toBe('ACTIVE');
    const users = (lines[0]?.output as { recommendedUsers: string[] }).recommendedUsers;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => membershipOf.get(u) === 'premium')).toBe(true);
  });

  test('an item filter on a segment job fails the job with a reason', async () => {
    // Act
    const { job } = await runSegmentJob('item-filter', itemAffinity, '{"itemId":"item-0104"}\n', {
      filterArn: toys,
    });

    // Assess
    expect(job?.status).toBe('CREATE FAILED');
    expect(job?.failureReason).toMatch(/filters on users/);
  });

  test('a batch segment job on a USER_PERSONALIZATION version is InvalidInputException', async () => {
    const { DescribeCampaignCommand } = await import('@aws-sdk/client-personalize');
    const { campaign } = await t.control.send(new DescribeCampaignCommand({ campaignArn: hrnnCampaign }));

    // Act
    const attempt = t.control.send(
      new CreateBatchSegmentJobCommand({
        jobName: 'wrong-recipe',
        solutionVersionArn: campaign?.solutionVersionArn,
        roleArn: ROLE,
        jobInput: { s3DataSource: { path: `s3://${BUCKET}/x.json` } },
        jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/out/` } },
      }),
    );

    // Assess
    await expect(attempt).rejects.toThrow(InvalidInputException);
  });

  test('a campaign of a legacy aws-hrnn version answers GetRecommendations', async () => {
    // Act
    const response = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: hrnnCampaign, userId: 'user-0001', numResults: 10 }),
    );

    // Assess
    expect(response.itemList).toHaveLength(10);
  });

  test('a promotion puts its share of filter-defined items into the list, each with promotionName', async () => {
    // Act
    const request = {
      campaignArn: hrnnCampaign,
      userId: 'user-0001',
      numResults: 10,
      promotions: [{ name: 'toy-week', percentPromotedItems: 30, filterArn: toys }],
    };
    const response = await t.runtime.send(new GetRecommendationsCommand(request));
    const again = await t.runtime.send(new GetRecommendationsCommand(request));

    // Assess
    const items = response.itemList ?? [];
    expect(items).toHaveLength(10);
    expect(new Set(items.map((i) => i.itemId)).size).toBe(10);
    const promoted = items.filter((i) => i.promotionName === 'toy-week');
    expect(promoted).toHaveLength(3);
    expect(promoted.every((i) => categoryOf.get(i.itemId ?? '') === 'toys')).toBe(true);
    const promotedScores = promoted.map((i) => i.score ?? 0);
    expect([...promotedScores].sort((a, b) => b - a)).toEqual(promotedScores);
    expect(again.itemList?.map((i) => i.itemId)).toEqual(items.map((i) => i.itemId));
  });

  test('a promotion of 100 % fills the list from the filter; without promotions no item has promotionName', async () => {
    // Act
    const all = await t.runtime.send(
      new GetRecommendationsCommand({
        campaignArn: hrnnCampaign,
        userId: 'user-0002',
        numResults: 5,
        promotions: [{ name: 'all-toys', percentPromotedItems: 100, filterArn: toys }],
      }),
    );
    const plain = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn: hrnnCampaign, userId: 'user-0002', numResults: 5 }),
    );

    // Assess
    expect(all.itemList?.every((i) => i.promotionName === 'all-toys')).toBe(true);
    expect(all.itemList?.every((i) => categoryOf.get(i.itemId ?? '') === 'toys')).toBe(true);
    expect(plain.itemList?.some((i) => i.promotionName !== undefined)).toBe(false);
  });

  test('a promotion without a filterArn or with percentPromotedItems over 100 is InvalidInputException', async () => {
    // Act
    const noFilter = t.runtime.send(
      new GetRecommendationsCommand({
        campaignArn: hrnnCampaign,
        userId: 'user-0001',
        promotions: [{ name: 'p', percentPromotedItems: 10 }],
      }),
    );
    const tooMuch = t.runtime.send(
      new GetRecommendationsCommand({
        campaignArn: hrnnCampaign,
        userId: 'user-0001',
        promotions: [{ name: 'p', percentPromotedItems: 101, filterArn: toys }],
      }),
    );

    // Assess
    await expect(noFilter).rejects.toThrow(RuntimeInvalidInput);
    await expect(tooMuch).rejects.toThrow(RuntimeInvalidInput);
  });
});
