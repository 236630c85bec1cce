/**
 * Benchmark of the serving API on this machine (local/serving/api.ts: the lambda/serving handlers behind a
 * node:http stand-in for API Gateway, with the Personalize emulator in the same process and moto in its own). The
 * API functions run on `--threads` worker threads (default: `npm run serve`'s, one per core but one), the
 * HTTP front and the emulator on the server's thread; `--threads 0` runs everything on one thread.
 *
 *   npx tsx bench/serving.ts [--seconds 5] [--rounds 3] [--connections 10] [--rate 1000] [--events 2000]
 *                            [--state-dir DIR]   (all flags: see options() below)
 *
 * 1. Handler overhead (bench/lib/serving-overhead.ts): the recommendations handler invoked in process with
 *    the REST proxy event API Gateway would send, against GetRecommendationsCommand sent straight to the same
 *    emulator for the same campaign and users, and against a bare HTTP POST of that request (no SDK); one
 *    call at a time, interleaved blocks, `--overhead-rounds` rounds; latency and CPU time per call.
 * 2. Loopback load test: bench/lib/serving-load.ts in a process of its own, against GET /recommendations
 *    (users in turn), POST /events (one event, a new eventId each time) and a bare node:http server in this
 *    process answering a body of the same size as GET /recommendations: a closed loop at `--connections`
 *    (autocannon), and an open loop at `--rate` req/s and at half the closed-loop rate GET reached (steady
 *    request starts, latency from the scheduled start). This process's CPU time (API and emulator) and
 *    moto's are read over each measured run. The queue consumer is stopped meanwhile (in AWS it is another
 *    function); what the load test queued is purged afterwards. One more closed-loop GET run with the V8
 *    profiler on says where this process's CPU goes (bench/lib/serving-profile.ts; `--skip-profile`).
 * 3. The event path under faults (bench/lib/serving-events.ts): `--events` through POST /events while the
 *    emulator throttles `--throttle` of PutEvents calls, `--refused` events Personalize refuses, and the
 *    consumer stopped mid-invocation (a crash) and restarted; where every accepted event ended.
 *
 * The sample config's storefront client has a usage plan of 50 requests/s (burst 100), which would answer
 * most of the load with 429: every client's limits are raised in memory to the most the config schema
 * allows (10,000/s, burst 5,000). The handlers log at ERROR (`npm run serve` logs at WARN; no request of
 * the read routes logs either way) so the printed markdown stays clean.
 *
 * The first run trains the campaigns (the pipeline on sample-data, zero lifecycle delays, about half a
 * minute); `--state-dir DIR` keeps the emulator's state there so later runs only re-run the pipeline's
 * checks. Prints markdown for BENCHMARKS.md on stdout, progress (and whatever the handlers write to stderr)
 * on stderr. Not a pass/fail test.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig, type PipelineConfig } from '../core/config';
import { startLocalApi, type LocalApi } from '../local/serving/api';
import { defaultThreads } from '../local/serving/serve';
import { localApiKeyId } from '../local/serving/settings';
import { runEventsUnderFaults, purge, type EventsOutcome } from './lib/serving-events';
import { componentShares, profiled, type ComponentShare } from './lib/serving-profile';
import { MEASURING, type LoadJob, type LoadResult } from './lib/serving-load';
import {
  measureHandlerOverhead,
  type OverheadResult,
  type PathFigures,
  type ProxyHandler,
} from './lib/serving-overhead';
import {
  childListeningOn,
  fmt,
  loadAverages,
  machine,
  medianRound,
  processCpuMs,
  revision,
} from './lib/serving-stats';

const ROOT = join(__dirname, '..');
/** The client the browser routes are called as. */
const CLIENT = 'storefront';
/** The config schema's ceilings of a usage plan (API Gateway's default account limits). */
const RATE_LIMIT = 10_000;
const BURST_LIMIT = 5_000;
/** Most connections of an open-loop run (requests beyond wait for one, and their wait counts). */
const OPEN_LOOP_SOCKETS = 64;

