import {
  isProjectSchema,
  orderedResources,
  planTeardown,
  TEARDOWN_PHASES,
} from '../../../lambda/pipeline/teardown.logic';

describe('teardown ordering', () => {
  test('deletes in dependency order: campaigns, trackers, filters, solutions, datasets, group, schemas, parameters', () => {
    expect(TEARDOWN_PHASES).toEqual([
      'campaigns',
      'eventTrackers',
      'filters',
      'solutions',
      'datasets',
      'datasetGroup',
      'schemas',
      'parameters',
    ]);
  });

  test('works on the first phase that still has resources', () => {
    // Prepare
    const inventory = {
      solutions: [{ id: 'sol', status: 'ACTIVE' }],
      datasets: [{ id: 'ds', status: 'ACTIVE' }],
      schemas: [{ id: 'schema' }],
    };
    // Act
    const plan = planTeardown(inventory);
    // Assess
    expect(plan.done).toBe(false);
    expect(plan.phase).toBe('solutions');
    expect(plan.toDelete).toEqual(['sol']);
    expect(plan.remaining).toEqual({ solutions: ['sol'], datasets: ['ds'], schemas: ['schema'] });
  });

  test('does not delete again what is already being deleted', () => {
    const plan = planTeardown({
      campaigns: [
        { id: 'c1', status: 'DELETE PENDING' },
        { id: 'c2', status: 'ACTIVE' },
      ],
    });
    expect(plan.toDelete).toEqual(['c2']);
    expect(plan.alreadyDeleting).toEqual(['c1']);
  });

  test('is done when nothing is left', () => {
    expect(planTeardown({})).toEqual({ done: true, toDelete: [], alreadyDeleting: [], remaining: {} });
  });

  test('lists every resource in deletion order for a dry run', () => {
    const order = orderedResources({
      schemas: [{ id: 's' }],
      campaigns: [{ id: 'c' }],
      datasetGroup: [{ id: 'g' }],
      parameters: [{ id: '/p/serving' }],
    });
    expect(order).toEqual(['c', 'g', 's', '/p/serving']);
  });

  test('recognises the project schemas and their later generations only', () => {
    expect(isProjectSchema('shop', 'shop-interactions')).toBe(true);
    expect(isProjectSchema('shop', 'shop-items-v3')).toBe(true);
    expect(isProjectSchema('shop', 'shop-2-items')).toBe(false);
    expect(isProjectSchema('shop', 'shopping-items')).toBe(false);
  });
});
