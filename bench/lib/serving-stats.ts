/**
 * Small statistics of bench/serving.ts: latency percentiles of one run, the median of rounds, and the
 * machine line every table of BENCHMARKS.md starts with.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Percentiles of one run's latencies, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** The `p`-th percentile (nearest rank) of ascending values; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** p50, p90, p99 and max of some latencies. */
export function summarize(latencies: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const values = Array.from(sorted);
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.at(-1) ?? Number.NaN,
  };
}

/** The median of some numbers (the lower middle one for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** The round whose `by` is the median of all rounds. */
export function medianRound<T>(rounds: readonly T[], by: (round: T) => number): T {
  const sorted = [...rounds].sort((a, b) => by(a) - by(b));
  const round = sorted[Math.floor((sorted.length - 1) / 2)];
  if (round === undefined) throw new Error('no rounds to take the median of');
  return round;
}

/** Fixed-point text of a number. */
export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The 1-, 5- and 15-minute load averages as `a / b / c`. */
export const loadAverages = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');

/** `nproc N, <CPU model>, node vX`, as the other sections of BENCHMARKS.md print it. */
export function machine(): string {
  const nproc = execFileSync('nproc').toString().trim();
  return `nproc ${nproc}, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`;
}

/**
 * The commit measured, and whether the code it runs (core/, lambda/, local/) has uncommitted changes:
 * `abc1234` or `abc1234 + uncommitted changes in lambda/, local/`.
 */
export function revision(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root }).toString().trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = ['core', 'lambda', 'local'].filter((dir) => git('status', '--porcelain', '--', dir) !== '');
    return dirty.length === 0
      ? commit
      : `${commit} + uncommitted changes in ${dirty.map((dir) => `${dir}/`).join(', ')}`;
  } catch {
    return 'unknown revision';
  }
}

/** Clock ticks per second of /proc/<pid>/stat. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU milliseconds (user + system) another process has used so far, from /proc; NaN where there is none. */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** The child process of this one whose command line ends with `-p <port>` (moto_server), from /proc. */
export function childListeningOn(port: number): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== process.pid) continue;
        const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (args.at(-1) === String(port) && args.at(-2) === '-p') return Number(entry);
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}
