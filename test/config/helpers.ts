import { ConfigValidationError, parseConfig, type PipelineConfigInput } from '../../core/config';

/** The smallest valid config: one interactions dataset and one solution. */
export function minimalConfig(): PipelineConfigInput {
  return {
    projectName: 'shop',
    datasets: {
      interactions: { schemaFile: 'schemas/interactions.json', dataLocation: 'datasets/interactions/' },
    },
    solutions: [{ name: 'recs', recipe: 'aws-user-personalization' }],
  };
}

/** The issues `parseConfig` reports for `input`; fails the test if it parses. */
export function issuesOf(input: unknown): readonly string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected, but it parsed');
}
