/**
 * Size and module-load time of every pipeline handler's bundle, built exactly as deployed (the options of
 * lib/constructs/bundling.ts, which HandlerFunction uses).
 *
 *   npx tsx bench/handler-bundles.ts [--runs N]
 *
 * For each handler (`Object.keys(PIPELINE_PERMISSIONS)`) it writes `index.mjs` + map to a temporary
 * directory and prints a markdown table:
 *
 * - size: `index.mjs` in KB (1 KB = 1024 bytes), minified, without the source map; gzip: the same, gzipped;
 * - limit: 490 KB, or 640 KB when the bundle contains the S3 client (lib/constructs/bundling.ts);
 * - load: median over N fresh `node` processes (default 9) of the time `await import()` of the bundle
 *   takes, measured inside the process (Node's own start-up excluded). Each process gets the environment
 *   the function gets in Lambda: `NODE_OPTIONS=--enable-source-maps`, region, credentials, and the
 *   variables the function is given (`PIPELINE_ENVIRONMENT` of the step), set to dummy values;
 * - top 3: the packages (or project folders) that contribute most bytes, from the esbuild metafile.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import {
  bundleChecksConfig,
  bundleLimitBytes,
  bundleUsesS3,
  esbuildOptions,
  PROJECT_ROOT,
} from '../lib/constructs/bundling';
import { PIPELINE_ENVIRONMENT, PIPELINE_PERMISSIONS, type PipelineStep } from '../core/pipeline-steps';

const KB = 1024;
const DUMMY_ACCOUNT = '123456789012';
const DUMMY_REGION = 'us-east-1';

interface Row {
  readonly handler: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly limitBytes: number;
  readonly loadMs: number;
  readonly top: ReadonlyArray<readonly [string, number]>;
}

function runsFromArgs(argv: readonly string[]): number {
  const index = argv.indexOf('--runs');
  if (index === -1) return 9;
  const runs = Number(argv[index + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer, e.g. --runs 9');
  return runs;
}

/** The package (`@smithy/core`) or project folder (`core/config`) an esbuild input belongs to. */
function ownerOf(input: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inPackage?.[1]) return inPackage[1];
  return input.split('/').slice(0, 2).join('/');
}

/** Bytes in the output per package / project folder, largest first. */
function contributors(metafile: Metafile, outfile: string): Array<[string, number]> {
  const output = Object.entries(metafile.outputs).find(
    ([file]) => path.resolve(PROJECT_ROOT, file) === outfile,
  );
  if (!output) throw new Error(`esbuild's metafile has no output ${outfile}`);
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    bytes.set(ownerOf(input), (bytes.get(ownerOf(input)) ?? 0) + bytesInOutput);
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/** A dummy value a variable's consumers accept: ARNs of this account for `*_ARN`, plain words otherwise. */
function dummyValue(name: string): string {
  if (name === 'AWS_REGION') return DUMMY_REGION;
  if (name === 'ACCOUNT_ID') return DUMMY_ACCOUNT;
  if (name.endsWith('_ARN')) return `arn:aws:iam::${DUMMY_ACCOUNT}:role/bench-${name.toLowerCase()}`;
  return `bench-${name.toLowerCase().replace(/_/g, '-')}`;
}

/** What Lambda puts in a function's environment, plus the handler's required variables. */
function lambdaEnvironment(required: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: DUMMY_REGION,
    AWS_DEFAULT_REGION: DUMMY_REGION,
    AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_SESSION_TOKEN: 'bench-token',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    POWERTOOLS_SERVICE_NAME: 'personalize-pipeline',
  };
  for (const name of required) env[name] ??= dummyValue(name);
  return env;
}

/** Milliseconds `import()` of the bundle takes in one fresh Node process. */
function loadOnce(bundle: string, env: NodeJS.ProcessEnv): number {
  const script =
    'const start = performance.now(); await import(process.argv[1]); ' +
    'process.stdout.write(String(performance.now() - start));';
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, pathToFileURL(bundle).href],
    {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ms = Number(out);
  if (!Number.isFinite(ms)) throw new Error(`Loading ${bundle} printed "${out}" instead of a duration.`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

async function measure(handler: PipelineStep, outdir: string, runs: number): Promise<Row> {
  const outfile = path.join(outdir, handler, 'index.mjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  const { metafile } = await build(esbuildOptions(`lambda/pipeline/${handler}.ts`, outfile));
  if (!metafile) throw new Error('esbuild returned no metafile');
  const code = readFileSync(outfile);
  const env = lambdaEnvironment(PIPELINE_ENVIRONMENT[handler]);
  loadOnce(outfile, env); // warm the OS file cache; not counted
  const times = Array.from({ length: runs }, () => loadOnce(outfile, env));
  return {
    handler,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(code).length,
    limitBytes: bundleLimitBytes(bundleUsesS3(metafile), bundleChecksConfig(metafile)),
    loadMs: median(times),
    top: contributors(metafile, outfile).slice(0, 3),
  };
}

const kb = (bytes: number): string => (bytes / KB).toFixed(1);

async function main(): Promise<void> {
  const runs = runsFromArgs(process.argv.slice(2));
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'handler-bundles-'));
  try {
    const rows: Row[] = [];
    for (const handler of Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[]) {
      rows.push(await measure(handler, outdir, runs));
    }
    const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(
      `Machine: ${cpu}, ${os.availableParallelism()} CPUs (nproc), Node ${process.version}, ${os.platform()}/${os.arch()}`,
    );
    console.log(
      `Load: median of ${runs} fresh node processes importing the bundle, with --enable-source-maps.\n`,
    );
    console.log(
      '| handler | size (KB) | gzip (KB) | limit (KB) | fits | load (ms) | top 3 contributors (KB) |',
    );
    console.log('|---|--:|--:|--:|:-:|--:|---|');
    for (const row of rows) {
      const top = row.top.map(([owner, bytes]) => `${owner} ${kb(bytes)}`).join(', ');
      console.log(
        `| ${row.handler} | ${kb(row.bytes)} | ${kb(row.gzipBytes)} | ${row.limitBytes / KB} | ` +
          `${row.bytes <= row.limitBytes ? 'yes' : '**no**'} | ${row.loadMs.toFixed(1)} | ${top} |`,
      );
    }
    const over = rows.filter((row) => row.bytes > row.limitBytes);
    if (over.length > 0) {
      console.log(`\nOver the limit: ${over.map((row) => row.handler).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
