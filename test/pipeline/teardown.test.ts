/**
 * The teardown workflow, run locally with the real handlers against moto and the Personalize emulator after
 * a run of the sample project deployed everything: it leaves nothing of the project in Personalize.
 */
import { ListDatasetGroupsCommand, ListSchemasCommand } from '@aws-sdk/client-personalize';
import { END_TO_END_TIMEOUT_MS, firstRun, pipelineFixture, succeeded } from './helpers';

describe('the teardown workflow, run locally', () => {
  test(
    'the teardown workflow leaves nothing of the project in Personalize',
    async () => {
      // Prepare
      const fx = await pipelineFixture();
      succeeded((await firstRun()).outcome);

      // Act
      const outcome = await fx.pipeline.teardown({});

      // Assess
      succeeded(outcome);
      const groups = (await fx.personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? [];
      expect(groups.length).toBe(0);
      const schemas = (await fx.personalize.send(new ListSchemasCommand({}))).schemas ?? [];
      expect(schemas.filter((s) => s.name?.startsWith(fx.config.projectName))).toEqual([]);
    },
    END_TO_END_TIMEOUT_MS,
  );
});
