/**
 * Recommenders and the metric attribution, end to end: the synthesized pipeline of a small generated ECOMMERCE
 * project (the example's domain schemas, `View` and `Purchase` events — case-sensitive, at least 1000 each —
 * all five ECOMMERCE use cases, a metric attribution and one custom popularity solution) runs against moto and
 * the emulator. Every recommender ends ACTIVE and answers GetRecommendations with its recommenderArn; a second
 * run creates nothing; a changed request rate updates only that recommender; `stopped: true` stops a recommender
 * and leaves it out of the serving parameter, and the next run without it starts it again; the teardown deletes
 * them and the attribution (a VIDEO_ON_DEMAND project: recommenders-vod.test.ts).
 */
import {
  DescribeMetricAttributionCommand,
  DescribeRecommenderCommand,
  ListDatasetGroupsCommand,
  ListMetricAttributionsCommand,
  ListRecommendersCommand,
} from '@aws-sdk/client-personalize';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { TeardownResult } from '../../core/pipeline-contract';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/harness/env';
import {
  ARN,
  ecommerceProject,
  inlineConfigOf,
  recommend,
  recommendersOf,
  start,
  type Started,
} from './domain-projects';
import { END_TO_END_TIMEOUT_MS, succeeded } from './helpers';

describe('an ECOMMERCE project with recommenders and a metric attribution', () => {
  const project = ecommerceProject();
  const name = project.config.projectName;
  let world: Started;

  beforeAll(async () => {
    world = await start(project);
  }, END_TO_END_TIMEOUT_MS);

  afterAll(async () => {
    await world?.stop();
  }, END_TO_END_TIMEOUT_MS);

  test(
    'the first run creates every recommender, ACTIVE and answering, the attribution and the custom campaign',
    async () => {
      // Act
      const outcome = await world.pipeline.run({});

      // Assess
      const { summary } = succeeded(outcome);
      expect(summary).toContain('Recommenders:');
      expect(summary).toContain(`- for-you: created (${ARN}:recommender/${name}-for-you)`);
      expect(summary).toContain(`Metric attribution: created ${ARN}:metric-attribution/${name}-attribution`);
      expect(summary).toMatch(/popular-custom: .*campaign created/);
      const recommenders = await recommendersOf(world.personalize, name);
      expect(Object.keys(recommenders).sort()).toEqual(
        project.config.recommenders.map((r) => `${ARN}:recommender/${name}-${r.name}`).sort(),
      );
      for (const definition of project.config.recommenders) {
        const arn = `${ARN}:recommender/${name}-${definition.name}`;
        expect({ arn, status: recommenders[arn]?.status }).toEqual({ arn, status: 'ACTIVE' });
        const items = await recommend(
          world.runtime,
          arn,
          definition.useCase,
          project.users[0] ?? '',
          project.items[3] ?? '',
        );
        expect({ arn, answered: items.length > 0 }).toEqual({ arn, answered: true });
      }
      const attribution = await world.personalize.send(
        new DescribeMetricAttributionCommand({
          metricAttributionArn: `${ARN}:metric-attribution/${name}-attribution`,
        }),
      );
      expect(attribution.metricAttribution?.status).toBe('ACTIVE');
      expect(attribution.metricAttribution?.metricsOutputConfig?.s3DataDestination?.path).toBe(
        `s3://${name}-${LOCAL_ACCOUNT}-${LOCAL_REGION}/metric-attribution/`,
      );
      const ssm = new SSMClient({});
      const parameter = await ssm.send(new GetParameterCommand({ Name: `/${name}/serving` }));
      ssm.destroy();
      const serving = JSON.parse(parameter.Parameter?.Value ?? '{}') as Record<string, unknown>;
      expect(Object.keys(serving).sort()).toEqual(['campaigns', 'filters', 'recipes', 'recommenders']);
      expect(serving.recommenders).toEqual(
        Object.fromEntries(
          project.config.recommenders.map((r) => [r.name, `${ARN}:recommender/${name}-${r.name}`]),
        ),
      );
      expect(serving.campaigns).toEqual({ 'popular-custom': `${ARN}:campaign/${name}-popular-custom` });
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a second run creates and updates nothing',
    async () => {
      // Prepare
      const before = await recommendersOf(world.personalize, name);

      // Act
      const { summary } = succeeded(await world.pipeline.run({}));

      // Assess
      const after = await recommendersOf(world.personalize, name);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      for (const [arn, recommender] of Object.entries(after)) {
        expect(recommender?.creationDateTime).toEqual(before[arn]?.creationDateTime);
        expect(recommender?.latestRecommenderUpdate).toBeUndefined();
      }
      for (const { name: recommender } of project.config.recommenders)
        expect(summary).toContain(`- ${recommender}: no changes`);
      expect(summary).toContain('Metric attribution: no changes');
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a changed minRecommendationRequestsPerSecond updates only that recommender; a changed metric updates the attribution',
    async () => {
      // Prepare
      const input = {
        config: inlineConfigOf(project, (c) => {
          const recommenders = c.recommenders as Array<{
            name: string;
            recommenderConfig: Record<string, unknown>;
          }>;
          const bestSellers = recommenders.find((r) => r.name === 'best-sellers');
          if (bestSellers) bestSellers.recommenderConfig.minRecommendationRequestsPerSecond = 2;
          const attribution = c.metricAttribution as { metrics: Array<Record<string, string>> };
          attribution.metrics = attribution.metrics.filter((m) => m.metricName !== 'CLICKS');
        }),
      };

      // Act
      const { summary } = succeeded(await world.pipeline.run(input));

      // Assess
      expect(summary).toContain('- best-sellers: updated: minRecommendationRequestsPerSecond');
      expect(summary).toContain('- for-you: no changes');
      expect(summary).toContain('Metric attribution: updated (removed CLICKS)');
      const recommenders = await recommendersOf(world.personalize, name);
      const bestSellers = recommenders[`${ARN}:recommender/${name}-best-sellers`];
      expect(bestSellers?.status).toBe('ACTIVE');
      expect(bestSellers?.recommenderConfig?.minRecommendationRequestsPerSecond).toBe(2);
      expect(bestSellers?.latestRecommenderUpdate?.status).toBe('ACTIVE');
      expect(
        recommenders[`${ARN}:recommender/${name}-for-you`]?.recommenderConfig
          ?.minRecommendationRequestsPerSecond,
      ).toBe(1);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a recommender whose config says stopped is stopped and leaves the serving parameter; the next run starts it again',
    async () => {
      // Prepare
      const mostViewed = `${ARN}:recommender/${name}-most-viewed`;
      const statusOf = async (recommenderArn: string) =>
        (await world.personalize.send(new DescribeRecommenderCommand({ recommenderArn }))).recommender
          ?.status;
      const servedRecommenders = async () => {
        const ssm = new SSMClient({});
        const parameter = await ssm.send(new GetParameterCommand({ Name: `/${name}/serving` }));
        ssm.destroy();
        return (JSON.parse(parameter.Parameter?.Value ?? '{}') as { recommenders: Record<string, string> })
          .recommenders;
      };
      const input = {
        config: inlineConfigOf(project, (c) => {
          const recommenders = c.recommenders as Array<{ name: string; stopped?: boolean }>;
          const recommender = recommenders.find((r) => r.name === 'most-viewed');
          if (recommender) recommender.stopped = true;
        }),
      };

      // Act
      const stopped = succeeded(await world.pipeline.run(input));
      const stoppedStatus = await statusOf(mostViewed);
      const servedWhileStopped = await servedRecommenders();
      const started = succeeded(await world.pipeline.run({}));

      // Assess
      expect(stopped.summary).toContain(`- most-viewed: stopped (${mostViewed})`);
      expect(stopped.summary).toContain('- for-you: no changes');
      expect(stoppedStatus).toBe('INACTIVE');
      expect(servedWhileStopped).not.toHaveProperty('most-viewed');
      expect(servedWhileStopped).toHaveProperty('for-you', `${ARN}:recommender/${name}-for-you`);
      expect(started.summary).toContain(`- most-viewed: started (${mostViewed})`);
      expect(await statusOf(mostViewed)).toBe('ACTIVE');
      expect(await servedRecommenders()).toHaveProperty('most-viewed', mostViewed);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'the teardown lists, then deletes, the recommenders and the metric attribution with the dataset group',
    async () => {
      // Act
      const dryRun = await world.pipeline.teardown({ dryRun: true });
      const teardown = await world.pipeline.teardown({});

      // Assess
      const listed = (succeeded(dryRun) as unknown as TeardownResult).wouldDelete ?? [];
      const recommenderArns = project.config.recommenders.map((r) => `${ARN}:recommender/${name}-${r.name}`);
      const attributionArn = `${ARN}:metric-attribution/${name}-attribution`;
      expect(listed).toEqual(expect.arrayContaining([...recommenderArns, attributionArn]));
      // Dependency order: recommenders and the attribution before the datasets and the dataset group.
      const groupIndex = listed.indexOf(`${ARN}:dataset-group/${name}`);
      for (const arn of [...recommenderArns, attributionArn])
        expect(listed.indexOf(arn)).toBeLessThan(groupIndex);
      expect(teardown.status).toBe('SUCCEEDED');
      const groups = (await world.personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? [];
      expect(groups.map((g) => g.name)).not.toContain(name);
      expect((await world.personalize.send(new ListRecommendersCommand({}))).recommenders ?? []).toEqual([]);
      expect(
        (await world.personalize.send(new ListMetricAttributionsCommand({}))).metricAttributions ?? [],
      ).toEqual([]);
    },
    END_TO_END_TIMEOUT_MS,
  );
});
