/**
 * Pure logic of the `validate` step: where the config and its schemas come from, config and schema
 * checks, run options, and the per-file analysis of CSV data (header, sampled rows, interaction
 * counts). No I/O: the handler feeds it objects and rows read from S3.
 */
import { posix } from 'node:path';
import { checkHeader, checkMinimumData, createRowChecker, type RowChecker } from '../../core/dataset-rules';
import { ConfigValidationError } from '../../core/config/errors';
import { parseConfig } from '../../core/config/load';
import { findRecipe } from '../../core/recipes';
import { checkSchema, parseSchema, type SchemaField } from '../../core/schema-rules';
import { apiDatasetType, compactTimestamp, DATASET_KEYS, type DatasetKey } from '../../core/names';
import type {
  ResolvedConfig,
  ResolvedDataset,
  RunInput,
  RunOptions,
  RunState,
} from '../../core/pipeline-contract';

export { dataFiles } from './data-files';

/** Rows of each file checked cell by cell; interactions files are still counted to the end. */
export const SAMPLE_ROWS = 5_000;
/** Row problems reported per file before the rest are only counted. */
export const MAX_ROW_PROBLEMS_PER_FILE = 10;

/** A config document with its datasets' schemas taken out (the zod schema does not allow them). */
export interface SplitConfig {
  readonly document: unknown;
  /** Inline schemas by dataset key, as JSON text. */
  readonly schemas: Partial<Record<DatasetKey, string>>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Takes each dataset's inline `schema` (JSON text or an object) out of a config document, so the
 * rest can be validated by the config schema.
 */
export function splitInlineSchemas(document: unknown): SplitConfig {
  if (!isObject(document) || !isObject(document.datasets)) return { document, schemas: {} };
  const schemas: Partial<Record<DatasetKey, string>> = {};
  const datasets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.datasets)) {
    if (isObject(value) && 'schema' in value) {
      const { schema, ...rest } = value;
      if ((DATASET_KEYS as readonly string[]).includes(key)) {
        schemas[key as DatasetKey] = typeof schema === 'string' ? schema : JSON.stringify(schema);
      }
      datasets[key] = rest;
    } else {
      datasets[key] = value;
    }
  }
  return { document: { ...document, datasets }, schemas };
}

/** The S3 key of a schema file named in a config stored at `configKey` (relative to its folder). */
export function schemaKeyFor(configKey: string, schemaFile: string): string {
  return posix.normalize(posix.join(posix.dirname(configKey), schemaFile)).replace(/^\.\//, '');
}

/** Result of checking a config document and its schemas. */
export type ConfigCheck =
  | {
      readonly ok: true;
      readonly config: ResolvedConfig;
      readonly fields: Partial<Record<DatasetKey, SchemaField[]>>;
    }
  | { readonly ok: false; readonly problems: string[] };

/**
 * Validates a config document and attaches each dataset's schema. `schemaFor` returns the schema
 * JSON of a dataset, or a problem sentence when it is missing/unreadable.
 */
export function checkConfig(
  document: unknown,
  source: string,
  schemaFor: (key: DatasetKey, schemaFile: string) => { schema: string } | { problem: string },
): ConfigCheck {
  let parsed;
  try {
    parsed = parseConfig(document, source);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return { ok: false, problems: error.issues.map((issue) => `config ${source}: ${issue}`) };
    }
    throw error;
  }
  const problems: string[] = [];
  const datasets: Partial<Record<DatasetKey, ResolvedDataset>> = {};
  const fields: Partial<Record<DatasetKey, SchemaField[]>> = {};
  for (const key of DATASET_KEYS) {
    const dataset = parsed.datasets[key];
    if (dataset === undefined) continue;
    const found = schemaFor(key, dataset.schemaFile);
    if ('problem' in found) {
      problems.push(found.problem);
      continue;
    }
    const schemaProblems = checkSchema(apiDatasetType(key), found.schema, {
      ...(parsed.datasetGroup.domain !== undefined ? { domain: parsed.datasetGroup.domain } : {}),
    });
    if (schemaProblems.length > 0) {
      problems.push(...schemaProblems.map((p) => `schema ${dataset.schemaFile} (datasets.${key}): ${p}`));
      continue;
    }
    datasets[key] = { ...dataset, schema: found.schema };
    fields[key] = parseSchema(found.schema).fields;
  }
  if (problems.length > 0) return { ok: false, problems };
  const interactions = datasets.interactions;
  if (interactions === undefined)
    return { ok: false, problems: ['config: datasets.interactions is missing.'] };
  const config: ResolvedConfig = {
    ...parsed,
    datasets: {
      interactions,
      ...(datasets.items ? { items: datasets.items } : {}),
      ...(datasets.users ? { users: datasets.users } : {}),
    },
  };
  return { ok: true, config, fields };
}

