/**
 * Reading and validating the pipeline config. Importable from Lambda handlers: no CDK, only `node:fs`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigLoadError, ConfigValidationError } from './errors';
import { findJsonSyntaxProblem } from './json-syntax';
import { configErrorMap, formatIssues, formatPath } from './messages';
import { pipelineConfigSchema, type PipelineConfig } from './schema';
import { schemaIssues, type SchemaRead } from './schema-checks';

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
  return parseConfig(parseJsonText(text, source), source);
}

/** Parses JSON text, ignoring a leading byte order mark. @throws ConfigValidationError naming the line and column. */
function parseJsonText(text: string, source: string): unknown {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json);
  } catch (error) {
    const problem = findJsonSyntaxProblem(json);
    const detail = problem
      ? `line ${problem.line}, column ${problem.column}: ${problem.message}`
      : `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    throw new ConfigValidationError(source, [detail]);
  }
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

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Read each dataset's schema file (relative to the config's folder) and check it, and the filters against
   * it. Off, only the config document itself is checked.
   * @default true
   */
  readonly checkSchemas?: boolean;
}

/** Reads a schema file named in the config at `configDir`, or says why it cannot, naming the resolved path. */
function schemaReader(configDir: string): (schemaFile: string) => SchemaRead {
  return (schemaFile) => {
    const resolved = path.resolve(configDir, schemaFile);
    try {
      return { text: readFileSync(resolved, 'utf8') };
    } catch (error) {
      return {
        problem: `cannot read schema file "${schemaFile}" at ${resolved}: ${readFailureReason(error)}; schema paths are relative to the config's folder (${configDir})`,
      };
    }
  };
}

/**
 * Reads and validates a config file: the document itself, then each dataset's schema file (relative to the
 * config's folder) against Personalize's rules, and the filters against those schemas. Every problem found
 * is reported at once.
 * @throws ConfigLoadError when the config file cannot be read.
 * @throws ConfigValidationError when it is not valid JSON, not a valid config, or a schema file is missing or
 *   invalid, or a filter does not fit the schemas.
 */
export function loadConfig(
  configPath: string = DEFAULT_CONFIG_FILE,
  options: LoadConfigOptions = {},
): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new ConfigLoadError(`Cannot read config file ${configPath}: ${readFailureReason(error)}`);
  }
  const document = parseJsonText(text, configPath);
  let config: PipelineConfig | undefined;
  const issues: string[] = [];
  try {
    config = parseConfig(document, configPath);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    issues.push(...error.issues);
  }
  if (options.checkSchemas ?? true) {
    const found = schemaIssues(document, schemaReader(path.dirname(path.resolve(configPath))));
    issues.push(...found.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
  }
  if (issues.length > 0 || config === undefined) throw new ConfigValidationError(configPath, issues);
  return config;
}