const progress = (line: string): void => {
  process.stderr.write(`[serving bench] ${line}\n`);
};

/** The sample config with every client's usage plan raised to the schema's ceiling. */
function benchConfig(): PipelineConfig {
  const config = loadConfig(join(ROOT, 'personalize.config.json'));
  if (!config.serving) throw new Error('personalize.config.json has no serving section');
  return {
    ...config,
    serving: {
      ...config.serving,
      clients: config.serving.clients.map((client) => ({
        ...client,
        rateLimit: RATE_LIMIT,
        burstLimit: BURST_LIMIT,
      })),
    },
  };
}

/** The campaign the recommendations route is served from, read from the parameter the handler reads. */
async function recommendationsCampaign(config: PipelineConfig): Promise<string> {
  const solution = config.serving?.campaigns.recommendations;
  if (!solution) throw new Error('the config serves no recommendations route');
  const ssm = new SSMClient({});
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: `/${config.projectName}/serving` }));
    const serving = JSON.parse(Parameter?.Value ?? '{}') as { campaigns?: Record<string, string> };
    const campaignArn = serving.campaigns?.[solution];
    if (!campaignArn) throw new Error(`no campaign of solution ${solution} is published`);
    return campaignArn;
  } finally {
    ssm.destroy();
  }
}

/** A bare node:http server answering every request with `body` (the baseline of the load test). */
async function startBareServer(body: string): Promise<{ url: string; server: Server }> {
  const length = Buffer.byteLength(body);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A load run's result with this process's CPU time over the measured run (the API and the emulator). */
interface ServedLoad extends LoadResult {
  /** CPU milliseconds of this process per answer. */
  readonly serverCpuMs: number;
  /** CPU time of this process over wall time (1 = one core busy). */
  readonly serverCpuShare: number;
  /** CPU time of moto over wall time. */
  readonly motoCpuShare: number;
}

/** One autocannon run in a child process (bench/lib/serving-load.ts). */
function runLoad(job: LoadJob, motoPid: number | undefined): Promise<ServedLoad> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'lib', 'serving-load.ts'), JSON.stringify(job)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    let cpu = process.cpuUsage();
    let motoCpu = processCpuMs(motoPid);
    let began = performance.now();
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith(`${MEASURING}\n`)) {
        out = out.slice(MEASURING.length + 1);
        cpu = process.cpuUsage();
        motoCpu = processCpuMs(motoPid);
        began = performance.now();
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const used = process.cpuUsage(cpu);
      const motoMs = processCpuMs(motoPid) - motoCpu;
      const wallMs = performance.now() - began;
      if (code !== 0) return reject(new Error(`load process exited with ${code}`));
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult;
      const cpuMs = (used.user + used.system) / 1000;
      resolve({
        ...result,
        serverCpuMs: cpuMs / result.responses,
        serverCpuShare: cpuMs / wallMs,
        motoCpuShare: motoMs / wallMs,
      });
    });
  });
}

interface LoadTable {
  readonly bareClosed: ServedLoad;
  readonly getClosed: ServedLoad;
  readonly bareOpen: ServedLoad;
  readonly getOpen: ServedLoad;
  /** Open loop at half the median rate GET /recommendations reached in the closed loop. */
  readonly getOpenHalf: ServedLoad;
  readonly halfRate: number;
  readonly postClosed: ServedLoad;
  /** One more closed-loop GET run with the V8 profiler on, and where this process's CPU went. */
  readonly profiled?: { readonly run: ServedLoad; readonly shares: readonly ComponentShare[] };
}

