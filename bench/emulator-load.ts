/**
 * Load generator for bench/emulator-runtime.ts, run as a separate process so that the server under
 * test keeps its own core. Reads a JSON job from argv[2], prints one JSON result line.
 *
 * Modes:
 * - `closed`: `concurrency` loops send back-to-back requests for `durationMs` (peak throughput);
 * - `open`: requests are started at a fixed `rate` per second for `durationMs`, whatever the
 *   responses do; latency is measured from each request's scheduled start (no coordinated omission).
 */
import { Agent, request } from 'node:http';

interface Job {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly bodies: string[];
  readonly mode: 'closed' | 'open';
  readonly concurrency: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

interface Result {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const target = new URL(job.url);
const agent = new Agent({ keepAlive: true, maxSockets: Math.max(job.concurrency, 1) });

function send(body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { ...job.headers, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function closedLoop(
  durationMs: number,
  record: boolean,
  latencies: number[],
  counters: { errors: number },
): Promise<number> {
  const end = performance.now() + durationMs;
  let sent = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < end) {
        const body = job.bodies[sent % job.bodies.length] ?? '{}';
        sent += 1;
        const start = performance.now();
        const ok = await send(body);
        if (record) {
          latencies.push(performance.now() - start);
          if (!ok) counters.errors += 1;
        }
      }
    }),
  );
  return sent;
}

async function openLoop(
  durationMs: number,
  record: boolean,
  latencies: number[],
  counters: { errors: number },
): Promise<number> {
  const interval = 1000 / job.rate;
  const start = performance.now();
  const total = Math.floor((durationMs / 1000) * job.rate);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = job.bodies[i % job.bodies.length] ?? '{}';
    // Measured from the scheduled start, so queueing behind slow responses counts (or from the actual
    // start, when the timer fired early).
    const from = Math.min(scheduled, performance.now());
    pending.push(
      send(body).then((ok) => {
        if (record) {
          latencies.push(performance.now() - from);
          if (!ok) counters.errors += 1;
        }
      }),
    );
  }
  await Promise.all(pending);
  return total;
}

async function main(): Promise<void> {
  const run = job.mode === 'closed' ? closedLoop : openLoop;
  await run(job.warmupMs, false, [], { errors: 0 });
  const latencies: number[] = [];
  const counters = { errors: 0 };
  const started = performance.now();
  await run(job.durationMs, true, latencies, counters);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result: Result = {
    requests: latencies.length,
    errors: counters.errors,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  agent.destroy();
}

void main();
