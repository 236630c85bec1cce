/**
 * Benchmark of the Personalize emulator's runtime path and import jobs.
 *
 *   npx tsx bench/emulator-runtime.ts [--seconds 4] [--rounds 3] [--concurrency 16] [--rate 500]
 *
 * Every party runs in its own process, so on 2 cores each server has a core while the load
 * generator has the other:
 *
 * 1. moto (S3) and the emulator CLI (zero lifecycle delays, temp state directory). The setup imports
 *    sample-data/interactions.csv three times (import throughput in rows/s from the job's own
 *    timestamps), trains aws-user-personalization and deploys a campaign.
 * 2. bench/emulator-bare.ts: a bare `node:http` server answering every request with a JSON body of
 *    the same size as a real GetRecommendations response (25 items).
 * 3. bench/emulator-load.ts drives both alternately, in rounds: closed loop at fixed concurrency
 *    (peak throughput; the median round is reported) and an open loop at a fixed rate (latency
 *    p50/p99; the round with the median p99 is reported).
 *
 * The emulator is measured twice: with its result memo (the default; repeated users are answered
 * from memory) and restarted with `--no-result-cache` (every request runs the model). The restart
 * reuses the state directory, so it also shows a restart picking up campaigns and models.
 *
 * Prints markdown for BENCHMARKS.md. Not a pass/fail test. The 1-minute load average before and after is printed: on a shared
 * machine, compare ratios from the same run only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort, startMoto } from '../local/harness/moto';

const ROOT = join(__dirname, '..');
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function runLoad(job: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'emulator-load.ts'), JSON.stringify(job)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult)
        : reject(new Error(`load process exited with ${code}`)),
    );
  });
}

/** Spawns a server process and resolves once `ready()` says it answers. */
async function spawnServer(args: string[], ready: () => Promise<boolean>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await until(
    () => ready().catch(() => false),
    (ok) => ok,
  );
  return child;
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The run with the median value of `by`. */
function median(results: LoadResult[], by: (r: LoadResult) => number): LoadResult {
  const sorted = [...results].sort((a, b) => by(a) - by(b));
  return sorted[Math.floor(sorted.length / 2)] as LoadResult;
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string', default: '500' },
    },
  });
  const durationMs = Number(values.seconds) * 1000;
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  const rate = Number(values.rate);

  const loadBefore = loadavg()[0] ?? 0;
  const moto = await startMoto();
  const dataDir = mkdtempSync(join(tmpdir(), 'personalize-bench-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const health = (): Promise<boolean> => fetch(`${endpoint}/_emulator/health`).then((r) => r.ok);
  const emulatorArgs = [
    join(ROOT, 'local', 'emulator', 'cli.ts'),
    '--port',
    String(port),
    '--data-dir',
    dataDir,
    '--zero-delays',
    '--s3-endpoint',
    moto.endpoint,
    '--quiet',
  ];
  let emulator = await spawnServer(emulatorArgs, health);
  const control = new PersonalizeClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    forcePathStyle: true,
  });
  let bare: ChildProcess | undefined;
  try {
    // Data and model.
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const csv = readFileSync(join(ROOT, 'sample-data', 'interactions.csv'));
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'interactions.csv', Body: csv }));
    const rows = csv.toString('utf8').trim().split('\n').length - 1;
    const { datasetGroupArn } = await control.send(new CreateDatasetGroupCommand({ name: 'bench' }));
    await until(
      () => control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const { schemaArn } = await control.send(
      new CreateSchemaCommand({
        name: 'bench-interactions',
        schema: readFileSync(join(ROOT, 'schemas', 'interactions.json'), 'utf8'),
      }),
    );
    const { datasetArn } = await control.send(
      new CreateDatasetCommand({
        name: 'bench-interactions',
        datasetGroupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );
    await until(
      () => control.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );
    const importTimes: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { datasetImportJobArn } = await control.send(
        new CreateDatasetImportJobCommand({
          jobName: `bench-import-${i}`,
          datasetArn,
          dataSource: { dataLocation: 's3://bench/interactions.csv' },
        }),
      );
      const job = await until(
        () => control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
        (r) => ['ACTIVE', 'CREATE FAILED'].includes(r.datasetImportJob?.status ?? ''),
      );
      if (job.datasetImportJob?.status !== 'ACTIVE')
        throw new Error(`import failed: ${job.datasetImportJob?.failureReason}`);
      importTimes.push(
        ((job.datasetImportJob.lastUpdatedDateTime?.getTime() ?? 0) -
          (job.datasetImportJob.creationDateTime?.getTime() ?? 0)) /
          1000,
      );
    }
    const importSeconds = [...importTimes].sort((a, b) => a - b)[1] ?? Number.NaN;
    const { solutionArn } = await control.send(
      new CreateSolutionCommand({
        name: 'bench',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        performAutoTraining: false,
      }),
    );
    await until(
      () => control.send(new DescribeSolutionCommand({ solutionArn })),
      (r) => r.solution?.status === 'ACTIVE',
    );
    const { solutionVersionArn } = await control.send(new CreateSolutionVersionCommand({ solutionArn }));
    await until(
      () => control.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
      (r) => r.solutionVersion?.status === 'ACTIVE',
    );
    const { campaignArn } = await control.send(
      new CreateCampaignCommand({ name: 'bench', solutionVersionArn }),
    );
    await until(
      () => control.send(new DescribeCampaignCommand({ campaignArn })),
      (r) => r.campaign?.status === 'ACTIVE',
    );

    // Requests: 25 recommendations for 1000 different users; the baseline answers a body of the same size.
    const bodies = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ campaignArn, userId: `user-${String(i + 1).padStart(4, '0')}`, numResults: 25 }),
    );
    const sampleBody = await (
      await fetch(`${endpoint}/recommendations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: bodies[0],
      })
    ).text();
    const barePort = await freePort();
    bare = await spawnServer([join(__dirname, 'emulator-bare.ts'), String(barePort), sampleBody], () =>
      fetch(`http://127.0.0.1:${barePort}/`, { method: 'POST', body: '{}' }).then((r) => r.ok),
    );

    const load = {
      headers: { 'Content-Type': 'application/json' },
      bodies,
      durationMs,
      warmupMs: 1000,
      rate,
    };
    const emulatorUrl = `${endpoint}/recommendations`;
    const bareUrl = `http://127.0.0.1:${barePort}/recommendations`;
    const measure = async (): Promise<{
      closed: LoadResult;
      bareClosed: LoadResult;
      open: LoadResult;
      bareOpen: LoadResult;
    }> => {
      const runs: Record<'closed' | 'bareClosed' | 'open' | 'bareOpen', LoadResult[]> = {
        closed: [],
        bareClosed: [],
        open: [],
        bareOpen: [],
      };
      for (let round = 0; round < rounds; round += 1) {
        runs.closed.push(await runLoad({ ...load, url: emulatorUrl, mode: 'closed', concurrency }));
        runs.bareClosed.push(await runLoad({ ...load, url: bareUrl, mode: 'closed', concurrency }));
        runs.open.push(await runLoad({ ...load, url: emulatorUrl, mode: 'open', concurrency: 64 }));
        runs.bareOpen.push(await runLoad({ ...load, url: bareUrl, mode: 'open', concurrency: 64 }));
      }
      return {
        closed: median(runs.closed, (r) => r.throughput),
        bareClosed: median(runs.bareClosed, (r) => r.throughput),
        open: median(runs.open, (r) => r.p99Ms),
        bareOpen: median(runs.bareOpen, (r) => r.p99Ms),
      };
    };
    const memo = await measure();
    await stopProcess(emulator);
    emulator = await spawnServer([...emulatorArgs, '--no-result-cache'], health);
    const computed = await measure();

    const cpu = cpus()[0]?.model ?? 'unknown';
    const nproc = execFileSync('nproc').toString().trim();
    const row = (name: string, r: LoadResult): string =>
      `| ${name} | ${fmt(r.throughput, 0)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.maxMs)} | ${r.errors} |`;
    const ratio = (a: LoadResult, b: LoadResult): string =>
      `${fmt((a.throughput / b.throughput) * 100, 1)} %`;
    const lines = [
      `Machine: nproc ${nproc}, ${cpu}, node ${process.version}. Response body ${Buffer.byteLength(sampleBody)} bytes (25 items, aws-user-personalization on sample-data). Emulator, baseline and load generator in separate processes; ${rounds} alternating rounds of ${values.seconds} s per run; closed loop: the round with the median throughput, open loop: the round with the median p99. Load average ${fmt(loadBefore)} before, ${fmt(loadavg()[0] ?? 0)} after.`,
      '',
      '| run | req/s | p50 ms | p99 ms | max ms | errors |',
      '|---|---|---|---|---|---|',
      row(`emulator, result memo on (default), closed loop, ${concurrency} concurrent`, memo.closed),
      row(`bare node:http, closed loop, ${concurrency} concurrent`, memo.bareClosed),
      row(`emulator, result memo on, open loop at ${rate} req/s`, memo.open),
      row(`bare node:http, open loop at ${rate} req/s`, memo.bareOpen),
      row(`emulator, --no-result-cache, closed loop, ${concurrency} concurrent`, computed.closed),
      row(`bare node:http, closed loop, ${concurrency} concurrent`, computed.bareClosed),
      row(`emulator, --no-result-cache, open loop at ${rate} req/s`, computed.open),
      row(`bare node:http, open loop at ${rate} req/s`, computed.bareOpen),
      '',
      `Throughput vs bare server: memo on **${ratio(memo.closed, memo.bareClosed)}**, every request computed **${ratio(computed.closed, computed.bareClosed)}**.`,
      '',
      '| import | rows | seconds (median of 3) | rows/s |',
      '|---|---|---|---|',
      `| sample-data/interactions.csv from moto S3, FULL | ${rows} | ${fmt(importSeconds, 3)} | ${fmt(rows / importSeconds, 0)} |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    control.destroy();
    s3.destroy();
    if (bare) await stopProcess(bare);
    await stopProcess(emulator);
    await moto.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