interface Options {
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly rate: number;
  readonly warmup: number;
  readonly users: number;
  readonly calls: number;
  readonly overheadRounds: number;
  readonly events: number;
  readonly perRequest: number;
  readonly refused: number;
  readonly throttle: number;
  readonly pauseMs: number;
  readonly stateDir: string | undefined;
  readonly profile: boolean;
  readonly threads: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      rate: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '1' },
      users: { type: 'string', default: '1000' },
      calls: { type: 'string', default: '1000' },
      'overhead-rounds': { type: 'string', default: '5' },
      events: { type: 'string', default: '2000' },
      'events-per-request': { type: 'string', default: '10' },
      refused: { type: 'string', default: '5' },
      throttle: { type: 'string', default: '0.2' },
      pause: { type: 'string', default: '2' },
      'state-dir': { type: 'string' },
      'skip-profile': { type: 'boolean', default: false },
      threads: { type: 'string', default: String(defaultThreads()) },
    },
  });
  const number = (name: string, text: string | undefined, min: number): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return value;
  };
  const throttle = number('throttle', values.throttle, 0);
  if (throttle >= 1) throw new Error('--throttle must be below 1 (a share of PutEvents calls)');
  return {
    seconds: number('seconds', values.seconds, 1),
    rounds: Math.round(number('rounds', values.rounds, 1)),
    connections: Math.round(number('connections', values.connections, 1)),
    rate: number('rate', values.rate, 1),
    warmup: number('warmup', values.warmup, 0),
    users: Math.round(number('users', values.users, 1)),
    calls: Math.round(number('calls', values.calls, 1)),
    overheadRounds: Math.round(number('overhead-rounds', values['overhead-rounds'], 1)),
    events: Math.round(number('events', values.events, 1)),
    perRequest: Math.min(10, Math.round(number('events-per-request', values['events-per-request'], 1))),
    refused: Math.round(number('refused', values.refused, 0)),
    throttle,
    pauseMs: number('pause', values.pause, 0) * 1000,
    stateDir: values['state-dir'],
    profile: !values['skip-profile'],
    threads: Math.round(number('threads', values.threads, 0)),
  };
}

async function loadTest(api: LocalApi, bareUrl: string, o: Options): Promise<LoadTable> {
  type Run = Exclude<keyof LoadTable, 'halfRate' | 'profiled'>;
  const base = {
    users: o.users,
    connections: o.connections,
    seconds: o.seconds,
    warmupSeconds: o.warmup,
  };
  const key = api.keys[CLIENT] ?? '';
  const runs: Record<Run, ServedLoad[]> = {
    bareClosed: [],
    getClosed: [],
    bareOpen: [],
    getOpen: [],
    getOpenHalf: [],
    postClosed: [],
  };
  const stamp = Date.now().toString(36);
  const motoPid = childListeningOn(Number(new URL(api.motoEndpoint).port));
  const jobs = (round: number | string) => {
    const get = { ...base, kind: 'recommendations' as const, idPrefix: `load-${stamp}-${round}` };
    return {
      closed: { ...get, mode: 'closed' as const, rate: 0 },
      open: (rate: number) => ({ ...get, mode: 'open' as const, connections: OPEN_LOOP_SOCKETS, rate }),
    };
  };
  for (let round = 0; round < o.rounds; round += 1) {
    progress(`load test round ${round + 1} of ${o.rounds}`);
    const { closed, open } = jobs(round);
    runs.bareClosed.push(await runLoad({ ...closed, url: bareUrl }, motoPid));
    runs.getClosed.push(await runLoad({ ...closed, url: api.url, apiKey: key }, motoPid));
    runs.bareOpen.push(await runLoad({ ...open(o.rate), url: bareUrl }, motoPid));
    runs.getOpen.push(await runLoad({ ...open(o.rate), url: api.url, apiKey: key }, motoPid));
    runs.postClosed.push(
      await runLoad({ ...closed, kind: 'events', url: api.url, apiKey: key, warmupSeconds: 0 }, motoPid),
    );
  }
  // The latency at a load the API keeps up with: half the median rate of its closed-loop rounds.
  const halfRate = Math.max(1, Math.round(medianRound(runs.getClosed, (r) => r.throughput).throughput / 2));
  for (let round = 0; round < o.rounds; round += 1) {
    progress(`open loop at ${halfRate} req/s, round ${round + 1} of ${o.rounds}`);
    const { open } = jobs(`half-${round}`);
    runs.getOpenHalf.push(await runLoad({ ...open(halfRate), url: api.url, apiKey: key }, motoPid));
  }
  let profile: LoadTable['profiled'];
  if (o.profile) {
    progress('one more closed-loop GET run, profiled');
    const { closed } = jobs('profile');
    const { result, profile: cpuProfile } = await profiled(() =>
      runLoad({ ...closed, url: api.url, apiKey: key }, motoPid),
    );
    profile = { run: result, shares: componentShares(cpuProfile) };
  }
  return {
    ...(profile ? { profiled: profile } : {}),
    bareClosed: medianRound(runs.bareClosed, (r) => r.throughput),
    getClosed: medianRound(runs.getClosed, (r) => r.throughput),
    bareOpen: medianRound(runs.bareOpen, (r) => r.latency.p99),
    getOpen: medianRound(runs.getOpen, (r) => r.latency.p99),
    getOpenHalf: medianRound(runs.getOpenHalf, (r) => r.latency.p99),
    halfRate,
    postClosed: medianRound(runs.postClosed, (r) => r.throughput),
  };
}

