/**
 * A virtual-clock simulation of how a pipeline run on AWS waits for Personalize jobs, under two schemes:
 *
 * - **adaptive** (this project): Wait → Check → Choice loops. The Check (Lambda `poll`) runs right after the
 *   step that started the jobs, and while anything is pending it returns `nextWaitSeconds(elapsed)` from
 *   lambda/shared/polling.ts — the real function, imported — which the next Wait state waits. A stage that is
 *   still pending past its timeout fails (`StageTimeout`).
 * - **exception retry** (the AWS solution "maintaining personalized experiences with machine learning"): a
 *   Lambda task describes the resource and throws while it is not ACTIVE; the task's Retry (IntervalSeconds 60,
 *   BackoffRate 1.02, MaxAttempts N) re-runs it. When the retries are used up the error is uncaught: the job
 *   "fails" however healthy it is.
 *
 * Nothing waits for real: every poll is a point on a number line. Poll latency (Lambda run time, transition
 * latency, a fraction of a second per iteration) is ignored, so lateness is the pure cost of the schedule.
 *
 * Billing (Step Functions Standard bills per state transition, retries included; Lambda per request and per
 * GB-second) is computed from the simulated counts plus the duration-independent part of a run, which
 * bench/pipeline-local.ts measures from the events of a local run of the synthesized machine.
 */
import { nextWaitSeconds } from '../../lambda/shared/polling';

/** How one wait for a set of jobs that finish together went. */
export interface WaitOutcome {
  /** Seconds after the stage started at which the scheme saw the jobs done (or gave up). */
  readonly noticedAfter: number;
  /** `noticedAfter − duration`: how late the completion was noticed. NaN when the wait failed. */
  readonly lateness: number;
  /** Describe calls (Lambda invocations) made by the wait, the first one included. */
  readonly polls: number;
  /** Polls after the first: Wait-state iterations (adaptive) or Retry attempts (exception retry). */
  readonly repeats: number;
  /** True when the wait gave up before the jobs finished (stage timeout / retries exhausted). */
  readonly failed: boolean;
}

/** A waiting scheme: how it waits for jobs that take `durationSeconds` from the start of the stage. */
export type WaitScheme = (durationSeconds: number, timeoutSeconds?: number) => WaitOutcome;

/** Safety net against a wait function that never advances the clock. */
const MAX_POLLS = 1_000_000;

// ------------------------------------------------------------------------------------------------
// Adaptive polling (this project)
// ------------------------------------------------------------------------------------------------

/**
 * The Wait → Check → Choice loop: check at elapsed 0, then after each `nextWait(floor(elapsed))` seconds.
 * `timeoutSeconds` is the stage timeout (the poll fails the stage once elapsed exceeds it).
 */
export function adaptivePolling(
  durationSeconds: number,
  timeoutSeconds = Infinity,
  nextWait: (elapsedSeconds: number) => number = nextWaitSeconds,
): WaitOutcome {
  let elapsed = 0;
  for (let polls = 1; polls <= MAX_POLLS; polls += 1) {
    if (elapsed >= durationSeconds) {
      return {
        noticedAfter: elapsed,
        lateness: elapsed - durationSeconds,
        polls,
        repeats: polls - 1,
        failed: false,
      };
    }
    if (Math.floor(elapsed) > timeoutSeconds) {
      return { noticedAfter: elapsed, lateness: NaN, polls, repeats: polls - 1, failed: true };
    }
    const wait = nextWait(Math.floor(elapsed));
    if (!(wait > 0))
      throw new Error(`nextWait(${Math.floor(elapsed)}) returned ${wait}: the loop would never advance`);
    elapsed += wait;
  }
  throw new Error(`More than ${MAX_POLLS} polls for a ${durationSeconds} s job`);
}

// ------------------------------------------------------------------------------------------------
// Exception-driven retries (the AWS solution)
// ------------------------------------------------------------------------------------------------

/** A Step Functions Retry rule (no jitter, no MaxDelaySeconds). */
export interface RetryPolicy {
  readonly intervalSeconds: number;
  readonly backoffRate: number;
  /** Retries after the first attempt. */
  readonly maxAttempts: number;
}

