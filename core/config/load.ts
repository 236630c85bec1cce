/**
 * Reading and validating the pipeline config. Importable from Lambda handlers: no CDK, only `node:fs`.
 */
import { readFileSync } from 'node:fs';
import { ConfigLoadError, ConfigValidationError } from './errors';
import { findJsonSyntaxProblem } from './json-syntax';
import { configErrorMap, formatIssues } from './messages';
import { pipelineConfigSchema, type PipelineConfig } from './schema';

/** The config file name, relative to the repository root. */
export const DEFAULT_CONFIG_FILE = 'personalize.config.json';

/**
 * Validates a config object (for example, parsed JSON) and applies defaults.
 * @param source where the config came from, named in error messages.
 * @throws ConfigValidationError listing every problem, one `<path>: <message>` line each.
 */
export function parseConfig(input: unknown, source = DEFAULT_CONFIG_FILE): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(input, { error: configErrorMap });
  if (result.success) return result.data;
  throw new ConfigValidationError(source, formatIssues(result.error.issues));
}

/**
 * Parses config JSON text (a leading byte order mark is ignored) and validates it.
 * @throws ConfigValidationError naming the line and column of a JSON syntax error, or every
 *   validation problem.
 */
export function parseConfigText(text: string, source = DEFAULT_CONFIG_FILE): PipelineConfig {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    const problem = findJsonSyntaxProblem(json);
    const detail = problem
      ? `line ${problem.line}, column ${problem.column}: ${problem.message}`
      : `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    throw new ConfigValidationError(source, [detail]);
  }
  return parseConfig(document, source);
}

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'the file does not exist',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
};

function readFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && READ_FAILURES[code]) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Reads and validates a config file.
 * @throws ConfigLoadError when the file cannot be read.
 * @throws ConfigValidationError when it is not valid JSON or not a valid config.
 */
export function loadConfig(path: string = DEFAULT_CONFIG_FILE): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigLoadError(`Cannot read config file ${path}: ${readFailureReason(error)}`);
  }
  return parseConfigText(text, path);
}