function overheadTable(result: OverheadResult, o: Options): string[] {
  const row = (name: string, f: PathFigures) =>
    `| ${name} | ${fmt(f.latency.p50, 3)} | ${fmt(f.latency.p90, 3)} | ${fmt(f.latency.p99, 3)} | ${fmt(f.cpuMs, 3)} |`;
  const { handler, sdk, http } = result.paths;
  return [
    `Handler overhead: ${o.calls} calls of each path per round, one at a time, in interleaved blocks of 50 (order rotating); the median over ${o.overheadRounds} rounds of each figure. Users user-0001 … user-${String(o.users).padStart(4, '0')} in turn, numResults 25, every user's answer computed once before (the emulator's result memo answers repeats). CPU = this process's CPU time per call, the emulator's share included (it runs in this process).`,
    '',
    '| call | p50 ms | p90 ms | p99 ms | CPU ms/call |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('recommendations handler, REST proxy event, in process', handler),
    row('GetRecommendationsCommand straight to the emulator', sdk),
    row('bare HTTP POST /recommendations to the emulator (no SDK)', http),
    `| **handler − GetRecommendationsCommand** (median of the rounds' differences) | **${fmt(result.handlerP50Difference, 3)}** | | | ${fmt(result.handlerCpuDifference, 3)} |`,
    `| GetRecommendationsCommand − bare HTTP | ${fmt(result.sdkP50Difference, 3)} | | | ${fmt(result.sdkCpuDifference, 3)} |`,
  ];
}

