/**
 * State size and serving during training of the Personalize emulator on the MovieLens "POC" data.
 *
 *   npx tsx bench/emulator-state-size.ts [dataDir]
 *
 * moto (S3) and the emulator CLI (zero lifecycle delays, temp state directory) run in their own
 * processes. Through the unmodified SDK only, the bench imports interactions.csv and items.csv into
 * one dataset group, trains aws-popularity-count and deploys a campaign on it, then trains aws-sims and
 * aws-user-personalization while a poller asks the health check and GetRecommendations on the
 * popularity campaign one request after the other, recording the gap between consecutive answers.
 *
 * Prints markdown for BENCHMARKS.md: CSV bytes, state directory bytes and their ratio, then the
 * training times and the answer gaps. dataDir defaults to ../shared/data/movielens-poc.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, startMoto } from '../local/harness/moto';

const ROOT = join(__dirname, '..');
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const INTERACTIONS_SCHEMA = JSON.stringify({
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

const ITEMS_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Items',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRE', type: ['null', 'string'], categorical: true },
    { name: 'YEAR', type: ['null', 'string'] },
  ],
  version: '1.0',
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Bytes of every file under a directory. */
function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

const mb = (bytes: number): string => (bytes / 1_000_000).toFixed(2);

async function main(): Promise<void> {
  const dataDir = resolve(process.argv[2] ?? join(ROOT, '..', 'shared', 'data', 'movielens-poc'));
  const interactionsCsv = readFileSync(join(dataDir, 'interactions.csv'));
  const itemsCsv = readFileSync(join(dataDir, 'items.csv'));
  const csvBytes = interactionsCsv.length + itemsCsv.length;

  const loadBefore = loadavg()[0] ?? 0;
  const moto = await startMoto();
  const stateDir = mkdtempSync(join(tmpdir(), 'personalize-state-bench-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'local', 'emulator', 'cli.ts'),
      '--port',
      String(port),
      '--data-dir',
      stateDir,
      '--zero-delays',
      '--s3-endpoint',
      moto.endpoint,
      '--quiet',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const config = { endpoint, region: 'us-east-1', credentials: CREDENTIALS };
  const control = new PersonalizeClient(config);
  const runtime = new PersonalizeRuntimeClient({ ...config, maxAttempts: 1 });
  const s3 = new S3Client({ ...config, endpoint: moto.endpoint, forcePathStyle: true });
  try {
    await until(
      () =>
        fetch(`${endpoint}/_emulator/health`)
          .then((r) => r.ok)
          .catch(() => false),
      (ok) => ok,
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'interactions.csv', Body: interactionsCsv }));
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'items.csv', Body: itemsCsv }));
    const { datasetGroupArn } = await control.send(new CreateDatasetGroupCommand({ name: 'movielens' }));
    await until(
      () => control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    for (const [type, schema, key] of [
      ['Interactions', INTERACTIONS_SCHEMA, 'interactions.csv'],
      ['Items', ITEMS_SCHEMA, 'items.csv'],
    ] as const) {
      const { schemaArn } = await control.send(
        new CreateSchemaCommand({ name: `movielens-${type.toLowerCase()}`, schema }),
      );
      const { datasetArn } = await control.send(
        new CreateDatasetCommand({
          name: `movielens-${type.toLowerCase()}`,
          datasetGroupArn,
          schemaArn,
          datasetType: type,
        }),
      );
      await until(
        () => control.send(new DescribeDatasetCommand({ datasetArn })),
        (r) => r.dataset?.status === 'ACTIVE',
      );
      const { datasetImportJobArn } = await control.send(
        new CreateDatasetImportJobCommand({
          jobName: `movielens-${type.toLowerCase()}`,
          datasetArn,
          dataSource: { dataLocation: `s3://bench/${key}` },
        }),
      );
      const job = await until(
        () => control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
        (r) => ['ACTIVE', 'CREATE FAILED'].includes(r.datasetImportJob?.status ?? ''),
      );
      if (job.datasetImportJob?.status !== 'ACTIVE')
        throw new Error(`import of ${key} failed: ${job.datasetImportJob?.failureReason}`);
    }

    const train = async (recipe: string): Promise<{ arn: string; seconds: number }> => {
      const { solutionArn } = await control.send(
        new CreateSolutionCommand({
          name: `movielens-${recipe}`,
          datasetGroupArn,
          recipeArn: `arn:aws:personalize:::recipe/${recipe}`,
        }),
      );
      await until(
        () => control.send(new DescribeSolutionCommand({ solutionArn })),
        (r) => r.solution?.status === 'ACTIVE',
      );
      const started = Date.now();
      const { solutionVersionArn = '' } = await control.send(
        new CreateSolutionVersionCommand({ solutionArn }),
      );
      const done = await until(
        () => control.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
        (r) => ['ACTIVE', 'CREATE FAILED'].includes(r.solutionVersion?.status ?? ''),
      );
      if (done.solutionVersion?.status !== 'ACTIVE')
        throw new Error(`training ${recipe} failed: ${done.solutionVersion?.failureReason}`);
      return { arn: solutionVersionArn, seconds: (Date.now() - started) / 1000 };
    };

    const popularity = await train('aws-popularity-count');
    const { campaignArn } = await control.send(
      new CreateCampaignCommand({ name: 'movielens-popular', solutionVersionArn: popularity.arn }),
    );
    await until(
      () => control.send(new DescribeCampaignCommand({ campaignArn })),
      (r) => r.campaign?.status === 'ACTIVE',
    );

    // Serving while the two other solutions train: one request after the other, alternating.
    const gaps: number[] = [];
    let polling = true;
    const poller = (async () => {
      let last = performance.now();
      for (let i = 0; polling; i += 1) {
        if (i % 2 === 0) await fetch(`${endpoint}/_emulator/health`).then((r) => r.text());
        else
          await runtime.send(
            new GetRecommendationsCommand({ campaignArn, userId: String((i % 600) + 1), numResults: 10 }),
          );
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
    })();
    const sims = await train('aws-sims');
    const personalization = await train('aws-user-personalization');
    polling = false;
    await poller;
    gaps.sort((a, b) => a - b);
    const p = (q: number): number => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? 0;

    await stopProcess(emulator);
    const stateBytes = directoryBytes(stateDir);
    const nproc = execFileSync('nproc').toString().trim();
    const lines = [
      `Machine: nproc ${nproc}, ${cpus()[0]?.model ?? 'unknown'}, node ${process.version}. Load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after. State measured after the emulator stopped.`,
      '',
      '| CSV bytes (interactions + items) | state directory bytes | ratio |',
      '|---|---|---|',
      `| ${csvBytes} (${mb(csvBytes)} MB) | ${stateBytes} (${mb(stateBytes)} MB) | ${(stateBytes / csvBytes).toFixed(2)} |`,
      '',
      '| training (CreateSolutionVersion → ACTIVE) | seconds |',
      '|---|---|',
      `| aws-popularity-count | ${popularity.seconds.toFixed(1)} |`,
      `| aws-sims | ${sims.seconds.toFixed(1)} |`,
      `| aws-user-personalization | ${personalization.seconds.toFixed(1)} |`,
      '',
      `Answers (health check and GetRecommendations alternately, one at a time) during the aws-sims and aws-user-personalization trainings: ${gaps.length}; gap between consecutive answers p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, max ${(gaps.at(-1) ?? 0).toFixed(1)} ms.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    control.destroy();
    runtime.destroy();
    s3.destroy();
    await stopProcess(emulator);
    await moto.stop();
    if (process.env.KEEP_STATE) process.stderr.write(`state kept in ${stateDir}\n`);
    else rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
