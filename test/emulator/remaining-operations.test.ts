import {
  CreateBatchSegmentJobCommand,
  CreateDatasetExportJobCommand,
  CreateDataDeletionJobCommand,
  CreateSchemaCommand,
  DeleteDatasetCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  DescribeAlgorithmCommand,
  DescribeBatchSegmentJobCommand,
  DescribeDatasetCommand,
  DescribeFeatureTransformationCommand,
  DescribeRecipeCommand,
  DescribeSchemaCommand,
  DescribeSolutionVersionCommand,
  InvalidInputException,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListDatasetExportJobsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import {
  GetRecommendationsCommand,
  InvalidInputException as RuntimeInvalidInput,
} from '@aws-sdk/client-personalize-runtime';
import {
  admin,
  motoS3,
  putObjects,
  setUpDatasetGroup,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  syntheticInteractions,
  trainSolution,
  deployCampaign,
  waitFor,
  type TestEmulator,
} from './helpers';

const BUCKET = 'emulator-remaining';
const ROLE = 'arn:aws:iam::123456789012:role/PersonalizeS3';

describe('the remaining operations: deletions, catalogue, batch listings, unsupported families', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
    const s3 = motoS3();
    await putObjects(s3, BUCKET, { 'interactions.csv': syntheticInteractions() });
    s3.destroy();
  });
  afterAll(async () => {
    await t.close();
  });

  test('DeleteSchema removes an unused schema', async () => {
    // Prepare
    const { schemaArn } = await t.control.send(
      new CreateSchemaCommand({ name: 'unused-schema', schema: SMALL_INTERACTIONS_SCHEMA }),
    );

    // Act
    await t.control.send(new DeleteSchemaCommand({ schemaArn }));
    const describe = await t.control.send(new DescribeSchemaCommand({ schemaArn })).catch((e: unknown) => e);

    // Assess
    expect(describe).toBeInstanceOf(ResourceNotFoundException);
  });

  test('a user-personalization campaign needs a userId; deleting the solution removes its versions; deleting the dataset drops its records', async () => {
    // Prepare
    const group = await setUpDatasetGroup(t, 'rest-group', {
      interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/interactions.csv` },
    });
    const version = await trainSolution(
      t,
      'rest-solution',
      group.datasetGroupArn,
      'aws-user-personalization',
    );
    const campaignArn = await deployCampaign(t, 'rest-campaign', version.solutionVersionArn);

    // Act
    const noUser = await t.runtime
      .send(new GetRecommendationsCommand({ campaignArn }))
      .catch((e: unknown) => e);
    const withUser = await t.runtime.send(
      new GetRecommendationsCommand({ campaignArn, userId: 'u1', numResults: 5 }),
    );
    const { DeleteCampaignCommand, DescribeCampaignCommand } = await import('@aws-sdk/client-personalize');
    await t.control.send(new DeleteCampaignCommand({ campaignArn }));
    await waitFor(
      () =>
        t.control.send(new DescribeCampaignCommand({ campaignArn })).then(
          () => false,
          () => true,
        ),
      (gone) => gone,
    );
    await t.control.send(new DeleteSolutionCommand({ solutionArn: version.solutionArn }));
    const versionGone = await waitFor(
      () =>
        t.control
          .send(new DescribeSolutionVersionCommand({ solutionVersionArn: version.solutionVersionArn }))
          .then(
            () => false,
            (e: unknown) => e instanceof ResourceNotFoundException,
          ),
      (gone) => gone,
    );
    const datasetArn = group.datasets.interactions ?? '';
    await t.control.send(new DeleteDatasetCommand({ datasetArn }));
    await waitFor(
      () =>
        t.control.send(new DescribeDatasetCommand({ datasetArn })).then(
          () => false,
          (e: unknown) => e instanceof ResourceNotFoundException,
        ),
      (gone) => gone,
    );
    const stats = await admin<{ datasets: unknown[] }>(t.emulator.endpoint, '/_emulator/stats');

    // Assess
    expect(noUser).toBeInstanceOf(RuntimeInvalidInput);
    expect(withUser.itemList).toHaveLength(5);
    expect(versionGone).toBe(true);
    expect(stats.datasets).toEqual([]);
  });

  test('DescribeAlgorithm and DescribeFeatureTransformation answer for the ARNs a recipe names', async () => {
    // Prepare
    const { recipe } = await t.control.send(
      new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization' }),
    );

    // Act
    const algorithm = await t.control.send(
      new DescribeAlgorithmCommand({ algorithmArn: recipe?.algorithmArn }),
    );
    const transformation = await t.control.send(
      new DescribeFeatureTransformationCommand({
        featureTransformationArn: recipe?.featureTransformationArn,
      }),
    );

    // Assess
    expect(algorithm.algorithm?.algorithmArn).toBe(recipe?.algorithmArn);
    expect(transformation.featureTransformation?.status).toBe('ACTIVE');
  });

  test('batch job listings are empty, a missing batch segment job is ResourceNotFoundException', async () => {
    // Act
    const inference = await t.control.send(new ListBatchInferenceJobsCommand({}));
    const segment = await t.control.send(new ListBatchSegmentJobsCommand({}));
    const missing = await t.control
      .send(
        new DescribeBatchSegmentJobCommand({
          batchSegmentJobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-segment-job/none',
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(inference.batchInferenceJobs).toEqual([]);
    expect(segment.batchSegmentJobs).toEqual([]);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  test('a batch segment job without a role is InvalidInputException', async () => {
    // Act
    const create = await t.control
      .send(
        new CreateBatchSegmentJobCommand({
          jobName: 'segments',
          solutionVersionArn: 'arn:aws:personalize:us-east-1:123456789012:solution/x/12345678',
          jobInput: { s3DataSource: { path: `s3://${BUCKET}/in.json` } },
          jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/out/` } },
          roleArn: undefined as unknown as string,
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(create).toBeInstanceOf(InvalidInputException);
  });

  test('dataset export and data deletion operations say they are not supported by the emulator', async () => {
    // Act
    const outcomes = await Promise.all([
      t.control
        .send(
          new CreateDatasetExportJobCommand({
            jobName: 'x',
            datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/g/ITEMS',
            roleArn: ROLE,
            jobOutput: { s3DataDestination: { path: 's3://b/x' } },
          }),
        )
        .catch((e: Error) => e),
      t.control
        .send(
          new CreateDataDeletionJobCommand({
            jobName: 'x',
            datasetGroupArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/g',
            dataSource: { dataLocation: 's3://b/x' },
            roleArn: ROLE,
          }),
        )
        .catch((e: Error) => e),
    ]);
    const listed = await t.control.send(new ListDatasetExportJobsCommand({}));

    // Assess
    for (const outcome of outcomes) {
      expect((outcome as Error).name).toBe('UnsupportedOperationException');
      expect((outcome as Error).message).toMatch(/not supported by the emulator/);
    }
    expect(listed.datasetExportJobs).toEqual([]);
  });

  test('GetRecommendations with an unknown recommenderArn is ResourceNotFoundException, and GetActionRecommendations is unsupported', async () => {
    // Act
    const recommender = await t.runtime
      .send(
        new GetRecommendationsCommand({
          recommenderArn: 'arn:aws:personalize:us-east-1:123456789012:recommender/r',
          userId: 'u1',
        }),
      )
      .catch((e: Error) => e);
    const actions = await fetch(`${t.emulator.endpoint}/action-recommendations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });

    // Assess
    expect((recommender as Error).name).toBe('ResourceNotFoundException');
    expect(actions.headers.get('x-amzn-errortype')).toBe('UnsupportedOperationException');
  });
});
