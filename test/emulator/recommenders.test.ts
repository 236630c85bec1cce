import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateRecommenderCommand,
  CreateSchemaCommand,
  DeleteRecommenderCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeRecommenderCommand,
  InvalidInputException,
  InvalidNextTokenException,
  LimitExceededException,
  ListRecipesCommand,
  ListRecommendersCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
  StartRecommenderCommand,
  StopRecommenderCommand,
  UpdateRecommenderCommand,
  type Recommender,
} from '@aws-sdk/client-personalize';
import {
  GetRecommendationsCommand,
  ResourceNotFoundException as RuntimeResourceNotFoundException,
  InvalidInputException as RuntimeInvalidInputException,
} from '@aws-sdk/client-personalize-runtime';
import {
  motoS3,
  putObjects,
  setUpDatasetGroup,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  syntheticInteractions,
  waitFor,
  type TestEmulator,
} from './helpers';

const BUCKET = 'emulator-recommenders';
const RECIPE = 'arn:aws:personalize:::recipe/';
const USERS = 80;
const ITEMS = 60;
const T0 = 1_700_000_000;

function schema(name: string, fields: Record<string, unknown>[]): string {
  return JSON.stringify({
    type: 'record',
    name,
    namespace: 'com.amazonaws.personalize.schema',
    fields,
    version: '1.0',
  });
}

const INTERACTIONS = schema('Interactions', [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: 'string' },
]);
const ECOMMERCE_ITEMS = schema('Items', [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'PRICE', type: 'float' },
  { name: 'CATEGORY_L1', type: 'string', categorical: true },
]);
const VOD_ITEMS = schema('Items', [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'GENRES', type: 'string', categorical: true },
  { name: 'CREATION_TIMESTAMP', type: 'long' },
]);

/**
 * A shop: every user views i59 (the most viewed item) and 19 others, buys i0 (the best seller), buys
 * i10 with i11 (even users) or i20 with i21 (odd users), and 12 others: 1600 View and 1200 Purchase
 * events. `viewType` / `purchaseType` spell the event types (no purchases when `purchaseType` is empty).
 */
function shopInteractions(viewType = 'View', purchaseType = 'Purchase'): string {
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  let t = T0;
  const add = (u: number, item: number, type: string): void => {
    lines.push(`u${u},i${item},${t},${type}`);
    t += 30;
  };
  for (let u = 0; u < USERS; u += 1) {
    add(u, 59, viewType);
    for (let k = 0; k < 19; k += 1) add(u, (u * 3 + k * 7) % 58, viewType);
    if (!purchaseType) continue;
    add(u, 0, purchaseType);
    for (const item of u % 2 === 0 ? [10, 11] : [20, 21]) add(u, item, purchaseType);
    for (let k = 0; k < 12; k += 1) add(u, 30 + ((u + k * 5) % 28), purchaseType);
  }
  return `${lines.join('\n')}\n`;
}

/** Viewers: 80 users each watch 14 videos (w0 by everyone) and click 6: 1120 Watch events. */
function vodInteractions(): string {
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  let t = T0;
  for (let u = 0; u < USERS; u += 1) {
    lines.push(`u${u},i0,${t},Watch`);
    t += 30;
    for (let k = 0; k < 13; k += 1) {
      lines.push(`u${u},i${1 + ((u * 5 + k * 3) % (ITEMS - 1))},${t},Watch`);
      t += 30;
    }
    for (let k = 0; k < 6; k += 1) {
      lines.push(`u${u},i${1 + ((u + k * 11) % (ITEMS - 1))},${t},Click`);
      t += 30;
    }
  }
  return `${lines.join('\n')}\n`;
}

function shopItems(): string {
  const lines = ['ITEM_ID,PRICE,CATEGORY_L1'];
  for (let i = 0; i < ITEMS; i += 1) lines.push(`i${i},${(10 + i).toFixed(2)},c${i % 4}`);
  return `${lines.join('\n')}\n`;
}

function vodItems(): string {
  const lines = ['ITEM_ID,GENRES,CREATION_TIMESTAMP'];
  const genres = ['Comedy', 'Drama', 'Action|Thriller'];
  for (let i = 0; i < ITEMS; i += 1) lines.push(`i${i},${genres[i % 3]},${T0 - i * 3600}`);
  return `${lines.join('\n')}\n`;
}

