/**
 * The serving API on this machine: {@link startLocalApi} starts moto and the Personalize emulator (or uses
 * running ones), provisions the data bucket and key, makes sure campaigns are deployed (running the
 * pipeline when nothing is published yet), creates the event queue, its dead-letter queue and the
 * idempotency table in moto, and serves the very handlers of lambda/serving over node:http on 127.0.0.1:
 *
 * - each HTTP request becomes the REST proxy event API Gateway would send (local/serving/gateway.ts) and
 *   goes to the function that owns its path, on this thread or, with `functionThreads`, on the worker
 *   thread with the fewest in flight (local/serving/function-workers.ts) — the emulator stays on this one;
 * - each client of the config has a deterministic local API key (`x-api-key`); its usage plan (rate,
 *   burst, quota) answers 429 before any handler runs;
 * - the queue consumer runs in process (local/serving/consumer.ts), as the SQS event source would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig, type PipelineConfig } from '../../core/config';
import type { ServingRoute } from '../../core/config/serving-routes';
import { METRICS_NAMESPACE } from '../../core/monitoring';
import { apiClientsVariable } from '../../core/serving/access';
import { PayloadTooLarge, TooManyRequests } from '../../core/serving/errors';
import { EVENT_QUEUE_SETTINGS } from '../../core/serving/handlers';
import { type ApiHandlerName, handlerOfPath } from '../../core/serving/routes';
import type { EmulatorOptions, RunningEmulator } from '../emulator';
import { LOCAL_ACCOUNT } from '../harness/env';
import { type LocalAws, startLocalAws } from '../harness/local-aws';
import { provisionLocalProject } from '../harness/project';
import type { RunProgress } from '../harness/runner';
import { type QueueHandler, LocalEventConsumer } from './consumer';
import { FunctionWorkers } from './function-workers';
import { loadApiFunctions } from './functions';
import { lambdaContext, toProxyEvent, writeJson, writeResult } from './gateway';
import { ImpressionRecorder } from './impressions';
import {
  type DeployMode,
  ensureDeployed,
  ensureEventQueues,
  ensureIdempotencyTable,
  type EventQueues,
} from './provision';
import { localApiKey, localApiKeyId, localServing } from './settings';
import { UsagePlan } from './usage-plan';

/** The largest request body; API Gateway passes at most a 6 MB payload to a function. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** API Gateway's integration timeout. */
const INTEGRATION_TIMEOUT_MS = 29_000;

/** Options of {@link startLocalApi}. */
export interface LocalApiOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The config. @default loaded from `configFile` */
  readonly config?: PipelineConfig;
  /** @default 'personalize.config.json' */
  readonly configFile?: string;
  /** The sample data uploaded to the bucket. @default 'sample-data' */
  readonly sampleDir?: string;
  /** A running moto to use; @default a new one, stopped with the API */
  readonly motoEndpoint?: string;
  /**
   * Running moto and emulator to use (a local run that goes on serving); left running when the API stops.
   * One process keeps the endpoints its handlers were first loaded with, so a second local AWS cannot replace
   * them. @default new ones, stopped with the API
   */
  readonly localAws?: LocalAws;
  /** Emulator options (state directory, delays, faults). @default state in `.personalize-local` */
  readonly emulator?: EmulatorOptions;
  /** When to run the pipeline. @default 'auto': only when nothing is published yet */
  readonly deploy?: DeployMode;
  /** Wait state length of the pipeline run. @default 0 */
  readonly pipelineWaitMs?: number;
  /** Progress of the pipeline run. */
  readonly onPipelineProgress?: (event: RunProgress) => void;
  /** The queue consumer. */
  readonly consumer?: {
    /** Start polling at once. @default true */
    readonly start?: boolean;
    /** @default 10 */
    readonly batchSize?: number;
    /** @default 2 s */
    readonly visibilityTimeoutSeconds?: number;
    /** @default 200 ms */
    readonly pollIntervalMs?: number;
    /** Deliveries before a message moves to the dead-letter queue. @default EVENT_QUEUE_SETTINGS.maxReceiveCount */
    readonly maxReceiveCount?: number;
  };
  /** Receives a line per problem. @default console.error */
  readonly log?: (line: string) => void;
  /**
   * Origins allowed for this local run on top of the config's `allowedOrigins`, e.g. the local storefront's.
   * @default none
   */
  readonly extraOrigins?: readonly string[];
  /**
   * Run the API functions in this many worker threads (./function-workers.ts) instead of on the server's
   * thread, so that serving can use more than one core. @default 0: on the server's thread
   */
  readonly functionThreads?: number;
}

/** A client application with its local key. */
export interface LocalClient {
  readonly name: string;
  readonly key: string;
  readonly routes: readonly ServingRoute[];
}

