/**
 * The dataset-group handler against moto and the emulator: it creates the schemas and the KMS-encrypted
 * dataset group once, and a changed schema becomes a new schema generation that the datasets step moves the
 * dataset onto.
 */
import { DescribeDatasetGroupCommand } from '@aws-sdk/client-personalize';
import { failure, pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the dataset-group handler', () => {
  test('dataset-group creates the schemas and the KMS-encrypted dataset group, and a second call creates nothing', async () => {
    // Prepare
    const { h, personalize } = await world();
    const run = await project(PROJECT).run();
    // Act
    const first = await h.datasetGroup(run);
    await pollUntilDone(h.poll, 'datasetGroup', [{ kind: 'datasetGroup', arn: first.datasetGroupArn }]);
    const second = await h.datasetGroup(run);
    // Assess
    expect(first.datasetGroupArn).toBe(`arn:aws:personalize:us-east-1:123456789012:dataset-group/${PROJECT}`);
    expect(Object.keys(first.schemaArns).sort()).toEqual(['interactions', 'items']);
    expect(first.created).toHaveLength(3);
    expect(withoutStart(second)).toEqual(withoutStart({ ...first, created: [] }));
    expect(first.targets).toEqual([{ kind: 'datasetGroup', arn: first.datasetGroupArn }]);
    const group = await personalize.send(
      new DescribeDatasetGroupCommand({ datasetGroupArn: first.datasetGroupArn }),
    );
    expect(group.datasetGroup?.kmsKeyArn).toBe(process.env.KMS_KEY_ARN);
  });

  test('dataset-group creates a new schema generation when a schema changes, datasets moves the dataset onto it, and refuses to move it back', async () => {
    // Prepare
    const { h } = await world();
    const p = project('schema-change');
    const run = await p.run();
    const { datasetGroupArn, schemaArns } = await p.group();
    const { datasetArns } = await p.datasets();
    await p.imported();
    const itemsSchema = JSON.parse(run.config.datasets.items?.schema ?? '{}') as { fields: object[] };
    itemsSchema.fields.push({ name: 'COLOUR', type: ['null', 'string'], categorical: true });
    const original = run.config.datasets.items;
    if (original === undefined) throw new Error('the config has an items dataset');
    const items = { ...original, schema: JSON.stringify(itemsSchema) };
    const changed = { ...run, config: { ...run.config, datasets: { ...run.config.datasets, items } } };
    // Act
    const regrouped = await h.datasetGroup(changed);
    const moved = await h.datasets({
      config: changed.config,
      datasetGroupArn,
      schemaArns: regrouped.schemaArns,
    });
    await pollUntilDone(h.poll, 'datasets', [{ kind: 'dataset', arn: datasetArns.items ?? '' }]);
    const again = await h.datasetGroup(changed);
    const movedAgain = await h.datasets({
      config: changed.config,
      datasetGroupArn,
      schemaArns: again.schemaArns,
    });
    const backwards = await failure(h.datasets({ config: run.config, datasetGroupArn, schemaArns }));
    // Assess
    expect(regrouped.schemaArns.items).toBe(
      `arn:aws:personalize:us-east-1:123456789012:schema/${p.name}-items-v2`,
    );
    expect(regrouped.schemaArns.interactions).toBe(schemaArns.interactions);
    expect(regrouped.created).toEqual([regrouped.schemaArns.items]);
    expect(moved.created).toEqual([datasetArns.items]);
    expect(withoutStart(again)).toEqual(withoutStart({ ...regrouped, created: [] }));
    expect(movedAgain.created).toEqual([]);
    expect(backwards.name).toBe('ResourceConflict');
    expect(backwards.message).toContain(
      `Dataset ${datasetArns.items} cannot move from schema ${regrouped.schemaArns.items} to ${schemaArns.items}`,
    );
    expect(backwards.message).toContain('removes field COLOUR');
  });
});
