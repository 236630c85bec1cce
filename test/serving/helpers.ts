/**
 * Fixtures of the serving tests: the sample config with a `serving` section and three clients, the local API
 * started on this worker's moto with a fresh emulator (zero lifecycle delays) in a temp directory, and small
 * helpers to call it and to read what reached the emulator, the queues and the archive.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { loadConfig, parseConfig, type PipelineConfig } from '../../core/config';
import { datasetGroupName, eventTrackerName } from '../../core/names';
import { createS3Client } from '../../lambda/shared/clients';
import { startLocalApi, type LocalApi, type LocalApiOptions } from '../../local/serving/api';
import { takeAllMessages } from '../../local/serving/queues';

/** The project root. */
export const ROOT = path.join(__dirname, '..', '..');

/** Client names of {@link servingConfig}. */
export const CLIENTS = {
  /** A browser key: the read routes and events, a high rate. */
  storefront: 'storefront',
  /** A server key: catalogue and profile upserts only. */
  catalog: 'catalog-sync',
  /** A key with a tiny burst, for the usage plan. */
  limited: 'limited',
} as const;

/** The sample config with a serving section: every route, three clients. */
export function servingConfig(): PipelineConfig {
  const sample = JSON.parse(readFileSync(path.join(ROOT, 'personalize.config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return parseConfig({
    ...sample,
    serving: {
      campaigns: {
        recommendations: 'user-personalization',
        related: 'similar-items',
        ranking: 'ranking',
        popular: 'popular',
      },
      allowedOrigins: ['http://shop.localhost'],
      clients: [
        {
          name: CLIENTS.storefront,
          routes: ['recommendations', 'related', 'ranking', 'popular', 'events'],
          rateLimit: 10_000,
          burstLimit: 5_000,
        },
        { name: CLIENTS.catalog, routes: ['items', 'users'], rateLimit: 100, burstLimit: 100 },
        { name: CLIENTS.limited, routes: ['popular'], rateLimit: 0.5, burstLimit: 2 },
      ],
    },
  });
}

/** A started local API and what to clean up. */
export interface ServingFixture {
  readonly api: LocalApi;
  readonly config: PipelineConfig;
  /** Lines the API logged (problems only). */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Starts the local API on this worker's moto with a fresh emulator; `deploy: 'auto'` runs the pipeline. */
export async function startServing(
  options: Partial<LocalApiOptions> = {},
  config: PipelineConfig = servingConfig(),
): Promise<ServingFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'serving-'));
  const logs: string[] = [];
  // The handlers' warnings (a message returned to the queue ...) are expected here; errors still print.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const api = await startLocalApi({
    config,
    sampleDir: path.join(ROOT, 'sample-data'),
    motoEndpoint: process.env.MOTO_ENDPOINT,
    emulator: { dataDir, delays: 'zero', synchronous: 'NORMAL' },
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    api,
    config,
    logs,
    async close() {
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A response of the local API. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** Calls the API as `client` (its key in x-api-key; no key when `client` is undefined). */
export async function call(
  api: LocalApi,
  client: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const key = client === undefined ? undefined : api.keys[client];
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(key ? { 'x-api-key': key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Records of the interactions dataset in the emulator (imported and streamed). */
export async function interactionRecords(api: LocalApi): Promise<number> {
  const response = await fetch(`${api.emulator.endpoint}/_emulator/stats`);
  const stats = (await response.json()) as { datasets: Array<{ datasetType: string; records: number }> };
  return stats.datasets.find((d) => d.datasetType === 'INTERACTIONS')?.records ?? 0;
}

/** Adds fault rules to the emulator. */
export async function injectFaults(api: LocalApi, rules: readonly Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${api.emulator.endpoint}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults: rules }),
  });
  if (!response.ok) throw new Error(`fault injection failed: ${response.status} ${await response.text()}`);
}

/** Takes every message out of a queue (the dead-letter queue), returning their bodies. */
export async function drainQueue(queueUrl: string): Promise<string[]> {
  const sqs = new SQSClient({});
  try {
    return await takeAllMessages(sqs, queueUrl);
  } finally {
    sqs.destroy();
  }
}

/** The archive objects under `events-archive/`, as CSV text by key. */
export async function archivedCsv(bucket: string): Promise<Map<string, string>> {
  const s3 = createS3Client();
  const objects = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'events-archive/', ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      objects.set(object.Key ?? '', (await body.Body?.transformToString()) ?? '');
    }
    token = page.NextContinuationToken;
  } while (token);
  s3.destroy();
  return objects;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Deploys only what the event path needs, straight through the emulator (no campaigns, so no pipeline):
 * the project's dataset group with an Interactions dataset and the event tracker, and the two parameters
 * the pipeline would publish. The local API then finds them published and does not run the pipeline.
 */
export async function deployEventPathOnly(emulatorEndpoint: string, projectName: string): Promise<void> {
  const personalize = new PersonalizeClient({ endpoint: emulatorEndpoint });
  const ssm = new SSMClient({});
  try {
    const { datasetGroupArn = '' } = await personalize.send(
      new CreateDatasetGroupCommand({ name: datasetGroupName(projectName) }),
    );
    await until(
      () => personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const { schemaArn } = await personalize.send(
      new CreateSchemaCommand({
        name: `${projectName}-interactions`,
        schema: readFileSync(path.join(ROOT, 'schemas', 'interactions.json'), 'utf8'),
      }),
    );
    const { datasetArn = '' } = await personalize.send(
      new CreateDatasetCommand({
        name: `${projectName}-interactions`,
        datasetGroupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );
    await until(
      () => personalize.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );
    const { eventTrackerArn = '', trackingId = '' } = await personalize.send(
      new CreateEventTrackerCommand({ name: eventTrackerName(projectName), datasetGroupArn }),
    );
    await until(
      () => personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (r) => r.eventTracker?.status === 'ACTIVE',
    );
    const put = (name: string, value: unknown) =>
      ssm.send(
        new PutParameterCommand({
          Name: `/${projectName}/${name}`,
          Value: JSON.stringify(value),
          Type: 'String',
          Overwrite: true,
        }),
      );
    await put('event-tracker', { eventTrackerArn, trackingId });
    await put('serving', { campaigns: {}, filters: {}, recipes: {} });
  } finally {
    personalize.destroy();
    ssm.destroy();
  }
}

/** The sample config as it is (without a serving section), loaded as the demo loads it. */
export function sampleConfigWithoutServing(): PipelineConfig {
  const config = loadConfig(path.join(ROOT, 'personalize.config.json'));
  return { ...config, serving: undefined };
}
