import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/env';
import type { ArnScope } from './arn';
import { ReportPublisher } from './attribution';
import { DEFAULT_QUOTAS, type EmulatorContext, type Quotas } from './context';
import { checkDelayOverrides, DEFAULT_DELAYS, ZERO_DELAYS, type DelayConfig } from './delays';
import { FaultRegistry, type FaultRule } from './faults';
import { jobsHooks, type JobsEnvironment } from './hooks';
import { DEFAULT_RESUME_GRACE_MS, Lifecycle } from './lifecycle';
import { ModelCache } from './model-cache';
import { createEmulatorServer, MAX_BODY_BYTES, OPERATION_NAMES } from './server';
import { Serving } from './serving';
import { Store } from './store';
import { DEFAULT_TRAINING_THREADS, TrainingWorkers } from './training-workers';

export type { Quotas } from './context';
export { DEFAULT_QUOTAS } from './context';
export type { DelayConfig, PhaseDelays } from './delays';
export { DEFAULT_DELAYS, ZERO_DELAYS } from './delays';
export type { FaultRule } from './faults';
export * from './errors';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Directory for the state database. @default '.personalize-local' (in the working directory) */
  readonly dataDir?: string;
  /**
   * Lifecycle delays: `'zero'` for tests, or overrides. With `default` set, it replaces every built-in
   * delay and per-kind entries override it; without it, per-kind entries are merged over {@link DEFAULT_DELAYS}.
   * Even with zero delays a resource is never ACTIVE inside its Create call.
   */
  readonly delays?: 'zero' | Partial<DelayConfig>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly account?: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** S3 endpoint for imports and batch jobs. @default AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else the SDK default */
  readonly s3Endpoint?: string;
  /**
   * CloudWatch endpoint that metric attribution reports are published to (PutMetricData). Without one
   * (none given, no AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL or S3 endpoint), nothing is published
   * to CloudWatch. @default AWS_ENDPOINT_URL_CLOUDWATCH, else the S3 endpoint (moto serves both)
   */
  readonly cloudWatchEndpoint?: string;
  /** Fault rules active from the start. */
  readonly faults?: readonly FaultRule[];
  /** Quota overrides (whole numbers ≥ 0). */
  readonly quotas?: Partial<Quotas>;
  /** Largest request body, in bytes; a larger one is answered with SerializationException. @default 16 MiB */
  readonly maxRequestBytes?: number;
  /** SQLite `synchronous` setting (see store.ts). @default 'FULL' */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * Memoize GetRecommendations results until anything they depend on changes (models are
   * deterministic, so this never changes an answer). @default true
   */
  readonly cacheResults?: boolean;
  /**
   * How long, after the start, a job resumed from the state directory waits for its S3 source when the
   * bucket or data is missing (local S3 restarted empty and not provisioned yet) before it fails. Jobs
   * created after the start never wait. @default 120000 (2 minutes)
   */
  readonly resumeGraceMs?: number;
  /**
   * How many solution versions train at once, each in its own worker thread (requests keep being
   * answered on the emulator's thread meanwhile); more wait in order. @default 1
   */
  readonly trainingThreads?: number;
  /** Receives diagnostic messages. @default silent */
  readonly log?: (message: string) => void;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it as `endpoint` to the three Personalize clients. */
  readonly endpoint: string;
  readonly port: number;
  /** Absolute path of the state directory. */
  readonly dataDir: string;
  /** Fault rules, changeable at run time (same as `POST /_emulator/faults`). */
  readonly faults: FaultRegistry;
  /** Resolves once no lifecycle transition is due or running. */
  settle(timeoutMs?: number): Promise<void>;
  /** Resolves once the queued metric attribution reports are published (or one failed and waits to retry). */
  flushReports(): Promise<void>;
  /** Stops serving and closes the database and timers. Running jobs resume at the next start. */
  stop(): Promise<void>;
}

/** `'zero'`, or overrides: a given `default` replaces every built-in delay, per-kind entries win over it. */
function resolveDelays(delays: EmulatorOptions['delays']): DelayConfig {
  if (delays === 'zero') return ZERO_DELAYS;
  if (!delays) return DEFAULT_DELAYS;
  checkDelayOverrides(delays);
  const base: DelayConfig = delays.default ? { default: delays.default } : DEFAULT_DELAYS;
  return { ...base, ...delays } as DelayConfig;
}

