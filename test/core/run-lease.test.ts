import {
  holdSeconds,
  LEASE_HOLDS,
  LEASE_MARGIN_MINUTES,
  queueWaitSeconds,
  RUN_STAGES,
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
