/**
 * The virtual-clock polling simulation behind bench/polling-simulation.ts: our adaptive polling (the real
 * `nextWaitSeconds`) notices a completion at most max(10 s, 5% of the job) and never more than a minute late;
 * the exception-retry scheme (60 s × 1.02) has a ≈ 5.2 h ceiling, notices a 15-minute job about a minute late
 * and fails longer jobs; the cost model counts 3 transitions per extra poll loop iteration and 1 per retry.
 * Everything is simulated time: no wall-clock timing is asserted.
 */
import {
  adaptivePolling,
  AWS_SOLUTION_RETRY,
  exceptionRetry,
  latenessAround,
  maxAttemptsForBudget,
  retryBudgetSeconds,
  runCost,
  sampleRun,
  simulateRun,
  type RunModel,
  type WaitScheme,
} from '../../bench/lib/polling-simulation';

const HOUR = 3600;
const adaptive: WaitScheme = (d, timeout) => adaptivePolling(d, timeout);
const retry: WaitScheme = (d) => exceptionRetry(d);

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v < to; v += step) values.push(v);
  return values;
}

describe('adaptive polling (nextWaitSeconds)', () => {
  test('notices every completion of a job up to 12 h at most max(10 s, 5% of the job) late, never more than 60 s', () => {
    const jobs = [...range(0.5, 30 * 60, 1.3), ...range(30 * 60, 12 * HOUR, 41)];
    for (const d of jobs) {
      const outcome = adaptivePolling(d);

      expect(outcome.failed).toBe(false);
      expect(outcome.lateness).toBeGreaterThanOrEqual(0);
      expect(outcome.lateness).toBeLessThanOrEqual(Math.min(60, Math.max(10, 0.05 * d)));
    }
  });

  test('a job that finishes before the first check is noticed by that check, with one poll', () => {
    expect(adaptivePolling(0)).toEqual({ noticedAfter: 0, lateness: 0, polls: 1, repeats: 0, failed: false });
  });

  test('has no ceiling: a 10-hour training succeeds under the 24-hour training timeout', () => {
    expect(adaptivePolling(10 * HOUR, 24 * HOUR).failed).toBe(false);
  });

  test('a stage still pending past its timeout fails', () => {
    const outcome = adaptivePolling(2 * HOUR, 1 * HOUR);

    expect(outcome.failed).toBe(true);
    expect(outcome.noticedAfter).toBeGreaterThan(1 * HOUR);
    expect(outcome.noticedAfter).toBeLessThanOrEqual(1 * HOUR + 60);
  });
});

describe('exception retry (60 s × 1.02, the AWS solution)', () => {
  test('MaxAttempts 100 gives a budget of about 5.2 hours', () => {
    expect(AWS_SOLUTION_RETRY).toEqual({ intervalSeconds: 60, backoffRate: 1.02, maxAttempts: 100 });
    expect(retryBudgetSeconds(AWS_SOLUTION_RETRY) / HOUR).toBeCloseTo(5.2, 1);
  });

  test('the budget is Σ 60 × 1.02^k over the retries, and MaxAttempts is the closest to the wanted budget', () => {
    expect(retryBudgetSeconds({ intervalSeconds: 60, backoffRate: 1.02, maxAttempts: 2 })).toBeCloseTo(
      60 + 61.2,
      9,
    );
    expect(maxAttemptsForBudget(60, 1, 600)).toBe(10);
    expect(maxAttemptsForBudget(60, 1, 629)).toBe(10);
    expect(maxAttemptsForBudget(60, 1, 631)).toBe(11);
  });

  test('a 15-minute job is noticed about a minute late', () => {
    const outcome = exceptionRetry(15 * 60);

    expect(outcome.failed).toBe(false);
    expect(outcome.lateness).toBeGreaterThan(40);
    expect(outcome.lateness).toBeLessThan(80);
  });

  test('jobs of hours 3 to 5 are noticed minutes late on average, ours under a minute', () => {
    const theirs = latenessAround(retry, 4 * HOUR, 0.1, 5);
    const ours = latenessAround(adaptive, 4 * HOUR, 0.1, 5);

    expect(theirs.mean).toBeGreaterThan(120);
    expect(theirs.max).toBeGreaterThan(300);
    expect(ours.max).toBeLessThan(60);
  });

  test('a job longer than the budget fails when the retries run out, however healthy it is', () => {
    const outcome = exceptionRetry(6 * HOUR);

    expect(outcome.failed).toBe(true);
    expect(outcome.noticedAfter).toBeCloseTo(retryBudgetSeconds(AWS_SOLUTION_RETRY), 6);
    expect(outcome.polls).toBe(101);
  });
});

describe('a whole run and its cost', () => {
  const model: RunModel = {
    before: [{ name: 'A', jobSeconds: [60, 30] }],
    branches: [[{ name: 'B1', jobSeconds: [HOUR] }], [{ name: 'B2', jobSeconds: [2 * HOUR] }]],
    after: [{ name: 'C', jobSeconds: [0] }],
  };

  test('stages wait for their longest job, branches run side by side, and the run ends after the slowest branch', () => {
    const run = simulateRun(model, adaptive);

    const [a, b1, b2, c] = run.stages;
    expect(a?.duration).toBe(60);
    expect(b1?.startedAt).toBe(a?.outcome.noticedAfter);
    expect(b2?.startedAt).toBe(a?.outcome.noticedAfter);
    expect(c?.startedAt).toBe((b2?.startedAt ?? 0) + (b2?.outcome.noticedAfter ?? 0));
    expect(run.runSeconds).toBe(c?.startedAt);
    expect(run.failedStages).toEqual([]);
  });

  test('ours bills 3 transitions and 1 invocation per extra poll, the retry scheme 1 and 1 per retry, minus Choice and Ready per loop', () => {
    const fixed = { transitions: 100, lambdaInvocations: 20, pollLoops: 4 };
    const ours = simulateRun(model, adaptive);
    const theirs = simulateRun(model, retry);

    expect(runCost(ours, 'adaptive', fixed)).toMatchObject({
      stateTransitions: 100 + 3 * ours.repeats,
      lambdaInvocations: 20 + ours.repeats,
      pollInvocations: 4 + ours.repeats,
    });
    expect(runCost(theirs, 'exception-retry', fixed)).toMatchObject({
      stateTransitions: 100 - 2 * 4 + theirs.repeats,
      lambdaInvocations: 20 + theirs.repeats,
    });
  });

  test('in the sample run the retry scheme fails the 6-hour training and never deploys its campaign; ours deploys all four', () => {
    const sample = sampleRun([1, 2, 3, 6], {
      import: 6 * HOUR,
      training: 24 * HOUR,
      campaign: 2 * HOUR,
      batch: 12 * HOUR,
      other: HOUR,
    });

    const ours = simulateRun(sample, adaptive);
    const theirs = simulateRun(sample, retry);

    expect(ours.failedStages).toEqual([]);
    expect(ours.stages).toHaveLength(18);
    expect(theirs.failedStages).toEqual(['Training (ranking)']);
    expect(theirs.stages.map((s) => s.stage.name)).not.toContain('Campaign (ranking)');
  });
});
