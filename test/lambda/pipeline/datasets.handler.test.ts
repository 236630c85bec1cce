/** The datasets handler against moto and the emulator: one dataset per configured type, created once. */
import { pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the datasets handler', () => {
  test('datasets creates one dataset per configured type, and a second call creates nothing', async () => {
    // Prepare
    const { h } = await world();
    const p = project(PROJECT);
    const { config } = await p.run();
    const { datasetGroupArn, schemaArns } = await p.group();
    // Act
    const first = await h.datasets({ config, datasetGroupArn, schemaArns });
    await pollUntilDone(
      h.poll,
      'datasets',
      Object.values(first.datasetArns).map((arn) => ({ kind: 'dataset' as const, arn: arn ?? '' })),
    );
    const again = await h.datasets({ config, datasetGroupArn, schemaArns });
    // Assess
    expect(first.datasetArns).toEqual({
      interactions: `arn:aws:personalize:us-east-1:123456789012:dataset/${PROJECT}/INTERACTIONS`,
      items: `arn:aws:personalize:us-east-1:123456789012:dataset/${PROJECT}/ITEMS`,
    });
    expect(first.created).toHaveLength(2);
    expect(withoutStart(again)).toEqual({
      datasetArns: first.datasetArns,
      created: [],
      targets: first.targets,
    });
  });
});
