import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../local/emulator';

/** Project root (for schemas/ and sample-data/). */
export const ROOT = join(__dirname, '..', '..');

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The three unmodified SDK clients pointed at one emulator. */
export interface Clients {
  readonly control: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
  readonly events: PersonalizeEventsClient;
}

/** SDK clients for an endpoint: us-east-1, dummy credentials, no retries. */
export function clientsFor(endpoint: string): Clients {
  const config = { endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 };
  return {
    control: new PersonalizeClient(config),
    runtime: new PersonalizeRuntimeClient(config),
    events: new PersonalizeEventsClient(config),
  };
}

/** An emulator in a temp directory plus its clients. */
export interface TestEmulator extends Clients {
  readonly emulator: RunningEmulator;
  readonly dataDir: string;
  /** Stops the emulator, destroys the clients and removes the temp directory. */
  close(): Promise<void>;
}

/** Starts an emulator on a free port with zero delays (unless overridden) in a fresh temp directory. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'personalize-emulator-'));
  const emulator = await startEmulator({
    delays: 'zero',
    synchronous: 'NORMAL',
    ...options,
    dataDir,
    port: 0,
  });
  const clients = clientsFor(emulator.endpoint);
  return {
    ...clients,
    emulator,
    dataDir,
    async close() {
      clients.control.destroy();
      clients.runtime.destroy();
      clients.events.destroy();
      await emulator.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until `done` holds for its result, or fails after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}

/** Terminal statuses of Personalize resources. */
export const TERMINAL = new Set(['ACTIVE', 'CREATE FAILED', 'CREATE STOPPED']);

/** Reads a schema file from schemas/. */
export function schemaJson(name: 'interactions' | 'items' | 'users'): string {
  return readFileSync(join(ROOT, 'schemas', `${name}.json`), 'utf8');
}

/** An S3 client for this worker's moto. */
export function motoS3(): S3Client {
  return new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 1,
  });
}

/** Creates a bucket and uploads objects (key → text). */
export async function putObjects(
  s3: S3Client,
  bucket: string,
  objects: Record<string, string>,
): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  for (const [key, body] of Object.entries(objects))
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(body) }));
}

/** Reads a file of sample-data/. */
export function sampleCsv(name: 'interactions' | 'items' | 'users'): string {
  return readFileSync(join(ROOT, 'sample-data', `${name}.csv`), 'utf8');
}

/** A small interactions schema (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE). */
export const SMALL_INTERACTIONS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
});

/**
 * Synthetic interactions CSV with enough data to train: `users` users, each interacting with
 * `perUser` items out of `items`, deterministic.
 */
