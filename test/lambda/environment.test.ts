/**
 * Each pipeline function is given only the environment variables its handler reads: the variables are derived
 * from the code the handler can run (the `requireEnv("X")` calls left in its tree-shaken bundle; project code
 * reads the environment only through requireEnv, which the last test checks) and must equal the step's entry
 * in PIPELINE_ENVIRONMENT, which the CDK app uses to build each function's environment.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PIPELINE_ENVIRONMENT, type PipelineStep } from '../../core/pipeline-steps';
import { bundleTextOf, ROOT, sourcesOf } from '../util/bundle-sources';

/** Variables Lambda sets itself (and the local endpoint variables), not the project. */
function providedByPlatform(name: string): boolean {
  // Lambda's own variables, and Powertools' settings (read by Powertools itself, and by lambda/shared/tracing.ts
  // to decide whether to load the Tracer as Powertools would decide to trace).
  return name.startsWith('AWS_') || name.startsWith('POWERTOOLS_');
}

/** Every environment variable the code reads through requireEnv, by name. */
function variablesReadBy(code: string): string[] {
  const names = new Set<string>();
  for (const match of code.matchAll(/requireEnv\(\s*["']([A-Z0-9_]+)["']/g)) names.add(match[1] as string);
  return [...names].filter((name) => !providedByPlatform(name)).sort();
}

describe('pipeline function environments', () => {
  test.each(Object.keys(PIPELINE_ENVIRONMENT) as PipelineStep[])(
    'the %s handler reads exactly the variables its function is given',
    (step) => {
      // Prepare
      const bundle = bundleTextOf(`lambda/pipeline/${step}.ts`);

      // Act
      const read = variablesReadBy(bundle);

      // Assess
      expect(read).toEqual([...PIPELINE_ENVIRONMENT[step]].sort());
    },
  );

  test('project code reads the environment only through requireEnv, so no read goes unnoticed', () => {
    // Prepare
    const files = [
      ...new Set(
        (Object.keys(PIPELINE_ENVIRONMENT) as PipelineStep[]).flatMap((step) =>
          sourcesOf(`lambda/pipeline/${step}.ts`),
        ),
      ),
    ];

    // Act: `env.NAME` / `env['NAME']` reads of anything but the platform's own variables.
    const direct = files.flatMap((file) => {
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      return [...source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*'([A-Z0-9_]+)'\s*\])/g)]
        .map((m) => m[1] ?? m[2] ?? '')
        .filter((name) => !providedByPlatform(name))
        .map((name) => `${file}: ${name}`);
    });

    // Assess
    expect(direct).toEqual([]);
  });
});
