/**
 * Virtual-clock simulation of a pipeline run on AWS: how late each job completion is noticed, and what the run
 * costs in Step Functions state transitions and Lambda, for this project's adaptive polling (the real
 * `nextWaitSeconds` of lambda/shared/polling.ts) next to the AWS solution's exception-driven retries
 * (60 s × 1.02 backoff, MaxAttempts for a ≈ 5.2 h budget). Nothing waits for real; runs in well under a second.
 *
 *   npx tsx bench/polling-simulation.ts [--local pipeline-local.json]
 *
 * `--local` takes the duration-independent counts of a run (transitions, Lambda invocations, poll loops) from
 * the first run recorded by `npx tsx bench/pipeline-local.ts --json pipeline-local.json`; without it, the
 * counts that benchmark measured when this file was last updated are used. The output says which.
 *
 * Prints markdown tables. Nothing here is asserted: this is a measurement, not a test.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_TIMEOUTS } from '../core/config/schema';
import { MAX_WAIT_SECONDS, MIN_WAIT_SECONDS, WAIT_FRACTION } from '../lambda/shared/polling';
import {
  adaptivePolling,
  AWS_SOLUTION_BUDGET_SECONDS,
  AWS_SOLUTION_RETRY,
  DEFAULT_LAMBDA,
  exceptionRetry,
  latenessAround,
  type FixedCounts,
  retryBudgetSeconds,
  type RunResult,
  runCost,
  sampleRun,
  simulateRun,
  type StageTimeouts,
  US_EAST_1,
  type WaitOutcome,
  type WaitScheme,
} from './lib/polling-simulation';

/** Measured by `npx tsx bench/pipeline-local.ts` (first run, sample config), 2026-11-28. */
const RECORDED_FIXED: FixedCounts = { transitions: 108, lambdaInvocations: 43, pollLoops: 18 };

const TIMEOUTS: StageTimeouts = {
  import: DEFAULT_TIMEOUTS.import * 60,
  training: DEFAULT_TIMEOUTS.training * 60,
  campaign: DEFAULT_TIMEOUTS.campaign * 60,
  batch: DEFAULT_TIMEOUTS.batch * 60,
  other: DEFAULT_TIMEOUTS.other * 60,
};

const adaptive: WaitScheme = (duration, timeout) => adaptivePolling(duration, timeout);
const retry: WaitScheme = (duration) => exceptionRetry(duration, AWS_SOLUTION_RETRY);

