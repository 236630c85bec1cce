/**
 * The filters handler against moto and the emulator: each config filter is created once, and a changed
 * expression replaces the old filter only once the new one is ACTIVE.
 */
import { ListFiltersCommand } from '@aws-sdk/client-personalize';
import { pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the filters handler', () => {
  test('filters creates each filter, and a changed expression replaces the old filter once the new one is ACTIVE', async () => {
    // Prepare
    const { h, personalize } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { datasetGroupArn } = await p.group();
    await p.imported();
    const first = await h.filters({ config: run.config, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      Object.values(first.filters).map((arn) => ({ kind: 'filter' as const, arn })),
    );
    const unchanged = await h.filters({ config: run.config, datasetGroupArn });
    const changedConfig = {
      ...run.config,
      filters: [
        {
          name: 'exclude-purchased',
          expression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase","cart")',
        },
      ],
    };
    // Act
    const replaced = await h.filters({ config: changedConfig, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      Object.values(replaced.filters).map((arn) => ({ kind: 'filter' as const, arn })),
    );
    const cleaned = await h.filters({ config: changedConfig, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      cleaned.deleted.map((arn) => ({ kind: 'deleted' as const, arn })),
    );
    const restored = await h.filters({ config: run.config, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      Object.values(restored.filters).map((arn) => ({ kind: 'filter' as const, arn })),
    );
    const restoredClean = await h.filters({ config: run.config, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      restoredClean.deleted.map((arn) => ({ kind: 'deleted' as const, arn })),
    );
    // Assess
    expect(first.created).toEqual([first.filters['exclude-purchased']]);
    expect(first.filters['exclude-purchased']).toMatch(
      new RegExp(`filter/${PROJECT}-exclude-purchased-[0-9a-f]{8}$`),
    );
    expect(withoutStart(unchanged)).toEqual({
      filters: first.filters,
      created: [],
      deleted: [],
      pendingDeletion: [],
      targets: first.targets,
    });
    expect(replaced.created).toEqual([replaced.filters['exclude-purchased']]);
    expect(replaced.pendingDeletion).toEqual([first.filters['exclude-purchased']]);
    expect(cleaned.deleted).toEqual([first.filters['exclude-purchased']]);
    expect(cleaned.targets).toContainEqual({ kind: 'deleted', arn: first.filters['exclude-purchased'] });
    expect(restoredClean.deleted).toEqual([replaced.filters['exclude-purchased']]);
    const remaining = await personalize.send(new ListFiltersCommand({ datasetGroupArn }));
    expect(remaining.Filters?.map((f) => f.filterArn)).toEqual([first.filters['exclude-purchased']]);
  });
});