function loadTableLines(table: LoadTable, o: Options, bodyBytes: number): string[] {
  const statuses = (r: LoadResult) =>
    Object.keys(r.statuses).length === 0
      ? ''
      : ` (${Object.entries(r.statuses)
          .map(([status, n]) => `${n}× ${status}`)
          .join(', ')})`;
  const row = (name: string, r: ServedLoad) =>
    `| ${name} | ${fmt(r.throughput, 0)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p99)} | ${fmt(r.latency.max)} | ${r.errors} | ${r.non2xx}${statuses(r)} | ${fmt(r.serverCpuMs, 3)} | ${fmt(r.serverCpuShare * 100, 0)} % | ${fmt(r.motoCpuShare * 100, 0)} % |`;
  return [
    `Loopback load test, load generator in a separate process; the API and the bare server in this process — ${o.threads > 0 ? `the HTTP front and the emulator on its main thread, the API functions on ${o.threads} worker thread${o.threads === 1 ? '' : 's'} (\`npm run serve\`'s default here: one per core but one)` : 'the HTTP front, the API functions and the emulator on one thread (`--threads 0`)'} — moto in its own. Closed loop: autocannon 9.0.0, ${o.connections} connections, latency from each request's send, the round with the median req/s. Open loop: requests started at a steady rate (up to ${OPEN_LOOP_SOCKETS} connections), latency from each request's scheduled start, the round with the median p99. ${o.rounds} rounds of ${o.seconds} s per run after ${o.warmup} s of warm-up. GET body ${bodyBytes} bytes (25 items); the bare server answers a body of that size. Server CPU = this process's CPU time (all its threads) over the measured run, per answer and as a share of one core; moto CPU = moto's, as a share of one core.`,
    '',
    '| run | req/s | p50 ms | p99 ms | max ms | errors | non-2xx | server CPU ms/req | server CPU | moto CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(`bare node:http, closed loop`, table.bareClosed),
    row(`GET /recommendations, closed loop`, table.getClosed),
    row(`bare node:http, open loop at ${o.rate} req/s`, table.bareOpen),
    row(`GET /recommendations, open loop at ${o.rate} req/s`, table.getOpen),
    row(
      `GET /recommendations, open loop at ${table.halfRate} req/s (half its median closed-loop rate)`,
      table.getOpenHalf,
    ),
    row(`POST /events (1 event, queued in moto SQS), closed loop`, table.postClosed),
    '',
    `GET /recommendations vs the bare server: **${fmt((table.getClosed.throughput / table.bareClosed.throughput) * 100, 1)} %** of its req/s.`,
    ...profileLines(table, o.threads),
  ];
}

function profileLines(table: LoadTable, threads: number): string[] {
  if (!table.profiled) return [];
  const { run, shares } = table.profiled;
  return [
    '',
    `Where ${threads > 0 ? "the main thread's" : "this process's"} CPU goes under GET /recommendations: one more closed-loop run (${fmt(run.throughput, 0)} req/s, ${fmt(run.serverCpuMs, 3)} CPU ms per request${threads > 0 ? ', all threads' : ''}) with the V8 sampling profiler on (every 250 µs${threads > 0 ? `; it samples the main thread — HTTP front and emulator — not the ${threads} function thread${threads === 1 ? '' : 's'}` : ''}); samples by the script of the function running (self time), idle left out; ms per request = share × CPU ms per request${threads > 0 ? ' of all threads, so the shares of the main thread only' : ''}.`,
    '',
    '| component | share of CPU | ≈ CPU ms/req |',
    '| --- | ---: | ---: |',
    ...shares.map(
      (s) => `| ${s.component} | ${fmt(s.share * 100, 1)} % | ${fmt(s.share * run.serverCpuMs, 3)} |`,
    ),
  ];
}

function eventsTableLines(e: EventsOutcome, o: Options): string[] {
  const s = (ms: number) => fmt(ms / 1000, 1);
  return [
    `Events under faults: ${o.events} events in ${e.requests} requests of ${o.perRequest} (one session each), 8 in flight; ${e.throttled} of ${e.putEventsCalls} PutEvents calls (${fmt((e.throttled / Math.max(1, e.putEventsCalls)) * 100, 1)} %, target ${fmt(o.throttle * 100, 0)} %) answered ThrottlingException; ${o.refused} events with a property the Interactions schema lacks (InvalidInputException); the consumer stopped during an invocation without deleting its ${e.abandoned} messages once ${e.stoppedAfter} requests were accepted, restarted ${fmt(o.pauseMs / 1000, 1)} s later. Queue: visibility timeout 2 s, maxReceiveCount 5 (the local defaults); ${e.invocations} consumer invocations, ${e.failedMessages} messages handed back.`,
    '',
    '| accepted (2xx) | delivered | dead-lettered | lost | duplicates | all accepted after s | all deliverable recorded after s | queue empty after s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${e.accepted} | ${e.delivered} | ${e.deadLettered} | **${e.lost}** | ${e.duplicates} | ${s(e.acceptedAfterMs)} | ${s(e.deliveredAfterMs)} | ${s(e.drainedAfterMs)} |`,
    '',
    `Delivered = distinct eventIds the emulator recorded (its records grew by ${e.recordsAdded}); dead-lettered = events of the ${e.deadLetterMessages} dead-letter messages the emulator never recorded; lost = accepted − delivered − dead-lettered; duplicates = records beyond one per eventId. Requests sent again after an answer outside 2xx: ${e.resent}.`,
  ];
}