/** Quotas with overrides applied; an unknown quota or a value that is not a whole number ≥ 0 is an error. */
function resolveQuotas(overrides: Partial<Quotas> = {}): Quotas {
  const checked: Partial<Record<keyof Quotas, number>> = {};
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_QUOTAS, name))
      throw new Error(`Unknown quota ${name}; quotas are ${Object.keys(DEFAULT_QUOTAS).join(', ')}.`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new Error(`Quota ${name} must be a whole number ≥ 0, got ${String(value)}.`);
    checked[name as keyof Quotas] = value;
  }
  return { ...DEFAULT_QUOTAS, ...checked };
}

/** Starts a Personalize emulator (control plane, runtime and events on one port). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? (() => undefined);
  const maxRequestBytes = options.maxRequestBytes ?? MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < 1)
    throw new Error(`maxRequestBytes must be a whole number ≥ 1, got ${String(maxRequestBytes)}.`);
  // Options are checked before anything is opened, so a bad one leaves nothing behind.
  const faults = new FaultRegistry(OPERATION_NAMES, options.faults ?? []);
  const quotas = resolveQuotas(options.quotas);
  const delays = resolveDelays(options.delays);
  const resumeGraceMs = options.resumeGraceMs ?? DEFAULT_RESUME_GRACE_MS;
  if (!Number.isFinite(resumeGraceMs) || resumeGraceMs < 0)
    throw new Error(`resumeGraceMs must be a number of milliseconds ≥ 0, got ${String(resumeGraceMs)}.`);
  const training = new TrainingWorkers(options.trainingThreads ?? DEFAULT_TRAINING_THREADS);
  const dataDir = resolve(options.dataDir ?? '.personalize-local');
  const store = new Store({ dataDir, ...(options.synchronous ? { synchronous: options.synchronous } : {}) });
  const scope: ArnScope = {
    partition: options.partition ?? 'aws',
    region: options.region ?? LOCAL_REGION,
    account: options.account ?? LOCAL_ACCOUNT,
  };
  const s3Endpoint = options.s3Endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const s3 = new S3Client({
    region: scope.region,
    forcePathStyle: true,
    maxAttempts: 3,
    ...(s3Endpoint ? { endpoint: s3Endpoint } : {}),
    // Local S3 (moto) accepts any credentials; without any in the environment, use placeholders.
    ...(process.env.AWS_ACCESS_KEY_ID
      ? {}
      : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  const cloudWatchEndpoint =
    options.cloudWatchEndpoint ?? process.env.AWS_ENDPOINT_URL_CLOUDWATCH ?? s3Endpoint;
  const cloudWatch = cloudWatchEndpoint
    ? new CloudWatchClient({
        region: scope.region,
        endpoint: cloudWatchEndpoint,
        maxAttempts: 3,
        ...(process.env.AWS_ACCESS_KEY_ID
          ? {}
          : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      })
    : undefined;
  const reports = new ReportPublisher(store, s3, cloudWatch, log);
  const models = new ModelCache(store);
  // The lifecycle's hooks need the context, which holds the lifecycle: tie the knot through a holder.
  const holder: { env?: JobsEnvironment } = {};
  const lifecycle = new Lifecycle(
    store,
    delays,
    jobsHooks(() => holder.env as JobsEnvironment, log),
    Date.now,
    resumeGraceMs,
  );
  const ctx: EmulatorContext = {
    store,
    scope,
    quotas,
    lifecycle,
    faults,
    models,
    training,
    dataDir,
    s3,
    reports,
    cacheResults: options.cacheResults ?? true,
    now: () => Date.now() / 1000,
  };
  const serving = new Serving(ctx);
  holder.env = { ctx, serving };
  const started = Date.now();
  const server = createEmulatorServer(
    ctx,
    serving,
    {
      reset: () => {
        store.reset();
        models.clear();
        faults.clear();
      },
      stats: () => ({
        datasets: store.listResources('dataset').map((d) => ({
          datasetArn: d.arn,
          datasetType: d.doc.datasetType,
          records:
            d.doc.datasetType === 'INTERACTIONS'
              ? store.countInteractions(d.arn)
              : store.countEntities(d.arn),
        })),
      }),
      health: () => ({
        status: 'ok',
        region: scope.region,
        account: scope.account,
        dataDir,
        uptimeSeconds: (Date.now() - started) / 1000,
      }),
    },
    log,
    { maxBodyBytes: maxRequestBytes },
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolveListen());
  });
  lifecycle.start();
  reports.wake();
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    dataDir,
    faults,
    settle: (timeoutMs) => lifecycle.settle(timeoutMs),
    flushReports: () => reports.flush(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      // The lifecycle stops taking results first, so jobs cut short by the threads' end are resumed at
      // the next start instead of failing.
      const lifecycleStopped = lifecycle.stop();
      await training.stop();
      await lifecycleStopped;
      await reports.stop();
      store.close();
      s3.destroy();
      cloudWatch?.destroy();
    },
  };
}
