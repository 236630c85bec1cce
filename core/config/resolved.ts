/**
 * The config as the pipeline runs it: every dataset carries its Avro schema text, so a run needs no
 * files besides the data in S3. Built at synth time from the schema files named in the config.
 */
import type { DatasetDefinition, PipelineConfig } from './schema';

/** A dataset definition with its schema's JSON text. */
export type ResolvedDataset = DatasetDefinition & { readonly schema: string };

/** A validated config whose datasets carry their schemas. */
export type ResolvedConfig = Omit<PipelineConfig, 'datasets'> & {
  readonly datasets: {
    readonly interactions: ResolvedDataset;
    readonly items?: ResolvedDataset;
    readonly users?: ResolvedDataset;
  };
};

/**
 * Attaches each dataset's schema text, read with `readSchema(schemaFile)`.
 * @throws Error naming the dataset and the file when a schema cannot be read.
 */
export function resolveConfig(
  config: PipelineConfig,
  readSchema: (schemaFile: string) => string,
): ResolvedConfig {
  const resolve = (key: string, dataset: DatasetDefinition): ResolvedDataset => {
    try {
      return { ...dataset, schema: readSchema(dataset.schemaFile) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`datasets.${key}.schemaFile: cannot read "${dataset.schemaFile}": ${reason}`);
    }
  };
  const { interactions, items, users } = config.datasets;
  return {
    ...config,
    datasets: {
      interactions: resolve('interactions', interactions),
      ...(items ? { items: resolve('items', items) } : {}),
      ...(users ? { users: resolve('users', users) } : {}),
    },
  };
}
