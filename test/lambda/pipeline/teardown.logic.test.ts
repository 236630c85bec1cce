import {
  isProjectSchema,
  orderedResources,
  planTeardown,
  TEARDOWN_PHASES,
  teardownRequest,
} from '../../../lambda/pipeline/teardown.logic';

describe('teardown ordering', () => {
  test('deletes in dependency order: campaigns, recommenders, trackers, filters, metric attributions, solutions, datasets, group, schemas, parameters', () => {
    expect(TEARDOWN_PHASES).toEqual([
      'campaigns',
      'recommenders',
      'eventTrackers',
      'filters',
      'metricAttributions',
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

describe('the teardown input', () => {
  test('accepts {}, dryRun, reenable and the console default Comment', () => {
    expect(teardownRequest(undefined)).toEqual({});
    expect(teardownRequest({})).toEqual({});
    expect(teardownRequest({ dryRun: true })).toEqual({ dryRun: true });
    expect(teardownRequest({ reenable: true, Comment: 'Insert your JSON here' })).toEqual({ reenable: true });
  });

  test('refuses a misspelt dryRun, which would otherwise tear the project down, with a did-you-mean', () => {
    expect(() => teardownRequest({ dryrun: true })).toThrow(
      /unknown key "dryrun" \(did you mean "dryRun"\?\)/,
    );
  });

  test('refuses a value that is not a boolean, and dryRun with reenable', () => {
    expect(() => teardownRequest({ dryRun: 'yes' })).toThrow(
      /input.dryRun: expected true or false, got "yes"/,
    );
    expect(() => teardownRequest({ dryRun: true, reenable: true })).toThrow(/cannot be combined/);
    expect(() => teardownRequest([])).toThrow(/expected an object/);
  });
});