// ------------------------------------------------------------------------------------------------
// Formatting
// ------------------------------------------------------------------------------------------------

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, leftColumns = 1): string {
  const align = header.map((_, i) => (i < leftColumns ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** 75 → "1 min 15 s", 5400 → "1 h 30 min", 42.3 → "42 s". */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const m = Math.round(s / 60);
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
}

function late(outcome: WaitOutcome): string {
  return outcome.failed
    ? `**fails after ${duration(outcome.noticedAfter)}**`
    : `${outcome.lateness.toFixed(0)} s`;
}

const usd = (value: number) => `$${value.toFixed(4)}`;
const cents = (value: number) => `${(value * 100).toFixed(2)}¢`;

// ------------------------------------------------------------------------------------------------
// Sections
// ------------------------------------------------------------------------------------------------

function assumptions(fixed: FixedCounts, fixedSource: string): string {
  const p = AWS_SOLUTION_RETRY;
  const l = DEFAULT_LAMBDA;
  return [
    `- Adaptive (ours): Wait → Check → Choice; first Check right after the start step; wait = \`nextWaitSeconds(elapsed)\` = ` +
      `min(${MAX_WAIT_SECONDS}, max(${MIN_WAIT_SECONDS}, floor(${WAIT_FRACTION} × elapsed))) s, imported from lambda/shared/polling.ts; ` +
      `stage timeouts = config defaults (import ${DEFAULT_TIMEOUTS.import} min, training ${DEFAULT_TIMEOUTS.training} min, ` +
      `campaign ${DEFAULT_TIMEOUTS.campaign} min, batch ${DEFAULT_TIMEOUTS.batch} min, other ${DEFAULT_TIMEOUTS.other} min). ` +
      `Each extra iteration = Wait + Check + Choice = 3 transitions, 1 Lambda invocation.`,
    `- Exception retry (AWS solution): the task throws while the job runs; Retry IntervalSeconds ${p.intervalSeconds}, ` +
      `BackoffRate ${p.backoffRate}, MaxAttempts **${p.maxAttempts}** — the value whose budget Σ 60 × 1.02^k (k < MaxAttempts) ` +
      `is closest to ${duration(AWS_SOLUTION_BUDGET_SECONDS)}: **${retryBudgetSeconds(p).toFixed(0)} s = ${(retryBudgetSeconds(p) / 3600).toFixed(3)} h**. ` +
      `Each retry = 1 transition, 1 Lambda invocation (and a failed task in the execution view). For the cost, the scheme is ` +
      `dropped into our machine (each loop becomes one retrying Check task: no Choice/Ready), so only the waiting differs.`,
    `- Duration-independent part of a run (${fixedSource}): ${fixed.transitions} state transitions, ` +
      `${fixed.lambdaInvocations} Lambda invocations, ${fixed.pollLoops} poll loops.`,
    `- Lambda: ${l.memoryMb} MB Arm; ${l.pollSeconds * 1000} ms billed per poll; ${l.otherTaskSeconds} s per other task ` +
      `(same in both schemes). Poll latency (~0.2 s per iteration) ignored.`,
    `- Prices, us-east-1, no free tier: Step Functions Standard $${US_EAST_1.stateTransition} per state transition; ` +
      `Lambda Arm $${US_EAST_1.lambdaGbSecond} per GB-s + $${(US_EAST_1.lambdaRequest * 1e6).toFixed(2)} per 1 M requests.`,
  ].join('\n');
}

function latenessByDuration(): string {
  const minutes = [1, 5, 10, 15, 30, 60, 120, 180, 240, 300, 360, 600];
  const waitCost = (o: WaitOutcome, transitionsPerRepeat: number) =>
    o.repeats * transitionsPerRepeat * US_EAST_1.stateTransition +
    o.repeats *
      (US_EAST_1.lambdaRequest +
        (DEFAULT_LAMBDA.memoryMb / 1024) * DEFAULT_LAMBDA.pollSeconds * US_EAST_1.lambdaGbSecond);
  const around = (scheme: WaitScheme, seconds: number) => {
    const r = latenessAround(scheme, seconds);
    if (r.failures && Number.isNaN(r.mean)) return '**all fail**';
    const failing = r.failures ? `; ${Math.round((r.failures / r.samples) * 100)}% **fail**` : '';
    return `${r.mean.toFixed(0)} s / ${r.max.toFixed(0)} s${failing}`;
  };
  const rows = minutes.map((m) => {
    const ours = adaptivePolling(m * 60);
    const theirs = exceptionRetry(m * 60);
    return [
      duration(m * 60),
      around(adaptive, m * 60),
      String(ours.polls),
      cents(waitCost(ours, 3)),
      around(retry, m * 60),
      theirs.failed
        ? `${theirs.polls}, then **fails** after ${duration(theirs.noticedAfter)}`
        : String(theirs.polls),
      cents(waitCost(theirs, 1)),
    ];
  });
  return table(
    [
      'job takes (± 10%)',
      'ours: late, mean / max',
      'ours: polls',
      'ours: cost of waiting',
      'retry: late, mean / max',
      'retry: attempts',
      'retry: cost of waiting',
    ],
    rows,
  );
}

function perStage(trainingHours: readonly number[]): string {
  const model = sampleRun(trainingHours, TIMEOUTS);
  const ours = simulateRun(model, adaptive);
  const theirs = simulateRun(model, retry);
  const rows = ours.stages.map((s, i) => {
    const t = theirs.stages.find((x) => x.stage.name === s.stage.name);
    return [
      s.stage.name,
      duration(s.duration),
      duration(s.startedAt),
      late(s.outcome),
      String(s.outcome.polls),
      t ? duration(t.startedAt) : 'not reached',
      t ? late(t.outcome) : '—',
      t ? String(t.outcome.polls) : '—',
    ].map((cell, j) => (j === 0 && i < 0 ? '' : cell));
  });
  return table(
    [
      'wait loop',
      'job takes',
      'ours: starts at',
      'ours: noticed late',
      'ours: polls',
      'retry: starts at',
      'retry: noticed late',
      'retry: attempts',
    ],
    rows,
    1,
  );
}

function totals(scenarios: ReadonlyArray<readonly number[]>, fixed: FixedCounts): string {
  const rows: string[][] = [];
  for (const hours of scenarios) {
    const model = sampleRun(hours, TIMEOUTS);
    const label = `trainings ${hours.map((h) => `${h} h`).join(', ')}`;
    const runs: Array<[string, 'adaptive' | 'exception-retry', RunResult]> = [
      ['ours (adaptive)', 'adaptive', simulateRun(model, adaptive)],
      ['retry 60 s × 1.02', 'exception-retry', simulateRun(model, retry)],
    ];
    for (const [name, scheme, run] of runs) {
      const cost = runCost(run, scheme, fixed);
      const lateness = run.stages.filter((s) => !s.outcome.failed).map((s) => s.outcome.lateness);
      rows.push([
        label,
        name,
        duration(run.runSeconds),
        run.failedStages.length ? `FAILED: ${run.failedStages.join(', ')}` : 'SUCCEEDED',
        `${(lateness.reduce((a, b) => a + b, 0) / lateness.length).toFixed(0)} s / ${Math.max(...lateness).toFixed(0)} s`,
        String(cost.pollInvocations),
        String(cost.stateTransitions),
        String(cost.lambdaInvocations),
        cost.lambdaGbSeconds.toFixed(1),
        usd(cost.stepFunctionsUsd),
        usd(cost.lambdaUsd),
        usd(cost.totalUsd),
      ]);
    }
  }
  return table(
    [
      'run',
      'scheme',
      'run length',
      'outcome',
      'lateness mean / max',
      'polls',
      'state transitions',
      'Lambda invocations',
      'Lambda GB-s',
      'Step Functions',
      'Lambda',
      'total',
    ],
    rows,
    2,
  );
}

/** The first run's duration-independent counts from `bench/pipeline-local.ts --json` output. */
function fixedFromLocal(file: string): FixedCounts {
  const trials = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    first: { counts: { fixedTransitions: number; fixedLambdaInvocations: number; pollLoops: number } };
  }>;
  const counts = trials.map((t) => t.first.counts);
  const [first] = counts;
  if (!first) throw new Error(`${file} holds no trials`);
  for (const c of counts) {
    if (
      c.fixedTransitions !== first.fixedTransitions ||
      c.fixedLambdaInvocations !== first.fixedLambdaInvocations ||
      c.pollLoops !== first.pollLoops
    )
      throw new Error(
        `The trials in ${file} disagree on the duration-independent counts: ${JSON.stringify(counts)}`,
      );
  }
  return {
    transitions: first.fixedTransitions,
    lambdaInvocations: first.fixedLambdaInvocations,
    pollLoops: first.pollLoops,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { local: { type: 'string' } } });
  const fixed = values.local ? fixedFromLocal(values.local) : RECORDED_FIXED;
  const source = values.local
    ? `from the first run's events in ${values.local} (bench/pipeline-local.ts): total − 3 × Wait iterations`
    : 'recorded from bench/pipeline-local.ts first run: total − 3 × Wait iterations';
  const scenarios = [
    [1, 2, 3, 6],
    [1, 2, 3, 5],
  ];

  console.log('### Assumptions\n');
  console.log(assumptions(fixed, source));
  console.log('\n### One job, by duration\n');
  console.log(
    'Lateness = time between the job finishing and the poll that sees it, over every job length within ±10% (1 s steps), ' +
      'since where a completion falls between two polls is chance. Polls and cost of waiting (the polls after the first: ' +
      'transitions + Lambda) at the nominal length.\n',
  );
  console.log(latenessByDuration());
  for (const hours of scenarios) {
    console.log(
      `\n### The sample run, trainings ${hours.map((h) => `${h} h`).join(', ')}: every wait loop\n`,
    );
    console.log(perStage(hours));
  }
  console.log('\n### Whole run: lateness, transitions, invocations, cost\n');
  console.log(totals(scenarios, fixed));
  console.log(
    '\nThe retry scheme runs inside our machine here: a failed Solutions branch is caught and the run goes on to ' +
      'end as a partial failure. In the AWS solution the uncaught error fails the whole execution when it happens. ' +
      'Polls = poll-function invocations (first Check of each loop included); lateness over the wait loops that succeeded.',
  );
}

main();
