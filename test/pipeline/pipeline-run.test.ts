/**
 * The synthesized pipeline state machine, run locally end to end with the real handlers against moto and the
 * Personalize emulator: a run deploys every campaign, a second run changes nothing, throttling is retried, a
 * gated-out version leaves its campaign alone, and the teardown dry run deletes nothing. Each test starts
 * from the same first run of the sample project, built once by whichever test runs first.
 */
import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  END_TO_END_TIMEOUT_MS,
  firstRun,
  inlineConfig,
  pipelineFixture,
  resourceCounts,
  succeeded,
} from './helpers';

describe('the pipeline, run locally', () => {
  test(
    'a run deploys every campaign and publishes what the serving API needs',
    async () => {
      // Act
      const fx = await pipelineFixture();
      const { outcome, counts } = await firstRun();

      // Assess
      const summary = succeeded(outcome);
      expect(summary.status).toBe('SUCCEEDED');
      const ssm = new SSMClient({});
      const serving = JSON.parse(
        (await ssm.send(new GetParameterCommand({ Name: `/${fx.config.projectName}/serving` }))).Parameter
          ?.Value ?? '{}',
      ) as { campaigns: Record<string, string> };
      ssm.destroy();
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
      runtime.destroy();
      expect(recommendations.itemList).toHaveLength(10);
      expect(counts).toMatchObject({
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
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a second run with the same config and data creates nothing new',
    async () => {
      // Prepare: a run of the deployed config, on the first run or on what an earlier test of this file left
      // (a forced run imports again, so the run after it retrains)
      const fx = await pipelineFixture();
      await firstRun();
      succeeded(await fx.pipeline.run({}));
      const before = await resourceCounts(fx.personalize);

      // Act
      const outcome = await fx.pipeline.run({});

      // Assess
      succeeded(outcome);
      expect(await resourceCounts(fx.personalize)).toEqual(before);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'throttled Personalize calls are retried and the run still succeeds',
    async () => {
      // Prepare
      const fx = await pipelineFixture();
      await firstRun();
      fx.local.emulator.faults.add([{ operation: '*', error: 'ThrottlingException', count: 3 }]);

      // Act
      const outcome = await fx.pipeline.run({});

      // Assess
      succeeded(outcome);
      expect(outcome.events.filter((e) => e.type === 'StateRetried').length).toBeGreaterThanOrEqual(1);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a version that fails the quality gate is not deployed: the campaign keeps the version it serves',
    async () => {
      // Prepare
      const fx = await pipelineFixture();
      await firstRun();
      const campaignArn = `arn:aws:personalize:us-east-1:123456789012:campaign/${fx.config.projectName}-popular`;
      const served = async () =>
        (await fx.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign
          ?.solutionVersionArn;
      const before = await served();
      const config = inlineConfig(fx.config, (c) => {
        const popular = (c.solutions as Array<Record<string, unknown>>).find((s) => s.name === 'popular');
        if (popular) popular.qualityGate = { minimum: 0.99 };
      });

      // Act
      const outcome = await fx.pipeline.run({ config, force: true, solutions: ['popular'] });

      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'PartialFailure' });
      const cause = outcome.status === 'FAILED' ? outcome.cause : '';
      expect(cause).toMatch(/popular: .*gated out|popular: .*quality gate (failed|not passed)/i);
      expect(await served()).toBe(before);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'the teardown dry run lists every resource without deleting any',
    async () => {
      // Prepare
      const fx = await pipelineFixture();
      await firstRun();
      const before = await resourceCounts(fx.personalize);

      // Act
      const outcome = await fx.pipeline.teardown({ dryRun: true });

      // Assess
      const result = succeeded(outcome) as unknown as { wouldDelete: string[] };
      expect(result.wouldDelete).toEqual(
        expect.arrayContaining([
          expect.stringContaining(':campaign/'),
          expect.stringContaining(':dataset-group/'),
        ]),
      );
      expect(await resourceCounts(fx.personalize)).toEqual(before);
    },
    END_TO_END_TIMEOUT_MS,
  );
});
