/**
 * Every handler bundles, with the options HandlerFunction deploys (lib/constructs/bundling.ts), into a
 * minified, tree-shaken ES module with the AWS SDK inside and under its size limit. This is the test that
 * bundles for real; template tests skip bundling. Sizes are deterministic; timings are measured by
 * bench/handler-bundles.ts, not here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { build, type Metafile, type OutputFile } from 'esbuild';
import {
  bundleChecksConfig,
  bundleLimitBytes,
  bundleUsesS3,
  cdkBundlingOptions,
  esbuildOptions,
  HANDLER_BUNDLING,
} from '../../lib/constructs/bundling';
import { HandlerFunction } from '../../lib/constructs/handler-function';
import { PIPELINE_PERMISSIONS, type PipelineStep } from '../../core/pipeline-steps';
import { testApp } from '../util/app';

const STEPS = Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[];

interface Bundle {
  readonly code: string;
  readonly bytes: number;
  readonly metafile: Metafile;
  readonly output: Metafile['outputs'][string];
}

const bundles = new Map<PipelineStep, Bundle>();

beforeAll(async () => {
  const outdir = path.join(os.tmpdir(), 'bundles-test');
  await Promise.all(
    STEPS.map(async (step) => {
      const outfile = path.join(outdir, step, 'index.mjs');
      const result = await build({ ...esbuildOptions(`lambda/pipeline/${step}.ts`, outfile), write: false });
      const { metafile, outputFiles } = result;
      const file = outputFiles.find((f: OutputFile) => f.path === outfile);
      const output = Object.values(metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
      if (!metafile || !file || !output) throw new Error(`esbuild wrote no ${outfile} for ${step}`);
      bundles.set(step, { code: file.text, bytes: file.contents.byteLength, metafile, output });
    }),
  );
});

function bundleOf(step: PipelineStep): Bundle {
  const bundle = bundles.get(step);
  if (!bundle) throw new Error(`${step} was not bundled`);
  return bundle;
}

/** The packages of the inputs whose code is in the output, e.g. `@aws-sdk/client-personalize`. */
function bundledPackages(bundle: Bundle): Set<string> {
  const packages = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(bundle.output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (name && bytesInOutput > 0) packages.add(name);
  }
  return packages;
}

describe('the HandlerFunction bundling options', () => {
  test('are the shared settings, handed to NodejsFunction and to the esbuild API alike', () => {
    // Prepare
    const cdk = cdkBundlingOptions();
    const api = esbuildOptions('lambda/pipeline/poll.ts', '/tmp/poll/index.mjs');

    // Assess
    expect(cdk).toMatchObject({
      target: HANDLER_BUNDLING.target,
      format: HANDLER_BUNDLING.format,
      mainFields: HANDLER_BUNDLING.mainFields,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      banner: HANDLER_BUNDLING.banner,
      externalModules: [],
      esbuildArgs: {
        '--conditions': 'module',
        '--alias': ['@aws-sdk/credential-provider-node=./lambda/shared/credentials.ts'],
      },
    });
    expect(api).toMatchObject({
      bundle: true,
      platform: 'node',
      target: cdk.target,
      format: cdk.format,
      mainFields: cdk.mainFields,
      conditions: ['module'],
      minify: cdk.minify,
      sourcemap: cdk.sourceMap,
      sourcesContent: cdk.sourcesContent,
      banner: { js: cdk.banner },
      external: cdk.externalModules,
      alias: HANDLER_BUNDLING.alias,
    });
  });
});

describe('a HandlerFunction', () => {
  test('deploys byte for byte the bundle that the esbuild API builds with the shared options', () => {
    // Prepare
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'bundles-cdk-'));
    try {
      const app = testApp({ bundle: true, outdir });
      const stack = new Stack(app, 'Bundles');
      new HandlerFunction(stack, 'Summary', {
        entry: 'lambda/pipeline/summary.ts',
        description: 'summary',
        encryptionKey: new kms.Key(stack, 'Key'),
      });

      // Act
      app.synth();

      // Assess
      const assets = readdirSync(outdir).filter((entry) => entry.startsWith('asset.'));
      expect(assets).toHaveLength(1);
      const deployed = readFileSync(path.join(outdir, assets[0] ?? '', 'index.mjs'), 'utf8');
      expect(deployed).toBe(bundleOf('summary').code);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe.each(STEPS)('the %s handler bundle', (step) => {
  test('is a minified ES module exporting the handler', () => {
    const bundle = bundleOf(step);

    expect(bundle.output.exports).toEqual(['handler']);
    // Minified: the export names a mangled local, and the code is a few very long lines.
    expect(bundle.code).toMatch(
      /export\{[\w$]{1,3} as handler\};?\s*(\/\*[\s\S]*\*\/\s*)?\/\/# sourceMappingURL=index\.mjs\.map\s*$/,
    );
    expect(bundle.code.split('\n').length).toBeLessThan(bundle.bytes / 1000);
    expect(bundle.code.startsWith(HANDLER_BUNDLING.banner)).toBe(true);
  });

  test('contains the AWS SDK in its ESM build, and imports nothing but Node built-ins', () => {
    const bundle = bundleOf(step);

    const packages = bundledPackages(bundle);
    expect([...packages].filter((name) => name.startsWith('@aws-sdk/client-'))).not.toHaveLength(0);
    expect(packages).toContain('@smithy/core');
    const sdkInputs = Object.keys(bundle.output.inputs).filter((input) =>
      /node_modules\/@(aws-sdk|smithy)\//.test(input),
    );
    expect(sdkInputs.filter((input) => input.includes('/dist-cjs/'))).toEqual([]);
    const builtins = new Set(builtinModules);
    const external = bundle.output.imports.filter((i) => i.external).map((i) => i.path);
    expect(external.filter((name) => !name.startsWith('node:') && !builtins.has(name))).toEqual([]);
  });

  test("takes credentials from Lambda's environment only, not the SDK's whole default chain", () => {
    const packages = bundledPackages(bundleOf(step));

    expect(packages).toContain('@aws-sdk/credential-provider-env');
    expect(packages).not.toContain('@aws-sdk/credential-provider-node');
    expect(packages).not.toContain('@aws-sdk/nested-clients');
  });

  test('is under its size limit (490 KB, or 640 KB with the S3 client, 60 KB more to check a whole config)', () => {
    const bundle = bundleOf(step);

    expect(bundle.bytes).toBeLessThanOrEqual(
      bundleLimitBytes(bundleUsesS3(bundle.metafile), bundleChecksConfig(bundle.metafile)),
    );
  });
});
