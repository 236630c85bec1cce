/**
 * Which S3 objects are a dataset's data files (pure). Shared by `validate` and `imports`; kept apart from
 * validate.logic.ts so that `imports` does not bundle the config parser (zod) it never uses.
 */

/** Which objects under a data location are the dataset's data files. */
export function dataFiles(dataLocation: string, keys: readonly string[]): string[] {
  if (keys.includes(dataLocation) && !dataLocation.endsWith('/')) return [dataLocation];
  const prefix = dataLocation.endsWith('/') ? dataLocation : `${dataLocation}/`;
  return keys.filter((key) => key.startsWith(prefix) && key.toLowerCase().endsWith('.csv')).sort();
}