/** A running local API. */
export interface LocalApi {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  readonly config: PipelineConfig;
  /** The clients with their keys. */
  readonly clients: readonly LocalClient[];
  /** Client name → API key. */
  readonly keys: Readonly<Record<string, string>>;
  /** True when the serving settings come from the config, false when derived (no `serving` section). */
  readonly servingFromConfig: boolean;
  /** The origins browsers may call from: the config's plus `extraOrigins`. */
  readonly allowedOrigins: readonly string[];
  /** Whether the pipeline's output was already published, or the pipeline ran now. */
  readonly deployment: 'published' | 'deployed' | 'not-deployed';
  readonly queues: EventQueues;
  readonly tableName: string;
  readonly bucketName: string;
  /** The project's KMS key (bucket and queues). */
  readonly keyArn: string;
  readonly motoEndpoint: string;
  readonly emulator: RunningEmulator;
  /** The in-process queue consumer. */
  readonly consumer: LocalEventConsumer;
  /** Worker threads running the API functions; 0: they run on the server's thread. */
  readonly functionThreads: number;
  /** Stops the server, the consumer, and what this call started. */
  stop(): Promise<void>;
}

/** A second local API in one process needs other handler settings than the loaded handlers read. */
export class HandlersAlreadyLoaded extends Error {
  override readonly name = 'HandlersAlreadyLoaded';
}

/** The environment the handlers were loaded with: they read it once, so one process serves one API. */
let loadedEnvironment: string | undefined;