/** Delay before retry `n` (1-based): `IntervalSeconds × BackoffRate^(n−1)`. */
export function retryDelaySeconds(policy: RetryPolicy, n: number): number {
  return policy.intervalSeconds * policy.backoffRate ** (n - 1);
}

/** Seconds from the first attempt to the last retry: the longest job the rule can wait for. */
export function retryBudgetSeconds(policy: RetryPolicy): number {
  let total = 0;
  for (let n = 1; n <= policy.maxAttempts; n += 1) total += retryDelaySeconds(policy, n);
  return total;
}

/** The MaxAttempts whose budget is closest to `budgetSeconds`. */
export function maxAttemptsForBudget(
  intervalSeconds: number,
  backoffRate: number,
  budgetSeconds: number,
): number {
  let best = 0;
  let bestGap = Infinity;
  for (let n = 0, total = 0; n <= 10_000 && total - budgetSeconds < bestGap; n += 1) {
    const gap = Math.abs(total - budgetSeconds);
    if (gap < bestGap) [best, bestGap] = [n, gap];
    total += intervalSeconds * backoffRate ** n;
  }
  return best;
}

/** The ceiling quoted for the AWS solution: about 5.2 hours of retries. */
export const AWS_SOLUTION_BUDGET_SECONDS = 5.2 * 3600;

/** 60 s × 1.02 backoff, MaxAttempts chosen so the budget is ≈ 5.2 h. */
export const AWS_SOLUTION_RETRY: RetryPolicy = {
  intervalSeconds: 60,
  backoffRate: 1.02,
  maxAttempts: maxAttemptsForBudget(60, 1.02, AWS_SOLUTION_BUDGET_SECONDS),
};

/** A task that throws while the job runs, re-run by `policy`; it fails once the retries are used up. */
export function exceptionRetry(
  durationSeconds: number,
  policy: RetryPolicy = AWS_SOLUTION_RETRY,
): WaitOutcome {
  let elapsed = 0;
  for (let retry = 0; retry <= policy.maxAttempts; retry += 1) {
    if (retry > 0) elapsed += retryDelaySeconds(policy, retry);
    if (elapsed >= durationSeconds) {
      return {
        noticedAfter: elapsed,
        lateness: elapsed - durationSeconds,
        polls: retry + 1,
        repeats: retry,
        failed: false,
      };
    }
  }
  return {
    noticedAfter: elapsed,
    lateness: NaN,
    polls: policy.maxAttempts + 1,
    repeats: policy.maxAttempts,
    failed: true,
  };
}

/** Lateness over every job length within ±`spread` of `durationSeconds`, one per `stepSeconds`. */
export function latenessAround(
  scheme: WaitScheme,
  durationSeconds: number,
  spread = 0.1,
  stepSeconds = 1,
): { readonly mean: number; readonly max: number; readonly failures: number; readonly samples: number } {
  let sum = 0;
  let max = 0;
  let count = 0;
  let failures = 0;
  for (let d = durationSeconds * (1 - spread); d <= durationSeconds * (1 + spread); d += stepSeconds) {
    const outcome = scheme(d);
    if (outcome.failed) {
      failures += 1;
      continue;
    }
    sum += outcome.lateness;
    max = Math.max(max, outcome.lateness);
    count += 1;
  }
  return { mean: count ? sum / count : NaN, max: count ? max : NaN, failures, samples: count + failures };
}

// ------------------------------------------------------------------------------------------------
// A whole run
// ------------------------------------------------------------------------------------------------

/** One wait loop of the pipeline: the jobs one step started, waited for together. */
export interface Stage {
  /** e.g. `Imports`, `Training (ranking)`. */
  readonly name: string;
  /** How long each job of the stage takes, in seconds; the stage is done when the longest is. */
  readonly jobSeconds: readonly number[];
  /** The stage timeout of the adaptive scheme, in seconds. @default no timeout */
  readonly timeoutSeconds?: number;
}

/** The shape of a pipeline run: stages one after the other, then parallel branches, then more stages. */
export interface RunModel {
  readonly before: readonly Stage[];
  /** Branches of the Solutions map, all running at once (the sample config has 4 solutions, maxConcurrency 4). */
  readonly branches: ReadonlyArray<readonly Stage[]>;
  readonly after: readonly Stage[];
}

