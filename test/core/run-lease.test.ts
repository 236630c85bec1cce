import {
  domainStages,
  holdSeconds,
  LEASE_HOLDS,
  LEASE_MARGIN_MINUTES,
  queueWaitSeconds,
  RUN_STAGES,
  runStages,
  runTimeoutSeconds,
} from '../../core/run-lease';

const TIMEOUTS = { import: 360, training: 1440, campaign: 120, batch: 720, other: 60 };

describe('the run lease', () => {
  test('holds for the timeouts of the stages until the next renewal, plus the margin', () => {
    // Act
    const taken = holdSeconds(LEASE_HOLDS.take, TIMEOUTS);
    const afterImports = holdSeconds(LEASE_HOLDS.afterImports, TIMEOUTS);

    // Assess
    expect(taken).toBe((3 * 60 + 360 + LEASE_MARGIN_MINUTES) * 60);
    expect(afterImports).toBe((2 * 60 + 1440 + 120 + LEASE_MARGIN_MINUTES) * 60);
  });

  test('bounds a queued run by the run timeout: every stage of a run at its timeout, plus the margin', () => {
    // Act
    const bound = runTimeoutSeconds(TIMEOUTS);

    // Assess
    expect(RUN_STAGES).toEqual([
      ...LEASE_HOLDS.take,
      ...LEASE_HOLDS.afterImports,
      ...LEASE_HOLDS.afterSolutions,
    ]);
    expect(bound).toBe((7 * 60 + 360 + 1440 + 120 + 720 + LEASE_MARGIN_MINUTES) * 60);
  });

  test('counts the domain stages a config has: the metric attribution, then two passes of the recommenders', () => {
    // Act
    const both = domainStages({ recommenders: [{}], metricAttribution: {} });
    const recommendersOnly = domainStages({ recommenders: [{}, {}] });
    const attributionOnly = domainStages({ recommenders: [], metricAttribution: {} });
    const neither = domainStages({ recommenders: [] });

    // Assess
    expect(both).toEqual(['other', 'training', 'training']);
    expect(recommendersOnly).toEqual(['training', 'training']);
    expect(attributionOnly).toEqual(['other']);
    expect(neither).toEqual([]);
  });

  test('bounds a queued run of a definition with domain stages by a run timeout that includes them', () => {
    // Prepare
    const domain = domainStages({ recommenders: [{}], metricAttribution: {} });

    // Act
    const bound = runTimeoutSeconds(TIMEOUTS, domain);

    // Assess
    expect(runStages(domain)).toEqual([
      ...LEASE_HOLDS.take,
      ...domain,
      ...LEASE_HOLDS.afterImports,
      ...LEASE_HOLDS.afterSolutions,
    ]);
    expect(bound - runTimeoutSeconds(TIMEOUTS)).toBe((60 + 2 * 1440) * 60);
    expect(runTimeoutSeconds(TIMEOUTS, [])).toBe(runTimeoutSeconds(TIMEOUTS));
  });

  test('has a queued run try again every 30 s at first, then every 5% of its wait, at most every 5 minutes', () => {
    // Act
    const waits = [0, 600, 3600, 36_000].map(queueWaitSeconds);

    // Assess
    expect(waits).toEqual([30, 30, 180, 300]);
  });

  test('has a run queued for the whole run timeout try the lease fewer than 1,000 times (an execution history holds 25,000 events, about ten a try)', () => {
    // Prepare
    const bound = runTimeoutSeconds(TIMEOUTS);
    let waited = 0;
    let tries = 0;

    // Act
    while (waited < bound) {
      waited += queueWaitSeconds(waited);
      tries += 1;
    }

    // Assess
    expect(tries).toBeLessThan(1000);
  });
});