/** Reads a body of at most `limit` bytes; a larger one is drained and reported, the connection kept. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > limit }));
    req.on('error', reject);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Starts the local serving API; see the module comment. One process serves one API (project, queue and
 * clients), as the handlers read their environment once: a second call with other settings throws
 * {@link HandlersAlreadyLoaded}.
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const log = options.log ?? ((line: string) => console.error(line));
  const config = options.config ?? loadConfig(options.configFile ?? 'personalize.config.json');
  const local =
    options.localAws ??
    (await startLocalAws({
      ...(options.motoEndpoint ? { motoEndpoint: options.motoEndpoint } : {}),
      emulator: { dataDir: '.personalize-local', ...options.emulator },
    }));
  const ownsLocal = options.localAws === undefined;
  const sqs = new SQSClient({});
  const dynamodb = new DynamoDBClient({});
  const ssm = new SSMClient({});
  let server: Server | undefined;
  let consumer: LocalEventConsumer | undefined;
  let workers: FunctionWorkers | undefined;
  try {
    const project = await provisionLocalProject(config, options.sampleDir);
    const deployment = await ensureDeployed(ssm, config, project, {
      mode: options.deploy ?? 'auto',
      waitMs: options.pipelineWaitMs ?? 0,
      ...(options.onPipelineProgress ? { onProgress: options.onPipelineProgress } : {}),
    });
    const queues = await ensureEventQueues(sqs, config.projectName, project.keyArn, {
      maxReceiveCount: options.consumer?.maxReceiveCount ?? EVENT_QUEUE_SETTINGS.maxReceiveCount,
      visibilityTimeoutSeconds: options.consumer?.visibilityTimeoutSeconds ?? 2,
    });
    const tableName = `${config.projectName}-idempotency`;
    await ensureIdempotencyTable(dynamodb, tableName);

    const serving = localServing(config);
    const fromConfig = serving.fromConfig;
    const extraOrigins = (options.extraOrigins ?? []).filter(
      (origin) => !serving.settings.allowedOrigins.includes(origin),
    );
    const settings = {
      ...serving.settings,
      allowedOrigins: [...serving.settings.allowedOrigins, ...extraOrigins],
    };
    const clients: LocalClient[] = settings.clients.map((client) => ({
      name: client.name,
      key: localApiKey(config.projectName, client.name),
      routes: client.routes,
    }));
    // The environment the ServingStack gives the functions (core/serving/handlers.ts), set before the
    // handlers are loaded: they read it once, at load.
    const environment = {
      ACCOUNT_ID: LOCAL_ACCOUNT,
      ALLOWED_ORIGINS: JSON.stringify(settings.allowedOrigins),
      API_CLIENTS: JSON.stringify(apiClientsVariable(settings.clients, localApiKeyId)),
      BUCKET_NAME: project.bucketName,
      EXPERIMENTS: JSON.stringify(settings.experiments),
      IDEMPOTENCY_TABLE: tableName,
      METRICS_NAMESPACE,
      PARAMETER_PREFIX: `/${config.projectName}`,
      PROJECT_NAME: config.projectName,
      QUEUE_URL: queues.queueUrl,
      ROUTE_SOLUTIONS: JSON.stringify(settings.campaigns),
    };
    const signature = JSON.stringify(environment);
    if (loadedEnvironment !== undefined && loadedEnvironment !== signature)
      throw new HandlersAlreadyLoaded(
        'The serving handlers of this process were loaded for another local API (project, queue or clients); start this one in a new process.',
      );
    loadedEnvironment = signature;
    Object.assign(process.env, environment);
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    // The handlers' metrics are embedded-metric-format lines for CloudWatch; locally they would only fill the console.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const threads = options.functionThreads ?? 0;
    if (threads > 0) workers = await FunctionWorkers.start(threads);
    const pool = workers;
    type Invoke = (owner: ApiHandlerName, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
    let invoke: Invoke;
    if (pool) invoke = (owner, event) => pool.invoke(owner, event, INTEGRATION_TIMEOUT_MS);
    else {
      const functions = loadApiFunctions();
      invoke = (owner, event) => functions[owner](event, lambdaContext(owner, INTEGRATION_TIMEOUT_MS));
    }
    const consumerHandler: QueueHandler = (await import('../../lambda/serving/event-consumer')).handler;

    // The Impressions of experiment variants reach CloudWatch (moto) as EMF output would in AWS.
    const recorder =
      settings.experiments.length > 0
        ? new ImpressionRecorder(new CloudWatchClient({}), config.projectName, log)
        : undefined;
    const byKey = new Map(clients.map((client) => [client.key, client]));
    const plans = new Map(settings.clients.map((client) => [client.name, new UsagePlan(client)]));

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const { body, tooLarge } = await readBody(req, MAX_BODY_BYTES);
      if (tooLarge) {
        const error = new PayloadTooLarge(`body: larger than ${MAX_BODY_BYTES} bytes`);
        writeJson(res, error.status, error.body());
        return;
      }
      const client = byKey.get(headerValue(req.headers['x-api-key']) ?? '');
      if (client) {
        const admission = plans.get(client.name)?.admit() ?? { allowed: true };
        if (!admission.allowed) {
          const limits = settings.clients.find((c) => c.name === client.name);
          const error = new TooManyRequests(
            admission.reason === 'rate'
              ? `client "${client.name}" exceeded its rate of ${limits?.rateLimit} requests per second (burst ${limits?.burstLimit})`
              : `client "${client.name}" used its quota of ${limits?.quota?.limit} requests per ${limits?.quota?.period.toLowerCase()}`,
            admission.retryAfterSeconds,
            { client: client.name },
          );
          writeJson(res, error.status, error.body(), error.headers);
          return;
        }
      }
      const event = toProxyEvent(
        {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        },
        client ? localApiKeyId(client.name) : undefined,
      );
      const owner = handlerOfPath(event.path) ?? 'recommendations';
      const result = await invoke(owner, event);
      if (recorder && owner === 'recommendations' && result.statusCode === 200) recorder.record(result.body);
      writeResult(res, result);
    };

    server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        log(
          `serving API: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (!res.headersSent) writeJson(res, 502, { message: 'Internal server error' });
        else res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const port = (listening.address() as AddressInfo).port;

    const queueConsumer = new LocalEventConsumer({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      handler: consumerHandler,
      log,
      ...(options.consumer?.batchSize !== undefined ? { batchSize: options.consumer.batchSize } : {}),
      ...(options.consumer?.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.consumer.visibilityTimeoutSeconds }
        : {}),
      ...(options.consumer?.pollIntervalMs !== undefined
        ? { pollIntervalMs: options.consumer.pollIntervalMs }
        : {}),
    });
    consumer = queueConsumer;
    if (options.consumer?.start ?? true) queueConsumer.start();

    let stopped = false;
    return {
      url: `http://${options.host ?? '127.0.0.1'}:${port}`,
      port,
      config,
      clients,
      keys: Object.fromEntries(clients.map((client) => [client.name, client.key])),
      servingFromConfig: fromConfig,
      allowedOrigins: settings.allowedOrigins,
      deployment,
      queues,
      tableName,
      bucketName: project.bucketName,
      keyArn: project.keyArn,
      motoEndpoint: local.moto.endpoint,
      emulator: local.emulator,
      consumer: queueConsumer,
      functionThreads: threads,
      async stop() {
        if (stopped) return;
        stopped = true;
        await queueConsumer.stop();
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          listening.closeAllConnections();
        });
        await recorder?.stop();
        await pool?.stop();
        sqs.destroy();
        dynamodb.destroy();
        ssm.destroy();
        if (ownsLocal) await local.stop();
      },
    };
  } catch (error) {
    await consumer?.stop();
    server?.close();
    await workers?.stop();
    sqs.destroy();
    dynamodb.destroy();
    ssm.destroy();
    if (ownsLocal) await local.stop();
    throw error;
  }
}
