/**
 * The `validate` step on a large interactions file: rows per second and peak memory, against the
 * Lambda function's configured memory (lib/stacks/pipeline-stack.ts gives validate 1,024 MB).
 *
 *   npx tsx bench/validate-data.ts [--size-mb 1024] [--dir /tmp]
 *
 * Writes a generated interactions CSV of about `--size-mb` MB (200,000 users, 50,000 items, three event
 * types; three mistakes near the end), then runs two passes over it, each in its own process so that each
 * peak RSS is its own:
 *   - baseline: csv-parse alone over the file stream (the floor: reading and splitting rows);
 *   - validate: the real `validateRun` (lambda/pipeline/validate.logic.ts) with an S3 client whose
 *     GetObject streams the file, so every row is checked as in the function.
 * Prints a markdown table for BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { machine, revision } from './lib/serving-stats';

const ROOT = join(__dirname, '..');
const KEY = 'datasets/interactions/interactions.csv';
const USERS = 200_000;
const ITEMS = 50_000;
const EVENT_TYPES = ['view', 'click', 'purchase'];

interface PassResult {
  readonly pass: string;
  readonly rows: number;
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly problems: number;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Writes about `bytes` bytes of interactions, deterministic, with three mistakes in its last rows. */
async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,IMPRESSION,RECOMMENDATION_ID\n');
  let written = 0;
  let rows = 0;
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const user = `user-${String(next() % USERS).padStart(6, '0')}`;
      const item = `item-${String(next() % ITEMS).padStart(5, '0')}`;
      const time = 1_700_000_000 + rows;
      lines.push(`${user},${item},${time},${EVENT_TYPES[next() % 3] ?? 'view'},,,`);
      rows += 1;
    }
    if (written + 200_000 >= bytes) {
      lines[100] = 'user-000001,item-00001,,view,,,';
      lines[200] = 'user-000001,item-00001,2026-01-01,view,,,';
      lines[300] = 'user-000001,item-00001,1700000000,view,lots,,';
    }
    const chunk = `${lines.join('\n')}\n`;
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

async function baselinePass(file: string): Promise<Omit<PassResult, 'pass' | 'maxRssMb'>> {
  const started = process.hrtime.bigint();
  let rows = -1;
  const parser = createReadStream(file).pipe(
    parse({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true }),
  );
  for await (const record of parser as AsyncIterable<unknown>) if (record !== undefined) rows += 1;
  return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9, problems: 0 };
}

async function validatePass(file: string): Promise<Omit<PassResult, 'pass' | 'maxRssMb'>> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const { validateRun } = await import('../lambda/pipeline/validate.logic');
  const size = statSync(file).size;
  const s3 = {
    send: async (command: unknown) => {
      if (command instanceof ListObjectsV2Command) return { Contents: [{ Key: KEY, Size: size }] };
      if (command instanceof GetObjectCommand) return { Body: createReadStream(file) };
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as S3Client;
  const config = {
    projectName: 'bench',
    datasets: {
      interactions: {
        schemaFile: 'schemas/interactions.json',
        dataLocation: 'datasets/interactions/',
        schema: readFileSync(join(ROOT, 'schemas', 'interactions.json'), 'utf8'),
      },
    },
    solutions: [{ name: 'popular', recipe: 'aws-popularity-count' }],
  };
  const started = process.hrtime.bigint();
  let problems = 0;
  try {
    await validateRun({ input: { config }, deployedConfig: {} as never }, { s3, bucket: 'bench' });
  } catch (error) {
    problems = (error as { problems?: string[] }).problems?.length ?? -1;
    if (problems !== 3) throw error;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = (await baselineRows(file)) ?? 0;
  return { rows, seconds, problems };
}

/** Rows of the file (newlines minus the header), counted without parsing. */
async function baselineRows(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
  }
  return lines - 1;
}

async function child(pass: string, file: string): Promise<void> {
  const result = pass === 'baseline' ? await baselinePass(file) : await validatePass(file);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ pass, ...result, maxRssMb })}\n`);
}

async function main(): Promise<void> {
  const pass = option('pass', '');
  if (pass !== '') return child(pass, option('file', ''));
  const sizeMb = Number(option('size-mb', '1024'));
  const dir = mkdtempSync(join(option('dir', tmpdir()), 'validate-bench-'));
  const file = join(dir, 'interactions.csv');
  try {
    console.log(`Generating ${sizeMb} MB of interactions in ${dir} ...`);
    const rows = await generate(file, sizeMb * 1024 * 1024);
    const bytes = statSync(file).size;
    const results: PassResult[] = [];
    for (const name of ['baseline', 'validate']) {
      const run = spawnSync(
        process.execPath,
        [...process.execArgv, __filename, '--pass', name, '--file', file],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      if (run.status !== 0) throw new Error(`${name} pass failed:\n${run.stderr}`);
      const line = run.stdout.trim().split('\n').pop() ?? '{}';
      results.push(JSON.parse(line) as PassResult);
    }
    console.log(`\n${machine()}; ${revision(ROOT)}`);
    console.log(`File: ${(bytes / 2 ** 20).toFixed(0)} MB, ${rows.toLocaleString('en')} rows\n`);
    console.log('| pass | rows/s | MB/s | seconds | peak RSS | problems found |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of results) {
      console.log(
        `| ${r.pass} | ${Math.round(r.rows / r.seconds).toLocaleString('en')} | ${(bytes / 2 ** 20 / r.seconds).toFixed(1)} | ${r.seconds.toFixed(1)} | ${r.maxRssMb.toFixed(0)} MB | ${r.problems} |`,
      );
    }
    const validate = results.find((r) => r.pass === 'validate');
    if (validate !== undefined) {
      console.log(
        `\nvalidate peak RSS ${validate.maxRssMb.toFixed(0)} MB of the function's 1,024 MB; at ${(bytes / 2 ** 20 / validate.seconds).toFixed(1)} MB/s the function's 15-minute timeout allows about ${((bytes / 2 ** 30 / validate.seconds) * 900).toFixed(1)} GB per run.`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