export interface StageResult {
  readonly stage: Stage;
  /** Run clock (seconds) when the stage started. */
  readonly startedAt: number;
  /** Seconds the stage's jobs take (the longest). */
  readonly duration: number;
  readonly outcome: WaitOutcome;
}

export interface RunResult {
  readonly stages: readonly StageResult[];
  /** Run clock when the run ends (successfully or not). */
  readonly runSeconds: number;
  /** Stages whose wait failed; a failed branch stops there (its campaign is not deployed), the others go on. */
  readonly failedStages: readonly string[];
  readonly polls: number;
  readonly repeats: number;
}

/** Plays a run through a waiting scheme on a virtual clock. */
export function simulateRun(model: RunModel, scheme: WaitScheme): RunResult {
  const stages: StageResult[] = [];
  const playChain = (chain: readonly Stage[], start: number): number => {
    let clock = start;
    for (const stage of chain) {
      const duration = Math.max(...stage.jobSeconds);
      const outcome = scheme(duration, stage.timeoutSeconds);
      stages.push({ stage, startedAt: clock, duration, outcome });
      clock += outcome.noticedAfter;
      if (outcome.failed) break;
    }
    return clock;
  };
  let clock = playChain(model.before, 0);
  if (!stages.some((s) => s.outcome.failed)) {
    const mapStart = clock;
    clock = Math.max(mapStart, ...model.branches.map((branch) => playChain(branch, mapStart)));
    clock = playChain(model.after, clock);
  }
  return {
    stages,
    runSeconds: clock,
    failedStages: stages.filter((s) => s.outcome.failed).map((s) => s.stage.name),
    polls: stages.reduce((n, s) => n + s.outcome.polls, 0),
    repeats: stages.reduce((n, s) => n + s.outcome.repeats, 0),
  };
}

// ------------------------------------------------------------------------------------------------
// Cost
// ------------------------------------------------------------------------------------------------

/** us-east-1 list prices (no free tier). */
export interface Prices {
  /** Step Functions Standard, per state transition. */
  readonly stateTransition: number;
  /** Lambda on Arm (Graviton), per GB-second. */
  readonly lambdaGbSecond: number;
  /** Lambda, per request. */
  readonly lambdaRequest: number;
}

export const US_EAST_1: Prices = {
  stateTransition: 0.000025,
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
};

/** What a Lambda invocation is assumed to cost in time and memory. */
export interface LambdaAssumptions {
  /** The pipeline functions' memory (the `poll` function has 512 MB). */
  readonly memoryMb: number;
  /** Billed duration of one poll (one or a few Describe calls). */
  readonly pollSeconds: number;
  /** Billed duration of every other task (create calls, validation, summary), the same in both schemes. */
  readonly otherTaskSeconds: number;
}

export const DEFAULT_LAMBDA: LambdaAssumptions = { memoryMb: 512, pollSeconds: 0.15, otherTaskSeconds: 1 };

/** The part of a run that does not depend on how long jobs take, measured on the synthesized machine. */
export interface FixedCounts {
  /** State transitions of a run in which every poll loop finds its jobs done at the first Check. */
  readonly transitions: number;
  /** Lambda invocations of that run (the first Check of every loop included). */
  readonly lambdaInvocations: number;
  /** Poll loops (Check → Choice → Ready) in that run. */
  readonly pollLoops: number;
}

export interface RunCost {
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
  readonly pollInvocations: number;
  readonly lambdaGbSeconds: number;
  readonly stepFunctionsUsd: number;
  readonly lambdaUsd: number;
  readonly totalUsd: number;
}

/**
 * The bill of a simulated run.
 *
 * - adaptive: each loop is Check → Choice (→ Wait → Check → Choice)* → Ready, so every repeat adds 3
 *   transitions and 1 invocation to the fixed counts.
 * - exception retry (its scheme dropped into the same machine, so only the waiting differs): each loop is one
 *   Check task that throws until done — no Choice, no Ready (2 transitions fewer per loop) — and every retry
 *   is 1 transition and 1 invocation.
 */
