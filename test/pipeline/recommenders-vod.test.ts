/**
 * A VIDEO_ON_DEMAND project end to end: the pipeline creates its top-picks and because-you-watched-x recommenders,
 * trained on `Watch` events, and each answers GetRecommendations. Its own file: the handlers read the project's
 * bucket from the environment once, at load.
 */
import { DescribeRecommenderCommand } from '@aws-sdk/client-personalize';
import { ARN, exampleSchema, generateProject, recommend, start } from './domain-projects';
import { END_TO_END_TIMEOUT_MS, succeeded } from './helpers';

describe('a VIDEO_ON_DEMAND project', () => {
  test(
    'gets its top-picks and because-you-watched-x recommenders, trained on Watch events',
    async () => {
      // Prepare
      const vodSchema = (fields: object[], name: string) => ({
        type: 'record',
        name,
        namespace: 'com.amazonaws.personalize.schema',
        fields,
        version: '1.0',
      });
      const project = generateProject({
        domain: 'VIDEO_ON_DEMAND',
        config: {
          projectName: 'vod-e2e',
          solutions: [{ name: 'popular', recipe: 'aws-popularity-count' }],
          recommenders: [
            { name: 'top-picks', useCase: 'aws-vod-top-picks' },
            { name: 'because-you-watched', useCase: 'aws-vod-because-you-watched-x' },
          ],
        },
        eventsPerUser: { Watch: 15 },
        schemas: {
          interactions: vodSchema(
            [
              { name: 'USER_ID', type: 'string' },
              { name: 'ITEM_ID', type: 'string' },
              { name: 'TIMESTAMP', type: 'long' },
              { name: 'EVENT_TYPE', type: 'string' },
            ],
            'Interactions',
          ),
          items: vodSchema(
            [
              { name: 'ITEM_ID', type: 'string' },
              { name: 'GENRES', type: 'string', categorical: true },
              { name: 'CREATION_TIMESTAMP', type: 'long' },
            ],
            'Items',
          ),
          users: exampleSchema('users'),
        },
        itemHeader: 'ITEM_ID,GENRES,CREATION_TIMESTAMP',
        itemRow: (id, i) => `${id},${i % 2 === 0 ? 'Comedy' : 'Drama|Action'},1690000000`,
      });
      const world = await start(project);
      try {
        // Act
        const { summary } = succeeded(await world.pipeline.run({}));

        // Assess
        expect(summary).toContain('- top-picks: created');
        expect(summary).toContain('- because-you-watched: created');
        for (const definition of project.config.recommenders) {
          const arn = `${ARN}:recommender/vod-e2e-${definition.name}`;
          const described = await world.personalize.send(
            new DescribeRecommenderCommand({ recommenderArn: arn }),
          );
          expect(described.recommender?.status).toBe('ACTIVE');
          const items = await recommend(
            world.runtime,
            arn,
            definition.useCase,
            project.users[1] ?? '',
            project.items[40] ?? '',
          );
          expect({ arn, answered: items.length > 0 }).toEqual({ arn, answered: true });
        }
      } finally {
        await world.stop();
      }
    },
    END_TO_END_TIMEOUT_MS,
  );
});