export function syntheticInteractions(users = 60, perUser = 20, items = 50): string {
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  let t = 1_700_000_000;
  for (let u = 0; u < users; u += 1) {
    for (let k = 0; k < perUser; k += 1) {
      const item = (u * 7 + k * k + k) % items;
      lines.push(`u${u},i${item},${t},view`);
      t += 60;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Fetches an admin endpoint as JSON. */
export async function admin<T = Record<string, unknown>>(
  endpoint: string,
  path: string,
  init?: RequestInit,
): Promise<T> {
  const response = await fetch(`${endpoint}${path}`, init);
  return (await response.json()) as T;
}

/** ARNs of a dataset group set up by {@link setUpDatasetGroup}. */
export interface PreparedGroup {
  readonly datasetGroupArn: string;
  readonly datasets: Record<'interactions' | 'items' | 'users', string | undefined>;
}

/**
 * Creates a dataset group with the given datasets, imports each from S3 and waits until every import is
 * ACTIVE (throws with the failure reason otherwise).
 */
export async function setUpDatasetGroup(
  t: Clients,
  name: string,
  sources: Partial<Record<'interactions' | 'items' | 'users', { schema: string; location: string }>>,
): Promise<PreparedGroup> {
  const {
    CreateDatasetGroupCommand,
    DescribeDatasetGroupCommand,
    CreateSchemaCommand,
    CreateDatasetCommand,
    DescribeDatasetCommand,
    CreateDatasetImportJobCommand,
    DescribeDatasetImportJobCommand,
  } = await import('@aws-sdk/client-personalize');
  const { datasetGroupArn = '' } = await t.control.send(new CreateDatasetGroupCommand({ name }));
  await waitFor(
    () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => r.datasetGroup?.status === 'ACTIVE',
  );
  const datasets: PreparedGroup['datasets'] = { interactions: undefined, items: undefined, users: undefined };
  for (const [type, source] of Object.entries(sources) as [
    'interactions' | 'items' | 'users',
    { schema: string; location: string },
  ][]) {
    const { schemaArn } = await t.control.send(
      new CreateSchemaCommand({ name: `${name}-${type}`, schema: source.schema }),
    );
    const { datasetArn = '' } = await t.control.send(
      new CreateDatasetCommand({ name: `${name}-${type}`, datasetGroupArn, schemaArn, datasetType: type }),
    );
    await waitFor(
      () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );
    const { datasetImportJobArn } = await t.control.send(
      new CreateDatasetImportJobCommand({
        jobName: `${name}-${type}-import`,
        datasetArn,
        dataSource: { dataLocation: source.location },
        roleArn: 'arn:aws:iam::123456789012:role/PersonalizeS3',
      }),
    );
    const job = await waitFor(
      () => t.control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
      (r) => TERMINAL.has(r.datasetImportJob?.status ?? ''),
    );
    if (job.datasetImportJob?.status !== 'ACTIVE')
      throw new Error(`import of ${type} failed: ${job.datasetImportJob?.failureReason}`);
    datasets[type] = datasetArn;
  }
  return { datasetGroupArn, datasets };
}

/** Creates a solution, trains a version and waits for a terminal status; returns both ARNs and the version's final status. */
export async function trainSolution(
  t: Clients,
  name: string,
  datasetGroupArn: string,
  recipe: string,
  extra: { eventType?: string } = {},
): Promise<{ solutionArn: string; solutionVersionArn: string; status: string; failureReason?: string }> {
  const {
    CreateSolutionCommand,
    DescribeSolutionCommand,
    CreateSolutionVersionCommand,
    DescribeSolutionVersionCommand,
  } = await import('@aws-sdk/client-personalize');
  const { solutionArn = '' } = await t.control.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn,
      recipeArn: `arn:aws:personalize:::recipe/${recipe}`,
      performAutoTraining: false,
      ...extra,
    }),
  );
  await waitFor(
    () => t.control.send(new DescribeSolutionCommand({ solutionArn })),
    (r) => r.solution?.status === 'ACTIVE',
  );
  const { solutionVersionArn = '' } = await t.control.send(new CreateSolutionVersionCommand({ solutionArn }));
  const done = await waitFor(
    () => t.control.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => TERMINAL.has(r.solutionVersion?.status ?? ''),
    60_000,
  );
  return {
    solutionArn,
    solutionVersionArn,
    status: done.solutionVersion?.status ?? '',
    ...(done.solutionVersion?.failureReason ? { failureReason: done.solutionVersion.failureReason } : {}),
  };
}

/** Creates a campaign and waits until it is ACTIVE. */
export async function deployCampaign(
  t: Clients,
  name: string,
  solutionVersionArn: string,
  campaignConfig?: Record<string, unknown>,
): Promise<string> {
  const { CreateCampaignCommand, DescribeCampaignCommand } = await import('@aws-sdk/client-personalize');
  const { campaignArn = '' } = await t.control.send(
    new CreateCampaignCommand({
      name,
      solutionVersionArn,
      minProvisionedTPS: 1,
      ...(campaignConfig ? { campaignConfig } : {}),
    }),
  );
  const done = await waitFor(
    () => t.control.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => TERMINAL.has(r.campaign?.status ?? ''),
  );
  if (done.campaign?.status !== 'ACTIVE') throw new Error(`campaign failed: ${done.campaign?.failureReason}`);
  return campaignArn;
}

/** What came back for a raw HTTP request: an answer, or how the exchange failed. */
export type RawOutcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      readonly body: string;
      /** Whether the request went over a connection an earlier request had used. */
      readonly reusedSocket: boolean;
    }
  | { readonly kind: 'reset'; readonly error: string }
  | { readonly kind: 'timeout' };

/** A raw HTTP request: any method, path, headers and body (string or bytes), nothing added but framing. */
export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Connection pool to use; by default a fresh connection per request. */
  readonly agent?: Agent;
  /** How long to wait for the whole answer before calling it a hang. @default 15000 */
  readonly timeoutMs?: number;
}

/**
 * Sends one request with node:http and reports what happened, never throwing: an answer (status,
 * headers, body), a reset or failed connection, or a timeout.
 */
export function rawRequest(endpoint: string, request: RawRequest): Promise<RawOutcome> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: request.method ?? 'POST',
      path: request.path ?? '/',
      headers: {
        ...(request.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(request.body)) } : {}),
        ...request.headers,
      },
      agent: request.agent ?? false,
    });
    const timer = setTimeout(() => {
      settle({ kind: 'timeout' });
      req.destroy();
    }, request.timeoutMs ?? 15_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        settle({
          kind: 'answer',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          reusedSocket: req.reusedSocket,
        }),
      );
      res.on('error', (error) => settle({ kind: 'reset', error: String(error) }));
    });
    req.on('error', (error) => settle({ kind: 'reset', error: String(error) }));
    req.end(request.body);
  });
}
