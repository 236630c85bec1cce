import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateRecommenderCommand,
  CreateSchemaCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeRecipeCommand,
  InvalidInputException,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListRecipesCommand,
  ListRecommendersCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import { schemaJson, startTestEmulator, waitFor, type TestEmulator } from './helpers';

describe('event trackers, filters, tags, recipes and unsupported operations', () => {
  let t: TestEmulator;
  let groupArn: string;

  beforeAll(async () => {
    t = await startTestEmulator();
    groupArn =
      (
        await t.control.send(
          new CreateDatasetGroupCommand({
            name: 'misc-group',
            tags: [{ tagKey: 'project', tagValue: 'shop' }],
          }),
        )
      ).datasetGroupArn ?? '';
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn: groupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    // Filters are checked against the schemas of the group's datasets, so the datasets come first.
    for (const type of ['interactions', 'items'] as const) {
      const { schemaArn } = await t.control.send(
        new CreateSchemaCommand({ name: `misc-${type}`, schema: schemaJson(type) }),
      );
      await t.control.send(
        new CreateDatasetCommand({
          name: `misc-${type}`,
          datasetGroupArn: groupArn,
          schemaArn,
          datasetType: type,
        }),
      );
    }
  });
  afterAll(async () => {
    await t.close();
  });

  test('an event tracker gets a trackingId and the account id, and a second one in the group is ResourceAlreadyExistsException', async () => {
    // Act
    const created = await t.control.send(
      new CreateEventTrackerCommand({ name: 'misc-tracker', datasetGroupArn: groupArn }),
    );
    const described = await waitFor(
      () => t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn: created.eventTrackerArn })),
      (r) => r.eventTracker?.status === 'ACTIVE',
    );
    const second = await t.control
      .send(new CreateEventTrackerCommand({ name: 'misc-tracker-2', datasetGroupArn: groupArn }))
      .catch((e: unknown) => e);
    const listed = await t.control.send(new ListEventTrackersCommand({ datasetGroupArn: groupArn }));

    // Assess
    expect(created.eventTrackerArn).toBe(
      'arn:aws:personalize:us-east-1:123456789012:event-tracker/misc-tracker',
    );
    expect(created.trackingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(described.eventTracker?.accountId).toBe('123456789012');
    expect(described.eventTracker?.trackingId).toBe(created.trackingId);
    expect(second).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(listed.eventTrackers?.map((e) => e.name)).toEqual(['misc-tracker']);
  });

  test('a filter is created from a valid expression and listed under the capitalised Filters key', async () => {
    // Act
    const { filterArn } = await t.control.send(
      new CreateFilterCommand({
        name: 'misc-filter',
        datasetGroupArn: groupArn,
        filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
      }),
    );
    const described = await waitFor(
      () => t.control.send(new DescribeFilterCommand({ filterArn })),
      (r) => r.filter?.status === 'ACTIVE',
    );
    const listed = await t.control.send(new ListFiltersCommand({ datasetGroupArn: groupArn }));

    // Assess
    expect(described.filter?.filterExpression).toBe(
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    );
    expect(listed.Filters?.map((f) => f.filterArn)).toEqual([filterArn]);
  });

  test('an invalid filter expression is InvalidInputException', async () => {
    // Act
    const create = await t.control
      .send(
        new CreateFilterCommand({
          name: 'broken-filter',
          datasetGroupArn: groupArn,
          filterExpression: 'EXCLUDE ItemID WHERE Items.GENRE CONTAINS ("x")',
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(create).toBeInstanceOf(InvalidInputException);
    expect((create as Error).message).toMatch(/^Could not create filter\. Invalid Expression/);
  });

  test('deleted filters and event trackers disappear', async () => {
    // Prepare
    const { filterArn } = await t.control.send(
      new CreateFilterCommand({
        name: 'short-lived',
        datasetGroupArn: groupArn,
        filterExpression: 'INCLUDE ItemID WHERE Items.PRICE < 10',
      }),
    );
    await waitFor(
      () => t.control.send(new DescribeFilterCommand({ filterArn })),
      (r) => r.filter?.status === 'ACTIVE',
    );
    const trackerArn = 'arn:aws:personalize:us-east-1:123456789012:event-tracker/misc-tracker';

    // Act
    await t.control.send(new DeleteFilterCommand({ filterArn }));
    await t.control.send(new DeleteEventTrackerCommand({ eventTrackerArn: trackerArn }));
    const filterGone = await waitFor(
      () =>
        t.control.send(new DescribeFilterCommand({ filterArn })).then(
          () => false,
          (e: unknown) => e instanceof ResourceNotFoundException,
        ),
      (g) => g,
    );
    const trackerGone = await waitFor(
      () =>
        t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn: trackerArn })).then(
          () => false,
          (e: unknown) => e instanceof ResourceNotFoundException,
        ),
      (g) => g,
    );

    // Assess
    expect(filterGone).toBe(true);
    expect(trackerGone).toBe(true);
  });

  test('tags given at creation are listed, TagResource adds and UntagResource removes', async () => {
    // Act
    const initial = await t.control.send(new ListTagsForResourceCommand({ resourceArn: groupArn }));
    await t.control.send(
      new TagResourceCommand({ resourceArn: groupArn, tags: [{ tagKey: 'team', tagValue: 'recs' }] }),
    );
    await t.control.send(new UntagResourceCommand({ resourceArn: groupArn, tagKeys: ['project'] }));
    const final = await t.control.send(new ListTagsForResourceCommand({ resourceArn: groupArn }));

    // Assess
    expect(initial.tags).toEqual([{ tagKey: 'project', tagValue: 'shop' }]);
    expect(final.tags).toEqual([{ tagKey: 'team', tagValue: 'recs' }]);
  });

  test('more than 200 tags is TooManyTagsException and tagging a missing resource is ResourceNotFoundException', async () => {
    // Act
    const tooMany = await t.control
      .send(
        new TagResourceCommand({
          resourceArn: groupArn,
          tags: Array.from({ length: 201 }, (_, i) => ({ tagKey: `k${i}`, tagValue: 'v' })),
        }),
      )
      .catch((e: unknown) => e);
    const missing = await t.control
      .send(
        new TagResourceCommand({
          resourceArn: `${groupArn}-missing`,
          tags: [{ tagKey: 'a', tagValue: 'b' }],
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(tooMany).toBeInstanceOf(TooManyTagsException);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  test('DescribeRecipe and ListRecipes serve the service recipes', async () => {
    // Act
    const sims = await t.control.send(
      new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }),
    );
    const page = await t.control.send(new ListRecipesCommand({ maxResults: 3 }));
    const ecommerce = await t.control.send(new ListRecipesCommand({ domain: 'ECOMMERCE' }));
    const missing = await t.control
      .send(new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-nothing' }))
      .catch((e: unknown) => e);

    // Assess
    expect(sims.recipe?.recipeType).toBe('RELATED_ITEMS');
    expect(sims.recipe?.status).toBe('ACTIVE');
    expect(sims.recipe?.algorithmArn).toMatch(/^arn:aws:personalize:::algorithm\//);
    expect(page.recipes).toHaveLength(3);
    expect(page.nextToken).toEqual(expect.any(String));
    expect(ecommerce.recipes?.map((r) => r.name)).toContain('aws-ecomm-recommended-for-you');
    expect(ecommerce.recipes?.every((r) => r.domain === 'ECOMMERCE')).toBe(true);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  test('a recommender of a Custom dataset group is refused with InvalidInputException, and listing finds none', async () => {
    // Act
    const create = await t.control
      .send(
        new CreateRecommenderCommand({
          name: 'rec',
          datasetGroupArn: groupArn,
          recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
        }),
      )
      .catch((e: unknown) => e);
    const list = await t.control.send(new ListRecommendersCommand({ datasetGroupArn: groupArn }));

    // Assess
    expect((create as Error).name).toBe('InvalidInputException');
    expect((create as Error).message).toMatch(/Custom dataset group/);
    expect(list.recommenders).toEqual([]);
  });
});