async function main(): Promise<void> {
  const o = options();
  const loadBefore = loadAverages();
  const date = new Date().toISOString().slice(0, 10);
  const dataDir = o.stateDir ?? mkdtempSync(join(tmpdir(), 'serving-bench-'));
  mkdirSync(dataDir, { recursive: true });
  const config = benchConfig();
  const logs: string[] = [];
  // Set before startLocalApi loads the handlers: the consumer's expected warnings (refused events) and
  // the router's would otherwise go to stdout between the tables.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

  progress(`starting moto, the emulator (state in ${dataDir}) and the API; a first run trains the campaigns`);
  const setupStart = performance.now();
  const api = await startLocalApi({
    config,
    sampleDir: join(ROOT, 'sample-data'),
    emulator: { dataDir, delays: 'zero' },
    deploy: 'auto',
    consumer: { start: false },
    functionThreads: o.threads,
    log: (line) => logs.push(line),
  });
  const setupSeconds = (performance.now() - setupStart) / 1000;
  progress(`API at ${api.url} (${api.deployment}, ${fmt(setupSeconds, 1)} s)`);
  // Ctrl-C or a kill still stops moto (a child process) and removes the temporary state.
  const interrupted = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping`);
    void api.stop().finally(() => {
      if (!o.stateDir) rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const sqs = new SQSClient({});
  const runtime = new PersonalizeRuntimeClient({});
  let bare: Server | undefined;
  try {
    // 1. Handler overhead
    const campaignArn = await recommendationsCampaign(config);
    const { handler } = (await import('../lambda/serving/recommendations')) as { handler: ProxyHandler };
    progress('handler overhead');
    const overhead = await measureHandlerOverhead({
      handler,
      client: runtime,
      emulatorEndpoint: api.emulator.endpoint,
      campaignArn,
      apiKey: api.keys[CLIENT] ?? '',
      apiKeyId: localApiKeyId(CLIENT),
      users: o.users,
      calls: o.calls,
      rounds: o.overheadRounds,
    });

    // 2. Load test
    const sample = await fetch(`${api.url}/recommendations?userId=user-0001&numResults=25`, {
      headers: { 'x-api-key': api.keys[CLIENT] ?? '' },
    });
    const sampleBody = await sample.text();
    if (!sample.ok) throw new Error(`GET /recommendations answered ${sample.status}: ${sampleBody}`);
    const started = await startBareServer(sampleBody);
    bare = started.server;
    const load = await loadTest(api, started.url, o);
    progress('purging what the load test queued');
    const purged = await purge(sqs, api.queues.queueUrl);
    progress(`purged ${purged} messages`);

    // 3. Events under faults
    progress(`events under faults (${o.events} events)`);
    const events = await runEventsUnderFaults(api, sqs, {
      events: o.events,
      perRequest: o.perRequest,
      refused: o.refused,
      throttleShare: o.throttle,
      concurrency: 8,
      pauseMs: o.pauseMs,
      seed: 1,
      drainTimeoutMs: 300_000,
      idPrefix: `faults-${Date.now().toString(36)}`,
      apiKey: api.keys[CLIENT] ?? '',
    });

    const lines = [
      `Machine: ${machine()}, ${date}, code at ${revision(ROOT)}. Load average (1/5/15 min) ${loadBefore} before, ${loadAverages()} after. Set-up (moto, emulator, pipeline: ${api.deployment === 'deployed' ? 'ran' : 'already published'}) ${fmt(setupSeconds, 1)} s, not in the figures. Usage plans raised in memory to ${RATE_LIMIT} req/s, burst ${BURST_LIMIT} (the sample config's storefront plan, 50/s burst 100, would answer 429).`,
      '',
      ...overheadTable(overhead, o),
      '',
      ...loadTableLines(load, o, Buffer.byteLength(sampleBody)),
      '',
      ...eventsTableLines(events, o),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (logs.length > 0) progress(`the API logged ${logs.length} problems; first: ${logs[0]}`);
  } finally {
    bare?.close();
    bare?.closeAllConnections();
    runtime.destroy();
    sqs.destroy();
    await api.stop();
    if (!o.stateDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