const ROLE = 'arn:aws:iam::123456789012:role/PersonalizeS3';

/** Creates a domain dataset group with Interactions and Items datasets imported from S3. */
async function domainGroup(
  t: TestEmulator,
  name: string,
  domain: 'ECOMMERCE' | 'VIDEO_ON_DEMAND',
  files: { interactions: string; items: string },
): Promise<string> {
  const { datasetGroupArn = '' } = await t.control.send(new CreateDatasetGroupCommand({ name, domain }));
  await waitFor(
    () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => r.datasetGroup?.status === 'ACTIVE',
  );
  const sources = [
    ['Interactions', INTERACTIONS, files.interactions],
    ['Items', domain === 'ECOMMERCE' ? ECOMMERCE_ITEMS : VOD_ITEMS, files.items],
  ] as const;
  for (const [type, text, key] of sources) {
    const { schemaArn } = await t.control.send(
      new CreateSchemaCommand({ name: `${name}-${type}`, schema: text, domain }),
    );
    const { datasetArn = '' } = await t.control.send(
      new CreateDatasetCommand({ name: `${name}-${type}`, datasetGroupArn, schemaArn, datasetType: type }),
    );
    await waitFor(
      () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );
    const { datasetImportJobArn } = await t.control.send(
      new CreateDatasetImportJobCommand({
        jobName: `${name}-${type}`,
        datasetArn,
        dataSource: { dataLocation: `s3://${BUCKET}/${key}` },
        roleArn: ROLE,
      }),
    );
    const job = await waitFor(
      () => t.control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
      (r) => ['ACTIVE', 'CREATE FAILED'].includes(r.datasetImportJob?.status ?? ''),
    );
    if (job.datasetImportJob?.status !== 'ACTIVE')
      throw new Error(`import failed: ${job.datasetImportJob?.failureReason}`);
  }
  return datasetGroupArn;
}

async function describe_(t: TestEmulator, recommenderArn: string): Promise<Recommender> {
  const { recommender } = await t.control.send(new DescribeRecommenderCommand({ recommenderArn }));
  if (!recommender) throw new Error(`no recommender ${recommenderArn}`);
  return recommender;
}

/** Polls a recommender and returns every status it showed until `last`, in order. */
async function statusesUntil(t: TestEmulator, recommenderArn: string, last: string): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => (await describe_(t, recommenderArn)).status ?? '',
    (status) => {
      if (seen[seen.length - 1] !== status) seen.push(status);
      return status === last || status === 'CREATE FAILED';
    },
    60_000,
  );
  return seen;
}

