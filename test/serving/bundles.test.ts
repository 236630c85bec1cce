/**
 * Every serving handler bundles with the options the pipeline functions are deployed with
 * (lib/constructs/bundling.ts) into a minified ES module with the AWS SDK inside, the Lambda-only credential
 * provider, and within its size budget: 400 KB for the API handlers (the SSM client of Powertools parameters
 * alone weighs ~77 KB), 600 KB for the queue consumer, which also carries the S3 and DynamoDB clients; each plus
 * the 140 KB of tracing and metrics every handler carries (OBSERVABILITY_BUNDLE_KB).
 */
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, HANDLER_BUNDLING, OBSERVABILITY_BUNDLE_KB } from '../../lib/constructs/bundling';
import { SERVING_HANDLERS, type ServingHandler } from '../../core/serving/handlers';

const HANDLERS = Object.keys(SERVING_HANDLERS) as ServingHandler[];

/** Size budget of each handler's `index.mjs`, in KB. */
const BUDGET_KB: Readonly<Record<ServingHandler, number>> = {
  recommendations: 400 + OBSERVABILITY_BUNDLE_KB,
  events: 400 + OBSERVABILITY_BUNDLE_KB,
  catalog: 400 + OBSERVABILITY_BUNDLE_KB,
  'event-consumer': 600 + OBSERVABILITY_BUNDLE_KB,
};

interface Bundle {
  readonly code: string;
  readonly bytes: number;
  readonly output: Metafile['outputs'][string];
}

const bundles = new Map<ServingHandler, Bundle>();

beforeAll(async () => {
  for (const handler of HANDLERS) {
    const outfile = path.join(os.tmpdir(), 'serving-bundles', handler, 'index.mjs');
    const result = await build({ ...esbuildOptions(SERVING_HANDLERS[handler].entry, outfile), write: false });
    const file = result.outputFiles.find((f) => f.path === outfile);
    const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
    if (!file || !output) throw new Error(`esbuild wrote no bundle for ${handler}`);
    bundles.set(handler, { code: file.text, bytes: file.contents.byteLength, output });
  }
}, 120_000);

function bundleOf(handler: ServingHandler): Bundle {
  const bundle = bundles.get(handler);
  if (!bundle) throw new Error(`${handler} was not bundled`);
  return bundle;
}

function packagesOf(bundle: Bundle): Set<string> {
  const packages = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(bundle.output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (name && bytesInOutput > 0) packages.add(name);
  }
  return packages;
}

describe.each(HANDLERS)('the %s handler bundle', (handler) => {
  test('is a minified ES module exporting the handler, importing nothing but Node built-ins', () => {
    const bundle = bundleOf(handler);

    expect(bundle.output.exports).toEqual(['handler']);
    expect(bundle.code.startsWith(HANDLER_BUNDLING.banner)).toBe(true);
    const builtins = new Set(builtinModules);
    const external = bundle.output.imports.filter((i) => i.external).map((i) => i.path);
    expect(external.filter((name) => !name.startsWith('node:') && !builtins.has(name))).toEqual([]);
  });

  test("takes credentials from Lambda's environment only, and bundles no classic zod", () => {
    const packages = packagesOf(bundleOf(handler));

    expect(packages).not.toContain('@aws-sdk/credential-provider-node');
    expect(
      Object.keys(bundleOf(handler).output.inputs).filter((input) => input.includes('zod/v4/classic')),
    ).toEqual([]);
  });

  test('is within its size budget', () => {
    expect(bundleOf(handler).bytes).toBeLessThanOrEqual(BUDGET_KB[handler] * 1024);
  });
});
