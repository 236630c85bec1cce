/**
 * Load generator for bench/serving.ts, in a process of its own so that it does not share the event loop
 * (or the core) of the server under test. Reads a {@link LoadJob} as JSON from argv[2] and prints one
 * {@link LoadResult} as a JSON line.
 *
 *   node --import tsx bench/lib/serving-load.ts '<job json>'
 *
 * Prints {@link MEASURING} as a line when the measured run starts, so the parent can time its own CPU use
 * over that run alone. Two ways to load:
 *
 * - `closed`: autocannon with `connections` connections, each sending its next request when the answer
 *   to the last one came (peak throughput). Latencies are taken from autocannon's `response` events
 *   (sub-millisecond; its own histogram keeps whole milliseconds), for every answer of the measured run.
 * - `open`: requests started at a steady `rate` per second whatever the answers do, latency measured from
 *   each request's scheduled start (no coordinated omission), as bench/emulator-load.ts does. Not
 *   autocannon's `overallRate`: that lets each connection send its whole per-second budget back to back at
 *   the start of every second, so what it measures is the latency of a burst.
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './serving-stats';

/** The line printed when the measured run starts. */
export const MEASURING = 'measuring';

/** What to send. */
export type LoadKind =
  /** `GET /recommendations?userId=user-NNNN&numResults=25`, users in turn. */
  | 'recommendations'
  /** `POST /events` with one view event, a new eventId each time. */
  | 'events';

/** One load run. */
export interface LoadJob {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly kind: LoadKind;
  /** The `x-api-key` header, if any. */
  readonly apiKey?: string;
  /** Users cycled through (`user-0001` …). */
  readonly users: number;
  /** Prefix of the generated eventIds and sessionIds (unique per run). */
  readonly idPrefix: string;
  readonly mode: 'closed' | 'open';
  /** Connections of the closed loop; most connections of the open loop. */
  readonly connections: number;
  /** Requests per second of the open loop. */
  readonly rate: number;
  readonly seconds: number;
  /** Unmeasured run before the measured one, in seconds. */
  readonly warmupSeconds: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** Answers received in the measured run. */
  readonly responses: number;
  /** Answers per second of the measured run (until its last answer). */
  readonly throughput: number;
  readonly latency: LatencySummary;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Answers with a status outside 2xx. */
  readonly non2xx: number;
  /** Status → count, for the answers outside 2xx. */
  readonly statuses: Readonly<Record<string, number>>;
}

/** One request to send. */
interface Planned {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

/** What a run collects. */
interface Tally {
  readonly latencies: number[];
  readonly statuses: Record<string, number>;
  errors: number;
}

const userId = (n: number, users: number): string => `user-${String((n % users) + 1).padStart(4, '0')}`;

/** The n-th request of a job. */
function planned(job: LoadJob, n: number): Planned {
  if (job.kind === 'recommendations')
    return { method: 'GET', path: `/recommendations?userId=${userId(n, job.users)}&numResults=25` };
  return {
    method: 'POST',
    path: '/events',
    body: JSON.stringify({
      sessionId: `${job.idPrefix}-session-${n % job.users}`,
      userId: userId(n, job.users),
      events: [
        {
          eventId: `${job.idPrefix}-${n}`,
          eventType: 'view',
          itemId: `item-${String((n % 800) + 1).padStart(4, '0')}`,
          sentAt: 1_790_000_000 + n,
        },
      ],
    }),
  };
}

function record(tally: Tally, statusCode: number, milliseconds: number): void {
  tally.latencies.push(milliseconds);
  if (statusCode < 200 || statusCode > 299)
    tally.statuses[String(statusCode)] = (tally.statuses[String(statusCode)] ?? 0) + 1;
}

const headersOf = (job: LoadJob): Record<string, string> => ({
  'content-type': 'application/json',
  ...(job.apiKey ? { 'x-api-key': job.apiKey } : {}),
});

/** One autocannon run; `next` numbers the requests across runs (unique eventIds). */
function closedLoop(job: LoadJob, seconds: number, next: { n: number }, tally: Tally): Promise<number> {
  return new Promise((resolve, reject) => {
    const options: autocannon.Options = {
      url: job.url,
      connections: job.connections,
      duration: seconds,
      headers: headersOf(job),
      requests: [
        {
          setupRequest: (req) => {
            next.n += 1;
            const { method, path, body } = planned(job, next.n);
            return { ...req, method, path, ...(body !== undefined ? { body } : {}) };
          },
        },
      ],
    };
    const instance: NodeJS.EventEmitter = autocannon(options, (error: unknown, result) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      tally.errors += result.errors;
      resolve(result.duration);
    });
    // autocannon's tracker passes the client first (its typings describe a client's event).
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) =>
      record(tally, statusCode, ms),
    );
  });
}

/** Requests started at `job.rate` per second for `seconds`; resolves once every answer came. */
async function openLoop(job: LoadJob, seconds: number, next: { n: number }, tally: Tally): Promise<number> {
  const target = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const headers = headersOf(job);
  const send = (plan: Planned, from: number): Promise<void> =>
    new Promise((resolve) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: plan.path,
          method: plan.method,
          agent,
          headers:
            plan.body === undefined
              ? headers
              : { ...headers, 'content-length': Buffer.byteLength(plan.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            record(tally, res.statusCode ?? 0, performance.now() - from);
            resolve();
          });
        },
      );
      req.on('error', () => {
        tally.errors += 1;
        resolve();
      });
      req.end(plan.body);
    });
  const interval = 1000 / job.rate;
  const total = Math.floor(seconds * job.rate);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    next.n += 1;
    // From the scheduled start, so waiting behind slow answers counts (from the actual start when the
    // timer fired early).
    pending.push(send(planned(job, next.n), Math.min(scheduled, performance.now())));
  }
  await Promise.all(pending);
  agent.destroy();
  return (performance.now() - start) / 1000;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const load = job.mode === 'closed' ? closedLoop : openLoop;
  const next = { n: 0 };
  if (job.warmupSeconds > 0)
    await load(job, job.warmupSeconds, next, { latencies: [], statuses: {}, errors: 0 });
  const tally: Tally = { latencies: [], statuses: {}, errors: 0 };
  process.stdout.write(`${MEASURING}\n`);
  const seconds = await load(job, job.seconds, next, tally);
  return {
    responses: tally.latencies.length,
    throughput: tally.latencies.length / seconds,
    latency: summarize(tally.latencies),
    errors: tally.errors,
    non2xx: Object.values(tally.statuses).reduce((sum, n) => sum + n, 0),
    statuses: tally.statuses,
  };
}

// Run as a program (bench/serving.ts spawns it); imported, it only lends its types and constant.
if (require.main === module) {
  run(JSON.parse(process.argv[2] ?? '{}') as LoadJob)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