/**
 * The run options from the input; unknown solution or batch job names are problems. Without
 * `solutions` every solution is selected; `solutions: []` selects none (e.g. a batch job schedule).
 */
export function runOptions(
  input: RunInput,
  config: ResolvedConfig,
): { options: RunOptions; problems: string[] } {
  const known = config.solutions.map((s) => s.name);
  const requested = input.solutions ?? known;
  const problems = requested
    .filter((name) => !known.includes(name))
    .map((name) => `input.solutions: unknown solution "${name}"; the config defines ${known.join(', ')}.`);
  const knownJobs = config.batchJobs.map((j) => j.name);
  const requestedJobs = input.batchJobs ?? [];
  problems.push(
    ...requestedJobs
      .filter((name) => !knownJobs.includes(name))
      .map(
        (name) =>
          `input.batchJobs: unknown batch job "${name}"; ${knownJobs.length > 0 ? `the config defines ${knownJobs.join(', ')}` : 'the config defines none'}.`,
      ),
  );
  if (input.trainingMode !== undefined && input.trainingMode !== 'FULL' && input.trainingMode !== 'UPDATE') {
    problems.push(`input.trainingMode: "${String(input.trainingMode)}" is not allowed; use FULL or UPDATE.`);
  }
  const solutions = [...new Set(requested)].filter((n) => known.includes(n));
  if (input.trainingMode === 'UPDATE') {
    for (const name of solutions) {
      const solution = config.solutions.find((s) => s.name === name);
      const recipe = solution ? findRecipe(solution.recipe) : undefined;
      if (recipe && !recipe.supportsUpdateTraining) {
        problems.push(
          `input.trainingMode: solution "${name}" uses recipe ${recipe.name}, which cannot be trained with UPDATE; select other solutions or use FULL.`,
        );
      }
    }
  }
  return {
    options: {
      force: input.force === true,
      ...(input.trainingMode !== undefined ? { trainingMode: input.trainingMode } : {}),
      solutions,
      batchJobs: [...new Set(requestedJobs)].filter((n) => knownJobs.includes(n)),
    },
    problems,
  };
}

/** The run state handed to every later step. */
export function buildRunState(config: ResolvedConfig, options: RunOptions, now: Date): RunState {
  return { config, options, runId: compactTimestamp(now), startedAt: Math.floor(now.getTime() / 1000) };
}

/** Checks one CSV file row by row: the header, the first {@link SAMPLE_ROWS} rows, and user IDs. */
export class FileAnalysis {
  readonly problems: string[] = [];
  rows = 0;
  private checker: RowChecker | undefined;
  private userColumn = -1;
  private rowProblems = 0;

  constructor(
    /** `s3://bucket/key`, used in every message. */
    private readonly file: string,
    private readonly fields: readonly SchemaField[],
    /** Receives the USER_ID of every row (interactions only). */
    private readonly onUser?: (userId: string) => void,
  ) {}

  /** The header row. */
  header(header: readonly string[]): void {
    for (const problem of checkHeader(header, this.fields))
      this.problems.push(`${this.file} line 1: ${problem}`);
    this.checker = createRowChecker(this.fields, header);
    this.userColumn = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h)).indexOf('USER_ID');
  }

  /** A data row; `line` is its 1-based line in the file. */
  row(row: readonly string[], line: number): void {
    this.rows += 1;
    if (this.onUser && this.userColumn >= 0) this.onUser(row[this.userColumn] ?? '');
    if (this.rows > SAMPLE_ROWS || this.checker === undefined) return;
    const problem = this.checker(row, line);
    if (problem === undefined) return;
    this.rowProblems += 1;
    if (this.rowProblems <= MAX_ROW_PROBLEMS_PER_FILE) {
      const column = problem.column !== undefined ? ` column ${problem.column}` : '';
      this.problems.push(`${this.file} line ${problem.line}${column}: ${problem.message}`);
    }
  }

  /** Problems of the file, including the summary of problems not listed and an empty file. */
  finish(): string[] {
    if (this.checker === undefined)
      this.problems.push(`${this.file}: the file is empty; it needs a header row.`);
    else if (this.rows === 0) this.problems.push(`${this.file}: the file has a header but no data rows.`);
    const hidden = this.rowProblems - MAX_ROW_PROBLEMS_PER_FILE;
    if (hidden > 0) {
      this.problems.push(
        `${this.file}: ${hidden} more row${hidden === 1 ? '' : 's'} with problems in the first ${SAMPLE_ROWS} rows.`,
      );
    }
    return this.problems;
  }
}

/** Personalize's minimum-data rule over the interactions' user IDs, as a problem naming the location. */
export function minimumDataProblem(location: string, userIds: readonly string[]): string | undefined {
  const problem = checkMinimumData(userIds.map((userId) => ({ userId })));
  return problem === undefined ? undefined : `${location}: ${problem}`;
}
