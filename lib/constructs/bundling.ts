/**
 * How every handler is bundled, in one place. HandlerFunction hands these settings to
 * NodejsFunction (which runs the esbuild CLI); bench/handler-bundles.ts and test/lambda/bundles.test.ts
 * run the esbuild API with the very same settings, so what is measured and tested is what is deployed.
 *
 * The result: one minified, tree-shaken ESM file per handler with the AWS SDK pinned in package-lock.json
 * inside it, under {@link bundleLimitBytes}.
 */
import * as path from 'node:path';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions, Metafile } from 'esbuild';

/** The project root: NodejsFunction's `projectRoot` and esbuild's working directory. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/**
 * The bundling settings, named as in NodejsFunction's `BundlingOptions`. Every handler gets exactly these;
 * change them here only.
 */
export const HANDLER_BUNDLING = {
  /** Lambda's `nodejs22.x` runtime: esbuild keeps modern syntax as is instead of down-levelling it. */
  target: 'node22',
  /**
   * ES modules: esbuild tree-shakes ESM imports statement by statement, which it cannot do for CommonJS
   * (`require` returns a whole `exports` object). Written as `index.mjs`, so Node loads it as ESM.
   */
  format: 'esm',
  /**
   * For packages without an `exports` map (the `@aws-sdk/client-*` packages): take the ESM build
   * (`module`: `dist-es`) over the CommonJS one (`main`: `dist-cjs`), which could not be tree-shaken.
   */
  mainFields: ['module', 'main'],
  /**
   * For packages with an `exports` map (`@aws-sdk/core`, `@smithy/core`, ...): the conditions esbuild
   * matches besides `default`, `import` and the platform's `node`. Their maps list `module` (`dist-es`)
   * before `node` (`dist-cjs`), so `module` must be active. esbuild adds it on its own only while no
   * conditions are configured; naming it keeps the ESM build chosen whatever else is added here.
   */
  conditions: ['module'],
  /** Minified identifiers, syntax and whitespace: a smaller file that Node parses faster at cold start. */
  minify: true,
  /** A linked `index.mjs.map`, so `--enable-source-maps` (set on every function) maps stack traces to the sources. */
  sourceMap: true,
  /** The map names the source files without embedding their text: smaller asset, no source shipped twice. */
  sourcesContent: false,
  /**
   * ESM has no `require`; CommonJS code inside the bundle (and Node built-ins it requires) still calls it.
   * The banner gives the module a real one.
   */
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /**
   * Nothing is left to the runtime: the AWS SDK is bundled at the version pinned in package-lock.json
   * instead of the runtime's, which changes without notice.
   */
  externalModules: [] as string[],
  /**
   * Lambda passes a function its role's credentials in environment variables, the first link of the SDK's
   * default credential chain (`@aws-sdk/credential-provider-node`). The other links (SSO, shared ini files,
   * credential_process, web identity, container and instance metadata, with the STS / SSO / sign-in
   * clients they need) never run in Lambda yet add ~135 KB to every bundle, so the bundles resolve the
   * chain to lambda/shared/credentials.ts, which is that first link alone. Source code (tests, local
   * runs) still gets the whole chain. The path is relative to {@link PROJECT_ROOT}.
   */
  alias: { '@aws-sdk/credential-provider-node': './lambda/shared/credentials.ts' } as Record<string, string>,
} as const;

/** The `bundling` prop of every HandlerFunction's NodejsFunction. */
export function cdkBundlingOptions(): nodejs.BundlingOptions {
  const b = HANDLER_BUNDLING;
  return {
    target: b.target,
    format: b.format as nodejs.OutputFormat,
    mainFields: [...b.mainFields],
    minify: b.minify,
    sourceMap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    banner: b.banner,
    externalModules: [...b.externalModules],
    metafile: false,
    // NodejsFunction has no props for these two; it passes them on to the esbuild CLI as given.
    esbuildArgs: {
      '--conditions': b.conditions.join(','),
      '--alias': Object.entries(b.alias).map(([from, to]) => `${from}=${to}`),
    },
  };
}

/**
 * The esbuild API options equivalent to {@link cdkBundlingOptions} (NodejsFunction always adds `--bundle`
 * and `--platform=node`), writing `entry` to `outfile`, with a metafile for size reports.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  const b = HANDLER_BUNDLING;
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [path.resolve(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: b.target,
    format: b.format,
    mainFields: [...b.mainFields],
    conditions: [...b.conditions],
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    banner: { js: b.banner },
    external: [...b.externalModules],
    alias: { ...b.alias },
    metafile: true,
    logLevel: 'silent',
  };
}

/** True when a bundle contains the S3 client, which raises its size limit (see {@link bundleLimitBytes}). */
export function bundleUsesS3(metafile: Metafile): boolean {
  return Object.keys(metafile.inputs).some((input) => input.includes('node_modules/@aws-sdk/client-s3/'));
}

/**
 * What the instrumentation every handler carries (lambda/shared/observability.ts) may add to its bundle, in
 * KB: Powertools Tracer brings the X-Ray SDK (~123 KB of CommonJS, which esbuild cannot tree-shake) and
 * Powertools Metrics ~10 KB.
 */
export const OBSERVABILITY_BUNDLE_KB = 140;

/**
 * What checking a whole config may add to a bundle, in KB: the config's zod schema and its cross-field rules
 * (recipes, hyperparameters, schedules, filters against schemas, recommenders, experiments). Only the
 * `validate` step checks a whole config.
 */
export const CONFIG_CHECK_BUNDLE_KB = 60;

/** True when a bundle contains the config schema (core/config/schema.ts), which raises its size limit. */
export function bundleChecksConfig(metafile: Metafile): boolean {
  return Object.keys(metafile.inputs).some((input) => input.endsWith('core/config/schema.ts'));
}

/**
 * The most a handler's `index.mjs` (without its source map) may weigh: 350 KB, or 500 KB when it also
 * uses S3, whose client alone adds ~100 KB; plus {@link OBSERVABILITY_BUNDLE_KB} for tracing and metrics, and
 * {@link CONFIG_CHECK_BUNDLE_KB} when it checks a whole config.
 */
export function bundleLimitBytes(usesS3: boolean, checksConfig = false): number {
  return (
    ((usesS3 ? 500 : 350) + OBSERVABILITY_BUNDLE_KB + (checksConfig ? CONFIG_CHECK_BUNDLE_KB : 0)) * 1024
  );
}