export function runCost(
  run: RunResult,
  scheme: 'adaptive' | 'exception-retry',
  fixed: FixedCounts,
  lambda: LambdaAssumptions = DEFAULT_LAMBDA,
  prices: Prices = US_EAST_1,
): RunCost {
  const loops = run.stages.length;
  if (loops > fixed.pollLoops) {
    throw new Error(`The run model has ${loops} wait loops; the measured machine has ${fixed.pollLoops}`);
  }
  // Loops a failed run never reached (a failed branch's campaign): their Check, Choice and Ready are not run.
  // The other states such a branch skips (evaluate, deploy, ~5 transitions) are not subtracted.
  const unreached = fixed.pollLoops - loops;
  const base = {
    transitions: fixed.transitions - 3 * unreached,
    lambdaInvocations: fixed.lambdaInvocations - unreached,
  };
  const stateTransitions =
    scheme === 'adaptive' ? base.transitions + 3 * run.repeats : base.transitions - 2 * loops + run.repeats;
  const lambdaInvocations = base.lambdaInvocations + run.repeats;
  const pollInvocations = loops + run.repeats;
  const otherInvocations = base.lambdaInvocations - loops;
  const gb = lambda.memoryMb / 1024;
  const lambdaGbSeconds =
    gb * (pollInvocations * lambda.pollSeconds + otherInvocations * lambda.otherTaskSeconds);
  const stepFunctionsUsd = stateTransitions * prices.stateTransition;
  const lambdaUsd = lambdaGbSeconds * prices.lambdaGbSecond + lambdaInvocations * prices.lambdaRequest;
  return {
    stateTransitions,
    lambdaInvocations,
    pollInvocations,
    lambdaGbSeconds,
    stepFunctionsUsd,
    lambdaUsd,
    totalUsd: stepFunctionsUsd + lambdaUsd,
  };
}

// ------------------------------------------------------------------------------------------------
// The sample project's run on AWS
// ------------------------------------------------------------------------------------------------

const MINUTE = 60;
const HOUR = 3600;

/** Stage timeouts of the adaptive scheme: the config defaults (core/config/schema.ts DEFAULT_TIMEOUTS), in s. */
export interface StageTimeouts {
  readonly import: number;
  readonly training: number;
  readonly campaign: number;
  readonly batch: number;
  readonly other: number;
}

/**
 * The sample config (3 datasets, 2 filters, 4 solutions with campaigns, event tracker, 1 batch inference job)
 * with realistic job durations: dataset group, datasets, filters, solutions and the event tracker ~1 min each;
 * 3 imports in parallel, 15 min; trainings as given; campaigns 10 min; the batch inference job 20 min.
 */
export function sampleRun(
  trainingHours: readonly number[],
  timeouts: StageTimeouts,
  batchMinutes = 20,
): RunModel {
  const names = ['user-personalization', 'similar-items', 'popular', 'ranking'];
  return {
    before: [
      { name: 'DatasetGroup', jobSeconds: [1 * MINUTE], timeoutSeconds: timeouts.other },
      {
        name: 'Datasets (3)',
        jobSeconds: [1 * MINUTE, 1 * MINUTE, 1 * MINUTE],
        timeoutSeconds: timeouts.other,
      },
      {
        name: 'Imports (3 in parallel)',
        jobSeconds: [15 * MINUTE, 15 * MINUTE, 15 * MINUTE],
        timeoutSeconds: timeouts.import,
      },
      { name: 'Filters (2)', jobSeconds: [1 * MINUTE, 1 * MINUTE], timeoutSeconds: timeouts.other },
    ],
    branches: trainingHours.map((hours, i) => {
      const name = names[i] ?? `solution-${i + 1}`;
      return [
        { name: `Solution (${name})`, jobSeconds: [1 * MINUTE], timeoutSeconds: timeouts.other },
        { name: `Training (${name})`, jobSeconds: [hours * HOUR], timeoutSeconds: timeouts.training },
        { name: `Campaign (${name})`, jobSeconds: [10 * MINUTE], timeoutSeconds: timeouts.campaign },
      ];
    }),
    after: [
      { name: 'EventTracker', jobSeconds: [1 * MINUTE], timeoutSeconds: timeouts.other },
      {
        name: 'BatchJob (nightly-recs)',
        jobSeconds: [batchMinutes * MINUTE],
        timeoutSeconds: timeouts.batch,
      },
    ],
  };
}
