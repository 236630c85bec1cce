/**
 * Bad input stops the synthesized pipeline, run locally with the real handlers against moto and the
 * Personalize emulator, before any Personalize resource exists, saying which field, file, line and column.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ListDatasetGroupsCommand } from '@aws-sdk/client-personalize';
import { createS3Client } from '../../lambda/shared/clients';
import { END_TO_END_TIMEOUT_MS, inlineConfig, pipelineFixture } from './helpers';

async function datasetGroupCount(): Promise<number> {
  const { personalize } = await pipelineFixture();
  return ((await personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? []).length;
}

describe('the pipeline, run locally with bad input', () => {
  test(
    'a bad config stops the run before any Personalize resource exists, naming the field',
    async () => {
      // Prepare
      const fx = await pipelineFixture();
      const config = inlineConfig(fx.config, (c) => {
        const [, second] = c.solutions as Array<Record<string, unknown>>;
        if (second) second.recipe = 'aws-simz';
      });

      // Act
      const outcome = await fx.pipeline.run({ config });

      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
      expect(outcome.status === 'FAILED' && outcome.cause).toContain(
        'solutions[1].recipe: unknown recipe "aws-simz"',
      );
      expect(await datasetGroupCount()).toBe(0);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test.each([
    [{ solution: ['sims'] }, 'input.solution: unknown key "solution" (did you mean "solutions"?)'],
    [{ force: 'yes' }, 'input.force: expected true or false, received string "yes"'],
  ])(
    'the run input %j fails the run at its first state, naming the key',
    async (input, message) => {
      // Prepare
      const fx = await pipelineFixture();

      // Act
      const outcome = await fx.pipeline.run(input);

      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
      expect(outcome.status === 'FAILED' && outcome.cause).toContain(message);
      const entered = outcome.events.filter((e) => e.type === 'StateEntered').map((e) => e.state);
      expect(entered.slice(0, 2)).toEqual(['AddDeployedConfig', 'TakeRunLease']);
      expect(entered).not.toContain('Validate');
      expect(await datasetGroupCount()).toBe(0);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'bad data stops the run before any Personalize resource exists, naming file, line and column',
    async () => {
      // Prepare
      const fx = await pipelineFixture();
      const s3 = createS3Client();
      const Body =
        'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,IMPRESSION,RECOMMENDATION_ID\nuser-0001,item-0001,1727654400000,view,,,\n';
      await s3.send(
        new PutObjectCommand({ Bucket: fx.project.bucketName, Key: 'bad/interactions/part-1.csv', Body }),
      );
      s3.destroy();
      const config = inlineConfig(fx.config, (c) => {
        const { interactions } = c.datasets as Record<string, Record<string, unknown>>;
        if (interactions) interactions.dataLocation = 'bad/interactions/';
      });

      // Act
      const outcome = await fx.pipeline.run({ config });

      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
      const cause = outcome.status === 'FAILED' ? outcome.cause : '';
      expect(cause).toContain('bad/interactions/part-1.csv');
      expect(cause).toMatch(/line 2/);
      expect(cause).toContain('TIMESTAMP');
      expect(cause).toMatch(/milliseconds/);
      expect(await datasetGroupCount()).toBe(0);
    },
    END_TO_END_TIMEOUT_MS,
  );
});
