/** Errors thrown while reading and validating the pipeline config. */

/**
 * The config is not valid JSON or does not match the schema. `issues` lists every problem found,
 * each as `<path>: <what is wrong; what is allowed>`.
 */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';

  constructor(
    /** Where the config came from, e.g. `personalize.config.json` or an S3 URI. */
    readonly source: string,
    /** One line per problem, in document order where possible. */
    readonly issues: readonly string[],
  ) {
    super(`Invalid config in ${source}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
  }
}

/** The config file could not be read (missing, unreadable, a directory ...). */
export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';
}
