/**
 * What the recommendations handler adds to a GetRecommendations call: the handler
 * (lambda/serving/recommendations.ts), invoked in process with the REST proxy event API Gateway would send
 * (local/serving/gateway.ts), against GetRecommendationsCommand sent straight to the same emulator for the
 * same campaign and users, and against a bare HTTP POST of the same request to the emulator (no SDK), which
 * shows what the SDK itself costs. One call at a time, in interleaved blocks whose order rotates, so drift
 * of the machine falls on every path alike. Besides latency, the CPU time of this process per call
 * (`process.cpuUsage()` over each block): the emulator answers in this process too, so it counts the
 * client and the server side, and unlike wall time it does not grow when other processes take the cores.
 */
import { Agent, request } from 'node:http';
import {
  GetRecommendationsCommand,
  type PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext, toProxyEvent } from '../../local/serving/gateway';
import { median, summarize, type LatencySummary } from './serving-stats';

/** The handler's signature. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Options of {@link measureHandlerOverhead}. */
export interface OverheadOptions {
  readonly handler: ProxyHandler;
  /** The runtime client the direct calls go through (configured as the handler's). */
  readonly client: PersonalizeRuntimeClient;
  /** The emulator's base URL (the bare HTTP calls). */
  readonly emulatorEndpoint: string;
  /** The campaign the handler serves the route from. */
  readonly campaignArn: string;
  /** The caller's API key and its key id (what API Gateway puts in `requestContext.identity.apiKeyId`). */
  readonly apiKey: string;
  readonly apiKeyId: string;
  /** Users `user-0001` … in turn. */
  readonly users: number;
  /** Calls of each path per round. */
  readonly calls: number;
  readonly rounds: number;
  /** Calls of one path before switching to the next. @default 50 */
  readonly block?: number;
  readonly numResults?: number;
}

/** One path's figures (of a round, or the median over rounds). */
export interface PathFigures {
  readonly latency: LatencySummary;
  /** CPU time of this process per call, in milliseconds. */
  readonly cpuMs: number;
}

/** The paths measured. */
export type OverheadPath = 'handler' | 'sdk' | 'http';

/** The median over rounds of each figure, and of the rounds' differences. */
export interface OverheadResult {
  readonly paths: Readonly<Record<OverheadPath, PathFigures>>;
  /** Handler − SDK: p50 and CPU per call. */
  readonly handlerP50Difference: number;
  readonly handlerCpuDifference: number;
  /** SDK − bare HTTP: p50 and CPU per call. */
  readonly sdkP50Difference: number;
  readonly sdkCpuDifference: number;
}

const PATHS: readonly OverheadPath[] = ['handler', 'sdk', 'http'];

const userId = (n: number, users: number): string => `user-${String((n % users) + 1).padStart(4, '0')}`;

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

function medianFigures(figures: readonly PathFigures[]): PathFigures {
  const of = (pick: (f: PathFigures) => number) => median(figures.map(pick));
  return {
    latency: {
      count: of((f) => f.latency.count),
      p50: of((f) => f.latency.p50),
      p90: of((f) => f.latency.p90),
      p99: of((f) => f.latency.p99),
      max: of((f) => f.latency.max),
    },
    cpuMs: of((f) => f.cpuMs),
  };
}

/** The item ids of an answer. */
function itemIds(items: ReadonlyArray<{ itemId?: string }> | undefined): string {
  return (items ?? []).map((item) => item.itemId ?? '').join(',');
}

/** Runs the rounds; first checks that the three paths answer the same items for each user. */
export async function measureHandlerOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const numResults = options.numResults ?? 25;
  const block = options.block ?? 50;
  const events = Array.from({ length: options.users }, (_, n) =>
    toProxyEvent(
      {
        method: 'GET',
        url: `/recommendations?userId=${userId(n, options.users)}&numResults=${numResults}`,
        headers: {
          host: '127.0.0.1',
          accept: '*/*',
          'user-agent': 'bench/serving',
          'x-api-key': options.apiKey,
        },
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
      },
      options.apiKeyId,
    ),
  );
  const emulator = new URL('/recommendations', options.emulatorEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  const call: Record<OverheadPath, (n: number) => Promise<string>> = {
    handler: async (n) => {
      const event = events[n % options.users] as APIGatewayProxyEvent;
      const result = await options.handler(event, lambdaContext('recommendations', 29_000));
      if (result.statusCode !== 200)
        throw new Error(`the handler answered ${result.statusCode}: ${result.body}`);
      return itemIds((JSON.parse(result.body) as { items: Array<{ itemId?: string }> }).items);
    },
    sdk: async (n) => {
      const output = await options.client.send(
        new GetRecommendationsCommand({
          campaignArn: options.campaignArn,
          userId: userId(n, options.users),
          numResults,
        }),
      );
      return itemIds(output.itemList);
    },
    http: (n) =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({
          campaignArn: options.campaignArn,
          userId: userId(n, options.users),
          numResults,
        });
        const req = request(
          emulator,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 200)
                reject(new Error(`the emulator answered ${res.statusCode}: ${text}`));
              else resolve(itemIds((JSON.parse(text) as { itemList?: Array<{ itemId?: string }> }).itemList));
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
  };

  try {
    // The same answer on every path (and every user's answer computed once, as in the load test).
    for (let n = 0; n < options.users; n += 1) {
      const [viaHandler, viaSdk, viaHttp] = await Promise.all(PATHS.map((path) => call[path](n)));
      if (viaHandler !== viaSdk || viaSdk !== viaHttp)
        throw new Error(`the paths disagree for ${userId(n, options.users)}`);
    }

    const rounds: Array<Record<OverheadPath, PathFigures>> = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const latencies: Record<OverheadPath, number[]> = { handler: [], sdk: [], http: [] };
      const cpu: Record<OverheadPath, number> = { handler: 0, sdk: 0, http: 0 };
      for (let first = 0, turn = round; first < options.calls; first += block, turn += 1) {
        const last = Math.min(options.calls, first + block);
        for (let k = 0; k < PATHS.length; k += 1) {
          const path = PATHS[(turn + k) % PATHS.length] as OverheadPath;
          const start = process.cpuUsage();
          for (let n = first; n < last; n += 1) {
            const began = performance.now();
            await call[path](n);
            latencies[path].push(performance.now() - began);
          }
          cpu[path] += cpuMs(process.cpuUsage(start));
        }
      }
      rounds.push({
        handler: { latency: summarize(latencies.handler), cpuMs: cpu.handler / options.calls },
        sdk: { latency: summarize(latencies.sdk), cpuMs: cpu.sdk / options.calls },
        http: { latency: summarize(latencies.http), cpuMs: cpu.http / options.calls },
      });
    }
    const diff = (pick: (r: Record<OverheadPath, PathFigures>) => number) => median(rounds.map(pick));
    return {
      paths: {
        handler: medianFigures(rounds.map((r) => r.handler)),
        sdk: medianFigures(rounds.map((r) => r.sdk)),
        http: medianFigures(rounds.map((r) => r.http)),
      },
      handlerP50Difference: diff((r) => r.handler.latency.p50 - r.sdk.latency.p50),
      handlerCpuDifference: diff((r) => r.handler.cpuMs - r.sdk.cpuMs),
      sdkP50Difference: diff((r) => r.sdk.latency.p50 - r.http.latency.p50),
      sdkCpuDifference: diff((r) => r.sdk.cpuMs - r.http.cpuMs),
    };
  } finally {
    agent.destroy();
  }
}
