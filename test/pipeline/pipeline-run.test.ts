/**
 * The synthesized pipeline state machine, run locally end to end with the real handlers against moto and the
 * Personalize emulator: bad input stops it before any Personalize resource exists, a good run deploys every
 * campaign, a second run changes nothing, throttling is retried, a gated-out version leaves its campaign alone,
 * and the teardown workflow removes everything.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeCampaignCommand,
  ListDatasetGroupsCommand,
  ListSchemasCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createS3Client } from '../../lambda/shared/clients';
import {
  inlineConfig,
  resourceCounts,
  startPipelineFixture,
  succeeded,
  type PipelineFixture,
} from './helpers';

let fx: PipelineFixture;

beforeAll(async () => {
  fx = await startPipelineFixture();
});

afterAll(async () => {
  await fx.local.stop();
});

async function datasetGroupCount(): Promise<number> {
  return ((await fx.personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? []).length;
}

describe('the pipeline, run locally', () => {
  test('a bad config stops the run before any Personalize resource exists, naming the field', async () => {
    const config = inlineConfig(fx.config, (c) => {
      const [, second] = c.solutions as Array<Record<string, unknown>>;
      if (second) second.recipe = 'aws-simz';
    });

    const outcome = await fx.pipeline.run({ config });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
    expect(outcome.status === 'FAILED' && outcome.cause).toContain(
      'solutions[1].recipe: unknown recipe "aws-simz"',
    );
    expect(await datasetGroupCount()).toBe(0);
  });

  test('bad data stops the run before any Personalize resource exists, naming file, line and column', async () => {
    const s3 = createS3Client();
    const Body =
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,IMPRESSION,RECOMMENDATION_ID\nuser-0001,item-0001,1727654400000,view,,,\n';
    await s3.send(
      new PutObjectCommand({ Bucket: fx.project.bucketName, Key: 'bad/interactions/part-1.csv', Body }),
    );
    const config = inlineConfig(fx.config, (c) => {
      const { interactions } = c.datasets as Record<string, Record<string, unknown>>;
      if (interactions) interactions.dataLocation = 'bad/interactions/';
    });

    const outcome = await fx.pipeline.run({ config });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
    const cause = outcome.status === 'FAILED' ? outcome.cause : '';
    expect(cause).toContain('bad/interactions/part-1.csv');
    expect(cause).toMatch(/line 2/);
    expect(cause).toContain('TIMESTAMP');
    expect(cause).toMatch(/milliseconds/);
    expect(await datasetGroupCount()).toBe(0);
  });

  test('a run deploys every campaign and publishes what the serving API needs', async () => {
    const summary = succeeded(await fx.pipeline.run({}));

    expect(summary.status).toBe('SUCCEEDED');
    const ssm = new SSMClient({});
    const serving = JSON.parse(
      (await ssm.send(new GetParameterCommand({ Name: `/${fx.config.projectName}/serving` }))).Parameter
        ?.Value ?? '{}',
    ) as { campaigns: Record<string, string> };
    expect(Object.keys(serving.campaigns).sort()).toEqual([
      'popular',
      'ranking',
      'similar-items',
      'user-personalization',
    ]);
    const runtime = new PersonalizeRuntimeClient({});
    const recommendations = await runtime.send(
      new GetRecommendationsCommand({
        campaignArn: serving.campaigns['user-personalization'],
        userId: 'user-0001',
        numResults: 10,
      }),
    );
    expect(recommendations.itemList).toHaveLength(10);
    expect(await resourceCounts(fx.personalize)).toMatchObject({
      datasetGroups: 1,
      schemas: 3,
      datasets: 3,
      importJobs: 3,
      solutions: 4,
      solutionVersions: 4,
      campaigns: 4,
      filters: 2,
      eventTrackers: 1,
    });
  });

  test('a second run with the same config and data creates nothing new', async () => {
    const before = await resourceCounts(fx.personalize);

    succeeded(await fx.pipeline.run({}));

    expect(await resourceCounts(fx.personalize)).toEqual(before);
  });

  test('throttled Personalize calls are retried and the run still succeeds', async () => {
    fx.local.emulator.faults.add([{ operation: '*', error: 'ThrottlingException', count: 3 }]);

    const outcome = await fx.pipeline.run({});

    succeeded(outcome);
    expect(outcome.events.filter((e) => e.type === 'StateRetried').length).toBeGreaterThanOrEqual(1);
  });

  test('a version that fails the quality gate is not deployed: the campaign keeps the version it serves', async () => {
    const campaignArn = `arn:aws:personalize:us-east-1:123456789012:campaign/${fx.config.projectName}-popular`;
    const served = async () =>
      (await fx.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign?.solutionVersionArn;
    const before = await served();
    const config = inlineConfig(fx.config, (c) => {
      const popular = (c.solutions as Array<Record<string, unknown>>).find((s) => s.name === 'popular');
      if (popular) popular.qualityGate = { minimum: 0.99 };
    });

    const outcome = await fx.pipeline.run({ config, force: true, solutions: ['popular'] });

    expect(outcome).toMatchObject({ status: 'FAILED', error: 'PartialFailure' });
    const cause = outcome.status === 'FAILED' ? outcome.cause : '';
    expect(cause).toMatch(/popular: .*gated out|popular: .*quality gate (failed|not passed)/i);
    expect(await served()).toBe(before);
  });

  test('the teardown dry run lists every resource without deleting any', async () => {
    const before = await resourceCounts(fx.personalize);

    const outcome = await fx.pipeline.teardown({ dryRun: true });

    const result = succeeded(outcome) as unknown as { wouldDelete: string[] };
    expect(result.wouldDelete).toEqual(
      expect.arrayContaining([
        expect.stringContaining(':campaign/'),
        expect.stringContaining(':dataset-group/'),
      ]),
    );
    expect(await resourceCounts(fx.personalize)).toEqual(before);
  });

  test('the teardown workflow leaves nothing of the project in Personalize', async () => {
    succeeded(await fx.pipeline.teardown({}));

    expect(await datasetGroupCount()).toBe(0);
    const schemas = (await fx.personalize.send(new ListSchemasCommand({}))).schemas ?? [];
    expect(schemas.filter((s) => s.name?.startsWith(fx.config.projectName))).toEqual([]);
  });
});
