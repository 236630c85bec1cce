/**
 * Local pipeline benchmark: wall time, state transitions and Lambda invocations of the synthesized pipeline
 * state machine, run with the real handlers against moto and the Personalize emulator on sample-data/.
 *
 *   npx tsx bench/pipeline-local.ts [--trials 3] [--json results.json]
 *
 * `--json` also writes the raw per-trial results (counts per state, set-up times) to a file;
 * bench/polling-simulation.ts reads the first run's duration-independent counts from it (`--local`).
 *
 * Each trial is a child process with its own moto, its own emulator (zero lifecycle delays, state in a fresh
 * temporary directory) and a cold module cache: it provisions the sample project, runs the pipeline once
 * (first run: everything is created, imported, trained and deployed) and once more with the same config and
 * data (re-run: nothing changes). Wait states and retries are shortened to 0 ms, so wall time is the
 * handlers' work, the emulator's and moto's, and the local interpreter's — not Personalize's job durations
 * (bench/polling-simulation.ts models those).
 *
 * Prints markdown tables. Nothing here is asserted: this is a measurement, not a test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { stateMachinesOf } from '../local/harness/definitions';
import type { RunOutcome } from '../local/harness/runner';
import { countRun, type RunCounts } from './lib/run-events';

/** What one trial (child process) reports. */
export interface TrialResult {
  readonly setupMs: { readonly startLocalAws: number; readonly provision: number; readonly synth: number };
  readonly first: RunResult;
  readonly rerun: RunResult;
}

export interface RunResult {
  readonly status: string;
  readonly wallMs: number;
  readonly counts: RunCounts;
  /** Times each state was entered, by state name. */
  readonly entered: Record<string, number>;
}

const ROOT = path.join(__dirname, '..');

