import * as path from 'node:path';
import { buildSync } from 'esbuild';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** The project's own source files (relative to the root) that a handler entry bundles, as esbuild resolves them. */
export function sourcesOf(entry: string): string[] {
  const result = buildSync({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'));
}

/** The tree-shaken bundle of a handler entry, unminified, as text: only the code the handler can run. */
export function bundleTextOf(entry: string): string {
  const result = buildSync({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    treeShaking: true,
    logLevel: 'silent',
  });
  return result.outputFiles.map((file) => file.text).join('\n');
}
