import {
  CreateCampaignCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DeleteCampaignCommand,
  DeleteSolutionCommand,
  DescribeCampaignCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  InvalidInputException,
  LimitExceededException,
  ListCampaignsCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateCampaignCommand,
  UpdateSolutionCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import {
  deployCampaign,
  motoS3,
  putObjects,
  setUpDatasetGroup,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  syntheticInteractions,
  TERMINAL,
  trainSolution,
  waitFor,
  type TestEmulator,
} from './helpers';

const BUCKET = 'emulator-solutions';

describe('solutions, solution versions and campaigns', () => {
  let t: TestEmulator;
  let groupArn: string;
  let popular: { solutionArn: string; solutionVersionArn: string };

  beforeAll(async () => {
    t = await startTestEmulator();
    const s3 = motoS3();
    await putObjects(s3, BUCKET, {
      'enough.csv': syntheticInteractions(),
      'too-little.csv': syntheticInteractions(10, 5),
    });
    s3.destroy();
    groupArn = (
      await setUpDatasetGroup(t, 'sol-group', {
        interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/enough.csv` },
      })
    ).datasetGroupArn;
    const trained = await trainSolution(t, 'sol-popular', groupArn, 'aws-popularity-count');
    popular = trained;
  });
  afterAll(async () => {
    await t.close();
  });

  test('a trained solution version is ACTIVE with trainingHours, and the solution shows it as latestSolutionVersion', async () => {
    // Act
    const version = await t.control.send(
      new DescribeSolutionVersionCommand({ solutionVersionArn: popular.solutionVersionArn }),
    );
    const solution = await t.control.send(new DescribeSolutionCommand({ solutionArn: popular.solutionArn }));

    // Assess
    expect(popular.solutionVersionArn).toMatch(
      /^arn:aws:personalize:us-east-1:123456789012:solution\/sol-popular\/[0-9a-f]{8}$/,
    );
    expect(version.solutionVersion?.status).toBe('ACTIVE');
    expect(version.solutionVersion?.trainingMode).toBe('FULL');
    expect(version.solutionVersion?.trainingHours).toBeGreaterThanOrEqual(0);
    expect(solution.solution?.recipeArn).toBe('arn:aws:personalize:::recipe/aws-popularity-count');
    expect(solution.solution?.latestSolutionVersion?.solutionVersionArn).toBe(popular.solutionVersionArn);
  });

  test('an unknown recipe is ResourceNotFoundException and a recipe the engine cannot train is rejected clearly', async () => {
    // Act
    const unknown = await t.control
      .send(
        new CreateSolutionCommand({
          name: 'sol-unknown',
          datasetGroupArn: groupArn,
          recipeArn: 'arn:aws:personalize:::recipe/aws-nope',
        }),
      )
      .catch((e: unknown) => e);
    const unsupported = await t.control
      .send(
        new CreateSolutionCommand({
          name: 'sol-nba',
          datasetGroupArn: groupArn,
          recipeArn: 'arn:aws:personalize:::recipe/aws-next-best-action',
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect((unsupported as Error).name).toBe('UnsupportedOperationException');
    expect((unsupported as Error).message).toMatch(/not supported by the emulator/);
  });

  test('too little data fails training with the minimum-data reason', async () => {
    // Prepare
    const small = await setUpDatasetGroup(t, 'tiny-group', {
      interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/too-little.csv` },
    });

    // Act
    const version = await trainSolution(t, 'sol-tiny', small.datasetGroupArn, 'aws-popularity-count');

    // Assess
    expect(version.status).toBe('CREATE FAILED');
    expect(version.failureReason).toMatch(/^Create failed\. .*at least 1000 interactions, but there are 50/);
    expect(version.failureReason).toMatch(/25 unique users/);
    const metrics = await t.control
      .send(new GetSolutionMetricsCommand({ solutionVersionArn: version.solutionVersionArn }))
      .catch((e: unknown) => e);
    expect(metrics).toBeInstanceOf(ResourceInUseException);
  });

  test('trainingMode UPDATE is rejected for recipes that do not support it', async () => {
    // Act
    const update = await t.control
      .send(new CreateSolutionVersionCommand({ solutionArn: popular.solutionArn, trainingMode: 'UPDATE' }))
      .catch((e: unknown) => e);

    // Assess
    expect(update).toBeInstanceOf(InvalidInputException);
  });

  test('StopSolutionVersionCreation moves a pending version to CREATE STOPPED and cannot stop it twice', async () => {
    // Prepare
    const slow = await startTestEmulator({
      dataDir: undefined,
      delays: {
        default: { pendingMs: 0, inProgressMs: 0 },
        solutionVersion: { pendingMs: 600_000, inProgressMs: 600_000 },
      },
    });
    const s3 = motoS3();
    await putObjects(s3, BUCKET, { 'stop.csv': syntheticInteractions() });
    s3.destroy();
    const group = await setUpDatasetGroup(slow, 'stop-group', {
      interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/stop.csv` },
    });
    const { solutionArn } = await slow.control.send(
      new CreateSolutionCommand({
        name: 'stop-solution',
        datasetGroupArn: group.datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-sims',
      }),
    );
    await waitFor(
      () => slow.control.send(new DescribeSolutionCommand({ solutionArn })),
      (r) => r.solution?.status === 'ACTIVE',
    );
    const { solutionVersionArn } = await slow.control.send(new CreateSolutionVersionCommand({ solutionArn }));
    const { StopSolutionVersionCreationCommand } = await import('@aws-sdk/client-personalize');

    // Act
    const pending = await slow.control.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
    const deleteWhileTraining = await slow.control
      .send(new DeleteSolutionCommand({ solutionArn }))
      .catch((e: unknown) => e);
    await slow.control.send(new StopSolutionVersionCreationCommand({ solutionVersionArn }));
    const stopped = await slow.control.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
    const again = await slow.control
      .send(new StopSolutionVersionCreationCommand({ solutionVersionArn }))
      .catch((e: unknown) => e);
    await slow.close();

    // Assess
    expect(pending.solutionVersion?.status).toBe('CREATE PENDING');
    expect(deleteWhileTraining).toBeInstanceOf(ResourceInUseException);
    expect(stopped.solutionVersion?.status).toBe('CREATE STOPPED');
    expect(again).toBeInstanceOf(ResourceInUseException);
  });

  test('ListSolutions and ListSolutionVersions filter by parent; a missing solution is ResourceNotFoundException', async () => {
    // Act
    const solutions = await t.control.send(new ListSolutionsCommand({ datasetGroupArn: groupArn }));
    const versions = await t.control.send(
      new ListSolutionVersionsCommand({ solutionArn: popular.solutionArn }),
    );
    const missing = await t.control
      .send(new ListSolutionVersionsCommand({ solutionArn: `${popular.solutionArn}-missing` }))
      .catch((e: unknown) => e);

    // Assess
    expect(solutions.solutions?.map((s) => s.name)).toContain('sol-popular');
    expect(versions.solutionVersions?.map((v) => v.solutionVersionArn)).toEqual([popular.solutionVersionArn]);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  test('UpdateSolution records latestSolutionUpdate and applies it', async () => {
    // Act
    await t.control.send(
      new UpdateSolutionCommand({
        solutionArn: popular.solutionArn,
        performAutoTraining: true,
        solutionUpdateConfig: { autoTrainingConfig: { schedulingExpression: 'rate(3 days)' } },
      }),
    );
    const updated = await waitFor(
      () => t.control.send(new DescribeSolutionCommand({ solutionArn: popular.solutionArn })),
      (r) => r.solution?.latestSolutionUpdate?.status === 'ACTIVE',
    );
    const bad = await t.control
      .send(
        new UpdateSolutionCommand({
          solutionArn: popular.solutionArn,
          solutionUpdateConfig: { autoTrainingConfig: { schedulingExpression: 'rate(31 days)' } },
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(updated.solution?.performAutoTraining).toBe(true);
    expect(updated.solution?.solutionConfig?.autoTrainingConfig?.schedulingExpression).toBe('rate(3 days)');
    expect(bad).toBeInstanceOf(InvalidInputException);
  });

  test('a campaign on $LATEST serves, updates only when ACTIVE, and blocks deleting its solution', async () => {
    // Prepare
    const campaignArn = await deployCampaign(t, 'sol-campaign', `${popular.solutionArn}/$LATEST`, {
      syncWithLatestSolutionVersion: true,
    });

    // Act
    const recommendations = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn, numResults: 3 }),
    );
    const deleteSolution = await t.control
      .send(new DeleteSolutionCommand({ solutionArn: popular.solutionArn }))
      .catch((e: unknown) => e);
    await t.control.send(new UpdateCampaignCommand({ campaignArn, minProvisionedTPS: 2 }));
    const updated = await waitFor(
      () => t.control.send(new DescribeCampaignCommand({ campaignArn })),
      (r) => r.campaign?.latestCampaignUpdate?.status === 'ACTIVE',
    );
    const listed = await t.control.send(new ListCampaignsCommand({ solutionArn: popular.solutionArn }));

    // Assess
    expect(recommendations.itemList).toHaveLength(3);
    expect(deleteSolution).toBeInstanceOf(ResourceInUseException);
    expect(updated.campaign?.minProvisionedTPS).toBe(2);
    expect(updated.campaign?.latestCampaignUpdate?.minProvisionedTPS).toBe(2);
    expect(listed.campaigns?.map((c) => c.campaignArn)).toContain(campaignArn);
  });

  test('syncWithLatestSolutionVersion needs the $LATEST form', async () => {
    // Act
    const create = await t.control
      .send(
        new CreateCampaignCommand({
          name: 'sync-wrong',
          solutionVersionArn: popular.solutionVersionArn,
          campaignConfig: { syncWithLatestSolutionVersion: true },
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(create).toBeInstanceOf(InvalidInputException);
  });

  test('UpdateCampaign while the campaign is still being created is ResourceInUseException', async () => {
    // Prepare
    const slow = await startTestEmulator({
      delays: {
        default: { pendingMs: 0, inProgressMs: 0 },
        campaign: { pendingMs: 600_000, inProgressMs: 600_000 },
      },
    });
    const s3 = motoS3();
    await putObjects(s3, BUCKET, { 'campaign.csv': syntheticInteractions() });
    s3.destroy();
    const group = await setUpDatasetGroup(slow, 'camp-group', {
      interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/campaign.csv` },
    });
    const version = await trainSolution(slow, 'camp-solution', group.datasetGroupArn, 'aws-popularity-count');
    const { campaignArn } = await slow.control.send(
      new CreateCampaignCommand({ name: 'camp-pending', solutionVersionArn: version.solutionVersionArn }),
    );

    // Act
    const update = await slow.control
      .send(new UpdateCampaignCommand({ campaignArn, minProvisionedTPS: 3 }))
      .catch((e: unknown) => e);
    const remove = await slow.control
      .send(new DeleteCampaignCommand({ campaignArn }))
      .catch((e: unknown) => e);
    await slow.close();

    // Assess
    expect(update).toBeInstanceOf(ResourceInUseException);
    expect(remove).toBeInstanceOf(ResourceInUseException);
  });

  test('the sixth campaign in a dataset group is LimitExceededException naming the limit and its quota', async () => {
    // Prepare
    const existing = (await t.control.send(new ListCampaignsCommand({}))).campaigns?.length ?? 0;
    for (let i = existing; i < 5; i += 1)
      await t.control.send(
        new CreateCampaignCommand({
          name: `quota-campaign-${i}`,
          solutionVersionArn: popular.solutionVersionArn,
        }),
      );

    // Act
    const sixth = await t.control
      .send(
        new CreateCampaignCommand({
          name: 'quota-campaign-six',
          solutionVersionArn: popular.solutionVersionArn,
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(sixth).toBeInstanceOf(LimitExceededException);
    expect((sixth as Error).message).toBe(
      `Cannot create a campaign: the limit of 5 campaigns in dataset group ${groupArn} is reached (quota campaignsPerGroup).`,
    );
  });

  test('deleting a campaign passes through DELETE states and the campaign disappears', async () => {
    // Prepare
    const campaigns = (await t.control.send(new ListCampaignsCommand({}))).campaigns ?? [];
    const target = campaigns.find((c) => c.name?.startsWith('quota-campaign-'))?.campaignArn ?? '';
    await waitFor(
      () => t.control.send(new DescribeCampaignCommand({ campaignArn: target })),
      (r) => TERMINAL.has(r.campaign?.status ?? ''),
    );

    // Act
    await t.control.send(new DeleteCampaignCommand({ campaignArn: target }));
    const gone = await waitFor(
      () =>
        t.control.send(new DescribeCampaignCommand({ campaignArn: target })).then(
          () => false,
          (e: unknown) => e instanceof ResourceNotFoundException,
        ),
      (isGone) => isGone,
    );

    // Assess
    expect(gone).toBe(true);
  });
});