async function failure(promise: Promise<unknown>): Promise<Error & { message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('recommenders of domain dataset groups', () => {
  let t: TestEmulator;
  let shop: string;
  let videos: string;
  let viewsOnly: string;
  let lowerCase: string;
  let custom: string;
  /** Groups like `shop` for the lifecycle tests, so `shop` keeps room for its five use cases. */
  let ops1: string;
  let ops2: string;
  const created = new Map<string, Promise<string>>();

  /** Creates (once) a recommender of a use case in a group and waits until it is ACTIVE. */
  function recommender(groupArn: string, useCase: string, name = `${useCase}-r`): Promise<string> {
    const key = `${groupArn} ${name}`;
    let arn = created.get(key);
    if (!arn) {
      arn = (async () => {
        const { recommenderArn = '' } = await t.control.send(
          new CreateRecommenderCommand({
            name,
            datasetGroupArn: groupArn,
            recipeArn: `${RECIPE}${useCase}`,
            recommenderConfig: { enableMetadataWithRecommendations: true },
          }),
        );
        const statuses = await statusesUntil(t, recommenderArn, 'ACTIVE');
        if (statuses[statuses.length - 1] !== 'ACTIVE')
          throw new Error(`${useCase}: ${(await describe_(t, recommenderArn)).failureReason}`);
        return recommenderArn;
      })();
      created.set(key, arn);
    }
    return arn;
  }

  async function recommend(
    recommenderArn: string,
    request: { userId?: string; itemId?: string; numResults?: number },
  ): Promise<string[]> {
    const { itemList = [] } = await t.runtime.send(
      new GetRecommendationsCommand({ recommenderArn, numResults: 10, ...request }),
    );
    return itemList.map((item) => item.itemId ?? '');
  }

  beforeAll(async () => {
    t = await startTestEmulator({
      delays: {
        default: { pendingMs: 0, inProgressMs: 0 },
        recommender: { pendingMs: 100, inProgressMs: 100 },
      },
      quotas: { datasetGroups: 10 },
    });
    const s3 = motoS3();
    await putObjects(s3, BUCKET, {
      'shop.csv': shopInteractions(),
      'shop-items.csv': shopItems(),
      'views-only.csv': shopInteractions('View', ''),
      'lower-case.csv': shopInteractions('view', 'purchase'),
      'vod.csv': vodInteractions(),
      'vod-items.csv': vodItems(),
      'custom.csv': syntheticInteractions(),
    });
    s3.destroy();
    shop = await domainGroup(t, 'shop', 'ECOMMERCE', { interactions: 'shop.csv', items: 'shop-items.csv' });
    videos = await domainGroup(t, 'videos', 'VIDEO_ON_DEMAND', {
      interactions: 'vod.csv',
      items: 'vod-items.csv',
    });
    viewsOnly = await domainGroup(t, 'views-only', 'ECOMMERCE', {
      interactions: 'views-only.csv',
      items: 'shop-items.csv',
    });
    lowerCase = await domainGroup(t, 'lower-case', 'ECOMMERCE', {
      interactions: 'lower-case.csv',
      items: 'shop-items.csv',
    });
    ops1 = await domainGroup(t, 'ops1', 'ECOMMERCE', { interactions: 'shop.csv', items: 'shop-items.csv' });
    ops2 = await domainGroup(t, 'ops2', 'ECOMMERCE', { interactions: 'shop.csv', items: 'shop-items.csv' });
    custom = (
      await setUpDatasetGroup(t, 'custom', {
        interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/custom.csv` },
      })
    ).datasetGroupArn;
  });
  afterAll(async () => {
    await t.close();
  });

  test('ListRecipes with a domain lists its five use cases', async () => {
    // Act
    const ecommerce = await t.control.send(new ListRecipesCommand({ domain: 'ECOMMERCE' }));
    const vod = await t.control.send(new ListRecipesCommand({ domain: 'VIDEO_ON_DEMAND' }));

    // Assess
    expect(ecommerce.recipes?.map((r) => r.name).sort()).toEqual([
      'aws-ecomm-customers-who-viewed-x-also-viewed',
      'aws-ecomm-frequently-bought-together',
      'aws-ecomm-popular-items-by-purchases',
      'aws-ecomm-popular-items-by-views',
      'aws-ecomm-recommended-for-you',
    ]);
    expect(vod.recipes?.map((r) => r.name).sort()).toEqual([
      'aws-vod-because-you-watched-x',
      'aws-vod-more-like-x',
      'aws-vod-most-popular',
      'aws-vod-top-picks',
      'aws-vod-trending-now',
    ]);
  });

  test('a recommender goes CREATE PENDING → CREATE IN_PROGRESS → ACTIVE and then shows modelMetrics', async () => {
    // Act
    const { recommenderArn = '' } = await t.control.send(
      new CreateRecommenderCommand({
        name: 'lifecycle-create',
        datasetGroupArn: ops1,
        recipeArn: `${RECIPE}aws-ecomm-popular-items-by-views`,
      }),
    );
    const statuses = await statusesUntil(t, recommenderArn, 'ACTIVE');
    const active = await describe_(t, recommenderArn);
    await t.control.send(new DeleteRecommenderCommand({ recommenderArn }));

    // Assess
    expect(recommenderArn).toBe('arn:aws:personalize:us-east-1:123456789012:recommender/lifecycle-create');
    expect(statuses).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    expect(active.recipeArn).toBe(`${RECIPE}aws-ecomm-popular-items-by-views`);
    expect(active.datasetGroupArn).toBe(ops1);
    expect(active.recommenderConfig?.minRecommendationRequestsPerSecond).toBe(1);
    expect(Object.keys(active.modelMetrics ?? {})).toContain('coverage');
  });

  test('best sellers, most viewed, frequently bought together, also viewed and recommended for you answer from their events', async () => {
    // Prepare
    const bestSellers = await recommender(shop, 'aws-ecomm-popular-items-by-purchases');
    const mostViewed = await recommender(shop, 'aws-ecomm-popular-items-by-views');
    const boughtTogether = await recommender(shop, 'aws-ecomm-frequently-bought-together');
    const alsoViewed = await recommender(shop, 'aws-ecomm-customers-who-viewed-x-also-viewed');
    const forYou = await recommender(shop, 'aws-ecomm-recommended-for-you');

    // Act
    const sellers = await recommend(bestSellers, { userId: 'u1' });
    const viewed = await recommend(mostViewed, { userId: 'u1' });
    const together = await recommend(boughtTogether, { itemId: 'i10' });
    const also = await recommend(alsoViewed, { userId: 'u2', itemId: 'i3' });
    const picks = await recommend(forYou, { userId: 'u2', numResults: 50 });

    // Assess
    expect(sellers[0]).toBe('i0');
    expect(viewed[0]).toBe('i59');
    expect(together.slice(0, 3)).toContain('i11');
    expect(also.length).toBeGreaterThan(0);
    expect(picks.length).toBeGreaterThan(0);
    // The automatic filter: items u2 purchased are not recommended to u2.
    for (const purchased of ['i0', 'i10', 'i11']) {
      expect(also).not.toContain(purchased);
      expect(picks).not.toContain(purchased);
    }
  });

  test('every VIDEO_ON_DEMAND use case is created on a VIDEO_ON_DEMAND group with Watch events and answers GetRecommendations', async () => {
    // Prepare
    const arns = {
      because: await recommender(videos, 'aws-vod-because-you-watched-x'),
      moreLike: await recommender(videos, 'aws-vod-more-like-x'),
      popular: await recommender(videos, 'aws-vod-most-popular'),
      trending: await recommender(videos, 'aws-vod-trending-now'),
      topPicks: await recommender(videos, 'aws-vod-top-picks'),
    };

    // Act
    const because = await recommend(arns.because, { userId: 'u3', itemId: 'i5' });
    const moreLike = await recommend(arns.moreLike, { userId: 'u3', itemId: 'i5' });
    const popular = await recommend(arns.popular, { userId: 'u3' });
    const trending = await recommend(arns.trending, {});
    const topPicks = await recommend(arns.topPicks, { userId: 'u3' });

    // Assess
    expect(popular[0]).toBe('i0');
    for (const list of [because, moreLike, trending, topPicks]) expect(list.length).toBeGreaterThan(0);
    // Videos u3 watched (i0 by everyone) are filtered out of the user's lists.
    for (const list of [because, moreLike, topPicks]) expect(list).not.toContain('i0');
  });

  test('GetRecommendations returns item metadata when the recommender enables it', async () => {
    // Prepare
    const bestSellers = await recommender(shop, 'aws-ecomm-popular-items-by-purchases');

    // Act
    const { itemList = [], recommendationId } = await t.runtime.send(
      new GetRecommendationsCommand({
        recommenderArn: bestSellers,
        userId: 'u1',
        numResults: 3,
        metadataColumns: { ITEMS: ['PRICE', 'CATEGORY_L1'] },
      }),
    );

    // Assess
    expect(itemList[0]).toMatchObject({ itemId: 'i0', metadata: { price: '10', category_l1: 'c0' } });
    expect(recommendationId).toMatch(/^RID-[0-9a-f]{8}-/);
  });

  test('StopRecommender goes STOP PENDING → STOP IN_PROGRESS → INACTIVE, and StartRecommender back to ACTIVE', async () => {
    // Prepare
    const arn = await recommender(ops1, 'aws-ecomm-popular-items-by-views', 'stop-start');

    // Act
    const stopped = await t.control.send(new StopRecommenderCommand({ recommenderArn: arn }));
    const stopping = await statusesUntil(t, arn, 'INACTIVE');
    const whileInactive = await failure(
      t.runtime.send(new GetRecommendationsCommand({ recommenderArn: arn, userId: 'u1' })),
    );
    const stopAgain = await failure(t.control.send(new StopRecommenderCommand({ recommenderArn: arn })));
    await t.control.send(new StartRecommenderCommand({ recommenderArn: arn }));
    const starting = await statusesUntil(t, arn, 'ACTIVE');
    const startAgain = await failure(t.control.send(new StartRecommenderCommand({ recommenderArn: arn })));
    const answer = await recommend(arn, { userId: 'u1' });

    // Assess
    expect(stopped.recommenderArn).toBe(arn);
    expect(stopping).toEqual(['STOP PENDING', 'STOP IN_PROGRESS', 'INACTIVE']);
    expect(whileInactive).toBeInstanceOf(RuntimeResourceNotFoundException);
    expect(stopAgain).toBeInstanceOf(ResourceInUseException);
    expect(starting).toEqual(['START PENDING', 'START IN_PROGRESS', 'ACTIVE']);
    expect(startAgain).toBeInstanceOf(ResourceInUseException);
    expect(answer[0]).toBe('i59');
  });

  test('UpdateRecommender retrains while the old model serves, then shows the new config and latestRecommenderUpdate', async () => {
    // Prepare
    const arn = await recommender(ops1, 'aws-ecomm-popular-items-by-views', 'update-me');

    // Act
    await t.control.send(
      new UpdateRecommenderCommand({
        recommenderArn: arn,
        recommenderConfig: { minRecommendationRequestsPerSecond: 3 },
      }),
    );
    const during = await describe_(t, arn);
    const servedDuring = await recommend(arn, { userId: 'u1' });
    const second = await failure(
      t.control.send(
        new UpdateRecommenderCommand({
          recommenderArn: arn,
          recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
        }),
      ),
    );
    const done = await waitFor(
      () => describe_(t, arn),
      (r) => r.latestRecommenderUpdate?.status === 'ACTIVE',
    );

    // Assess
    expect(during.status).toBe('ACTIVE');
    expect(during.latestRecommenderUpdate?.status).toMatch(/^CREATE /);
    expect(servedDuring[0]).toBe('i59');
    expect(second).toBeInstanceOf(ResourceInUseException);
    expect(done.recommenderConfig?.minRecommendationRequestsPerSecond).toBe(3);
    expect(done.latestRecommenderUpdate?.recommenderConfig?.minRecommendationRequestsPerSecond).toBe(3);
    expect(await recommend(arn, { userId: 'u1' })).toContain('i59');
  });

  test('DeleteRecommender goes DELETE PENDING → DELETE IN_PROGRESS → gone, and refuses a recommender still being created', async () => {
    // Prepare
    const arn = await recommender(ops2, 'aws-ecomm-popular-items-by-views', 'delete-me');
    const { recommenderArn: young = '' } = await t.control.send(
      new CreateRecommenderCommand({
        name: 'too-young',
        datasetGroupArn: ops2,
        recipeArn: `${RECIPE}aws-ecomm-popular-items-by-views`,
      }),
    );

    // Act
    const tooYoung = await failure(t.control.send(new DeleteRecommenderCommand({ recommenderArn: young })));
    await t.control.send(new DeleteRecommenderCommand({ recommenderArn: arn }));
    const seen: string[] = [];
    const gone = await waitFor(
      () =>
        describe_(t, arn).then(
          (r) => r.status ?? '',
          (error: Error) => error.name,
        ),
      (status) => {
        if (seen[seen.length - 1] !== status) seen.push(status);
        return status === 'ResourceNotFoundException';
      },
    );
    await statusesUntil(t, young, 'ACTIVE');
    await t.control.send(new DeleteRecommenderCommand({ recommenderArn: young }));

    // Assess
    expect(tooYoung).toBeInstanceOf(ResourceInUseException);
    expect(gone).toBe('ResourceNotFoundException');
    expect(seen).toEqual(['DELETE PENDING', 'DELETE IN_PROGRESS', 'ResourceNotFoundException']);
  });

  test("ListRecommenders lists a dataset group's recommenders in pages, and a token of another listing is refused", async () => {
    // Prepare
    await recommender(videos, 'aws-vod-most-popular');
    await recommender(videos, 'aws-vod-trending-now');

    // Act
    const first = await t.control.send(
      new ListRecommendersCommand({ datasetGroupArn: videos, maxResults: 1 }),
    );
    const second = await t.control.send(
      new ListRecommendersCommand({ datasetGroupArn: videos, maxResults: 1, nextToken: first.nextToken }),
    );
    const foreign = await failure(
      t.control.send(new ListRecommendersCommand({ datasetGroupArn: shop, nextToken: first.nextToken })),
    );

    // Assess
    expect(first.recommenders).toHaveLength(1);
    expect(first.nextToken).toBeDefined();
    expect(second.recommenders).toHaveLength(1);
    expect(second.recommenders?.[0]?.recommenderArn).not.toBe(first.recommenders?.[0]?.recommenderArn);
    expect(first.recommenders?.[0]).toMatchObject({ datasetGroupArn: videos, status: 'ACTIVE' });
    expect(foreign).toBeInstanceOf(InvalidNextTokenException);
  });

  test('a use case whose required event type is missing is refused at creation, and event types are case-sensitive', async () => {
    // Act
    const noPurchases = await failure(
      t.control.send(
        new CreateRecommenderCommand({
          name: 'fbt-no-purchases',
          datasetGroupArn: viewsOnly,
          recipeArn: `${RECIPE}aws-ecomm-frequently-bought-together`,
        }),
      ),
    );
    const lower = await failure(
      t.control.send(
        new CreateRecommenderCommand({
          name: 'views-lower-case',
          datasetGroupArn: lowerCase,
          recipeArn: `${RECIPE}aws-ecomm-popular-items-by-views`,
        }),
      ),
    );
    const viewsFine = await t.control.send(
      new CreateRecommenderCommand({
        name: 'views-only-most-viewed',
        datasetGroupArn: viewsOnly,
        recipeArn: `${RECIPE}aws-ecomm-popular-items-by-views`,
      }),
    );
    await statusesUntil(t, viewsFine.recommenderArn ?? '', 'ACTIVE');

    // Assess
    expect(noPurchases).toBeInstanceOf(InvalidInputException);
    expect(noPurchases.message).toContain(
      'fewer than 1000 interactions after filtering by event type: Purchase',
    );
    expect(lower).toBeInstanceOf(InvalidInputException);
    expect(lower.message).toContain('case-sensitive');
    expect((await describe_(t, viewsFine.recommenderArn ?? '')).status).toBe('ACTIVE');
  });

  test('CreateRecommender names each mistake: custom group, foreign use case, unknown recipe, bad config, taken name, missing group', async () => {
    // Prepare
    await recommender(shop, 'aws-ecomm-popular-items-by-purchases');
    const attempt = (input: Partial<ConstructorParameters<typeof CreateRecommenderCommand>[0]>) =>
      failure(
        t.control.send(
          new CreateRecommenderCommand({
            name: 'mistake',
            datasetGroupArn: shop,
            recipeArn: `${RECIPE}aws-ecomm-popular-items-by-views`,
            ...input,
          }),
        ),
      );

    // Act
    const onCustom = await attempt({ datasetGroupArn: custom });
    const foreign = await attempt({ recipeArn: `${RECIPE}aws-vod-top-picks` });
    const solutionRecipe = await attempt({ recipeArn: `${RECIPE}aws-sims` });
    const badConfig = await attempt({ recommenderConfig: { minRecommendationRequestsPerSecond: 0 } });
    const taken = await attempt({ name: 'aws-ecomm-popular-items-by-purchases-r' });
    const noGroup = await attempt({
      datasetGroupArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/nope',
    });

    // Assess
    expect(onCustom).toBeInstanceOf(InvalidInputException);
    expect(onCustom.message).toContain('Custom dataset group');
    expect(foreign).toBeInstanceOf(InvalidInputException);
    expect(foreign.message).toContain('VIDEO_ON_DEMAND');
    expect(solutionRecipe).toBeInstanceOf(InvalidInputException);
    expect(badConfig).toBeInstanceOf(InvalidInputException);
    expect(badConfig.message).toContain('recommenderConfig.minRecommendationRequestsPerSecond');
    expect(taken).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(noGroup).toBeInstanceOf(ResourceNotFoundException);
  });

  test('a sixth recommender in a dataset group is refused with LimitExceededException', async () => {
    // Prepare: five recommenders in one VIDEO_ON_DEMAND group.
    for (const useCase of [
      'aws-vod-because-you-watched-x',
      'aws-vod-more-like-x',
      'aws-vod-most-popular',
      'aws-vod-trending-now',
      'aws-vod-top-picks',
    ])
      await recommender(videos, useCase);

    // Act
    const sixth = await failure(
      t.control.send(
        new CreateRecommenderCommand({
          name: 'sixth',
          datasetGroupArn: videos,
          recipeArn: `${RECIPE}aws-vod-most-popular`,
        }),
      ),
    );

    // Assess
    expect(sixth).toBeInstanceOf(LimitExceededException);
    expect(sixth.message).toContain('recommendersPerGroup');
  });

  test('operations on a recommender that does not exist answer ResourceNotFoundException', async () => {
    // Prepare
    const recommenderArn = 'arn:aws:personalize:us-east-1:123456789012:recommender/missing';

    // Act
    const outcomes = await Promise.all([
      failure(t.control.send(new DescribeRecommenderCommand({ recommenderArn }))),
      failure(
        t.control.send(
          new UpdateRecommenderCommand({
            recommenderArn,
            recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
          }),
        ),
      ),
      failure(t.control.send(new DeleteRecommenderCommand({ recommenderArn }))),
      failure(t.control.send(new StartRecommenderCommand({ recommenderArn }))),
      failure(t.control.send(new StopRecommenderCommand({ recommenderArn }))),
    ]);
    const runtime = await failure(
      t.runtime.send(new GetRecommendationsCommand({ recommenderArn, userId: 'u1' })),
    );

    // Assess
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(ResourceNotFoundException);
    expect(runtime).toBeInstanceOf(RuntimeResourceNotFoundException);
  });

  test('UpdateRecommender of an INACTIVE recommender is ResourceInUseException, and it needs a recommenderConfig', async () => {
    // Prepare
    const arn = await recommender(ops2, 'aws-ecomm-popular-items-by-views', 'inactive-update');
    await t.control.send(new StopRecommenderCommand({ recommenderArn: arn }));
    await statusesUntil(t, arn, 'INACTIVE');

    // Act
    const inactive = await failure(
      t.control.send(
        new UpdateRecommenderCommand({
          recommenderArn: arn,
          recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
        }),
      ),
    );
    const noConfig = await failure(
      t.control.send(new UpdateRecommenderCommand({ recommenderArn: arn } as never)),
    );

    // Assess
    expect(inactive).toBeInstanceOf(ResourceInUseException);
    expect(noConfig).toBeInstanceOf(InvalidInputException);
  });

  test('GetRecommendations needs the userId or itemId of the use case, and one of campaignArn or recommenderArn', async () => {
    // Prepare
    const boughtTogether = await recommender(shop, 'aws-ecomm-frequently-bought-together');
    const forYou = await recommender(shop, 'aws-ecomm-recommended-for-you');

    // Act
    const noItem = await failure(
      t.runtime.send(new GetRecommendationsCommand({ recommenderArn: boughtTogether, userId: 'u1' })),
    );
    const noUser = await failure(t.runtime.send(new GetRecommendationsCommand({ recommenderArn: forYou })));
    const both = await failure(
      t.runtime.send(
        new GetRecommendationsCommand({
          recommenderArn: forYou,
          campaignArn: 'arn:aws:personalize:us-east-1:123456789012:campaign/c',
          userId: 'u1',
        }),
      ),
    );

    // Assess
    expect(noItem).toBeInstanceOf(RuntimeInvalidInputException);
    expect(noItem.message).toContain('itemId');
    expect(noUser).toBeInstanceOf(RuntimeInvalidInputException);
    expect(noUser.message).toContain('userId');
    expect(both).toBeInstanceOf(RuntimeInvalidInputException);
  });
});