async function trial(): Promise<TrialResult> {
  // Imported here so the parent process never loads the harness, the CDK app or the handlers.
  const { startLocalAws } = await import('../local/harness/local-aws');
  const { provisionLocalProject } = await import('../local/harness/project');
  const { LocalPipeline } = await import('../local/harness/pipeline');

  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  let t = performance.now();
  const local = await startLocalAws({ emulator: { dataDir, delays: 'zero' } });
  const startLocalAwsMs = performance.now() - t;
  try {
    const config = loadConfig(path.join(ROOT, 'personalize.config.json'));
    t = performance.now();
    const project = await provisionLocalProject(config, path.join(ROOT, 'sample-data'));
    const provisionMs = performance.now() - t;
    t = performance.now();
    const pipeline = new LocalPipeline(config, project);
    const synthMs = performance.now() - t;
    const definition = stateMachinesOf(pipeline.template).find((m) =>
      m.logicalId.startsWith('Pipeline'),
    )?.definition;
    if (!definition) throw new Error('The synthesized template has no Pipeline state machine');

    const measure = async (name: string): Promise<RunResult> => {
      const started = performance.now();
      const outcome: RunOutcome = await pipeline.run({}, { waitMs: 0, retryMs: 0, executionName: name });
      const wallMs = performance.now() - started;
      if (outcome.status !== 'SUCCEEDED')
        throw new Error(`${name} failed: ${outcome.error}: ${outcome.cause}`);
      const entered: Record<string, number> = {};
      for (const e of outcome.events)
        if (e.type === 'StateEntered' && e.state) entered[e.state] = (entered[e.state] ?? 0) + 1;
      return { status: outcome.status, wallMs, counts: countRun(outcome.events, definition), entered };
    };
    const first = await measure('bench-first');
    const rerun = await measure('bench-rerun');
    return {
      setupMs: { startLocalAws: startLocalAwsMs, provision: provisionMs, synth: synthMs },
      first,
      rerun,
    };
  } finally {
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs one trial in a fresh Node process (fresh module cache, fresh moto and emulator). */
function runTrialProcess(): Promise<TrialResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--trial'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('TRIAL '));
      if (code !== 0 || !line) reject(new Error(`trial exited with code ${code}:\n${stdout}`));
      else resolve(JSON.parse(line.slice('TRIAL '.length)) as TrialResult);
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Reporting
// ------------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  rightAligned = new Set<number>(),
): string {
  const align = header.map((_, i) => (rightAligned.has(i) ? '---:' : '---'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** "12" when every trial agrees, "11–13" otherwise. */
function agreed(values: readonly number[]): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? String(min) : `${min}–${max}`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

function report(trials: readonly TrialResult[]): string {
  const out: string[] = [];
  const runs: Array<[string, RunResult[]]> = [
    ['first run (creates everything)', trials.map((t) => t.first)],
    ['re-run (nothing changed)', trials.map((t) => t.rerun)],
  ];

  out.push(
    `Wall time of \`LocalPipeline.run({})\`, ${trials.length} trials, Wait and Retry intervals shortened to 0 ms:\n`,
  );
  out.push(
    markdownTable(
      [
        'run',
        'median s',
        'min s',
        'max s',
        'state transitions',
        'Lambda invocations',
        'of which polls',
        'Wait iterations',
        'retries',
      ],
      runs.map(([name, r]) => {
        const wall = r.map((x) => x.wallMs);
        return [
          name,
          seconds(median(wall)),
          seconds(Math.min(...wall)),
          seconds(Math.max(...wall)),
          agreed(r.map((x) => x.counts.stateTransitions)),
          agreed(r.map((x) => x.counts.lambdaInvocations)),
          agreed(r.map((x) => x.counts.pollInvocations)),
          agreed(r.map((x) => x.counts.waits)),
          agreed(r.map((x) => x.counts.retries)),
        ];
      }),
      new Set([1, 2, 3, 4, 5, 6, 7, 8]),
    ),
  );

  out.push('\nStates entered by type (first trial):\n');
  const types = ['Task', 'Wait', 'Choice', 'Pass', 'Map', 'Parallel', 'Succeed', 'Fail'];
  out.push(
    markdownTable(
      ['run', ...types, 'total'],
      runs.map(([name, r]) => {
        const c = r[0]?.counts;
        return [name, ...types.map((t) => String(c?.byType[t] ?? 0)), String(c?.statesEntered ?? 0)];
      }),
      new Set(types.map((_, i) => i + 1).concat(types.length + 1)),
    ),
  );

  out.push('\nDuration-independent part (what bench/polling-simulation.ts adds its poll iterations to):\n');
  out.push(
    markdownTable(
      [
        'run',
        'poll loops',
        'fixed transitions (total − 3 × waits)',
        'fixed Lambda invocations (total − waits)',
      ],
      runs.map(([name, r]) => [
        name,
        agreed(r.map((x) => x.counts.pollLoops)),
        agreed(r.map((x) => x.counts.fixedTransitions)),
        agreed(r.map((x) => x.counts.fixedLambdaInvocations)),
      ]),
      new Set([1, 2, 3]),
    ),
  );

  const setup = (key: keyof TrialResult['setupMs']) => seconds(median(trials.map((t) => t.setupMs[key])));
  out.push(
    `\nSet-up per trial (median, not in the wall times above): moto + emulator start ${setup('startLocalAws')} s, ` +
      `provisioning (key, bucket, topic, sample-data upload) ${setup('provision')} s, CDK synth of the app ${setup('synth')} s.`,
  );
  return out.join('\n');
}

function machine(): string {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  return `${model}, nproc ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average at start ${load} (1/5/15 min)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      trial: { type: 'boolean', default: false },
      trials: { type: 'string', default: '3' },
      json: { type: 'string' },
    },
  });
  if (values.trial) {
    process.stdout.write(`TRIAL ${JSON.stringify(await trial())}\n`);
    return;
  }
  const count = Number(values.trials);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--trials must be a positive integer, got ${values.trials}`);
  const host = machine();
  const trials: TrialResult[] = [];
  for (let i = 0; i < count; i += 1) {
    process.stderr.write(`trial ${i + 1}/${count} ...\n`);
    trials.push(await runTrialProcess());
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(trials, null, 2)}\n`);
  console.log(`Machine: ${host}\n`);
  console.log(report(trials));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
