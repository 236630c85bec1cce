/**
 * The `validate` step: the first step of every run, before any Personalize call.
 *
 * {@link validateRun} picks the config (inline `input.config`, a config object at `input.configLocation`, or
 * the deployed config), validates it with the config schema, checks every dataset schema, then checks the
 * data in S3: each `dataLocation` holds CSV data, headers match the schemas, every row of every file has
 * valid values (types, epoch-second timestamps), and the interactions meet Personalize's minimum-data
 * rule. A config from the run input may not add recommenders or a metric attribution to a deployment whose
 * pipeline has no stages for them (its definition is built from the deployed config). Every problem is
 * collected and thrown at once as `ValidationFailed`, each naming the file, line and column or the config field. The rules themselves (config and schema checks, run options, the per-file
 * analysis of rows) are pure functions below it.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { checkHeader, createRowChecker, InteractionTally, type RowChecker } from '../../core/dataset-rules';
import { ConfigValidationError } from '../../core/config/errors';
import { filterSchemaProblems } from '../../core/config/schema-checks';
import { parseConfig } from '../../core/config/load';
import { findRecipe } from '../../core/recipes';
import { runInputProblems } from '../../core/run-input';
import { checkSchema, parseSchema, type SchemaField } from '../../core/schema-rules';
import {
  apiDatasetType,
  compactTimestamp,
  DATASET_KEYS,
  type DatasetKey,
  executionRunId,
} from '../../core/names';
import type {
  ExecutionRef,
  LeaseResult,
  ResolvedConfig,
  ResolvedDataset,
  RunInput,
  RunOptions,
  RunState,
  ValidateEvent,
} from '../../core/pipeline-contract';
import { ValidationFailed } from '../shared/errors';
import { isJsonObject } from '../shared/json';
import { logger } from '../shared/logger';
import { listDataFiles } from './data-files';

/** What {@link validateRun} reads from. */
export interface ValidateDeps {
  readonly s3: S3Client;
  /** The data bucket (BUCKET_NAME): the datasets' `dataLocation`s are keys in it. */
  readonly bucket: string;
}

/**
 * Checks the run's config, schemas and data, and returns the run state every later step reads.
 * @throws ValidationFailed listing every problem found.
 */
export async function validateRun(event: ValidateEvent, deps: ValidateDeps): Promise<RunState> {
  const inputProblems = runInputProblems(event.input);
  if (inputProblems.length > 0) throw new ValidationFailed(inputProblems);
  const { config, fields, source } = await resolveConfig(event, deps.s3);
  const { options, problems } = runOptions(event.input ?? {}, config);
  if (source !== DEPLOYED_SOURCE)
    problems.push(...undeployedStageProblems(config, event.deployedConfig, source));
  problems.push(...(await checkData(deps, config, fields)));
  if (problems.length > 0) throw new ValidationFailed(problems);
  const state = buildRunState(config, options, new Date(), event.execution, event.lease);
  logger.info('Config and data are valid', { runId: state.runId, solutions: options.solutions });
  return state;
}

/** A checked config with the fields of each dataset's schema, and where it came from. */
interface Resolved {
  readonly config: ResolvedConfig;
  readonly fields: Partial<Record<DatasetKey, SchemaField[]>>;
  /** `input.config`, `s3://<bucket>/<key>` or {@link DEPLOYED_SOURCE}. */
  readonly source: string;
}

/** The source of a run's config when its input names none. */
const DEPLOYED_SOURCE = 'the deployed config';

/** The config the run input names, checked, with its schemas attached. @throws ValidationFailed */
async function resolveConfig(event: ValidateEvent, s3: S3Client): Promise<Resolved> {
  const input = event.input ?? {};
  let document: unknown;
  let source: string;
  const fetched: Partial<Record<DatasetKey, string>> = {};
  const fetchProblems: Partial<Record<DatasetKey, string>> = {};
  let inline = false;
  if (input.configLocation !== undefined) {
    const { bucket, key } = input.configLocation;
    source = `s3://${bucket}/${key}`;
    const text = await readText(s3, bucket, key);
    if (text === undefined) throw new ValidationFailed([`config ${source}: the object does not exist.`]);
    try {
      document = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (error) {
      throw new ValidationFailed([`config ${source}: not valid JSON (${(error as Error).message}).`]);
    }
    const split = splitInlineSchemas(document);
    const datasets =
      (split.document as { datasets?: Record<string, { schemaFile?: unknown }> }).datasets ?? {};
    for (const key of DATASET_KEYS) {
      const schemaFile = datasets[key]?.schemaFile;
      if (split.schemas[key] !== undefined || typeof schemaFile !== 'string') continue;
      const schemaKey = schemaKeyFor(input.configLocation.key, schemaFile);
      const schema = await readText(s3, bucket, schemaKey);
      if (schema === undefined) {
        fetchProblems[key] =
          `datasets.${key}.schemaFile: s3://${bucket}/${schemaKey} does not exist; upload the schema next to the config (paths are relative to the config's folder).`;
      } else fetched[key] = schema;
    }
  } else if (input.config !== undefined) {
    source = 'input.config';
    document = input.config;
    inline = true;
  } else {
    source = DEPLOYED_SOURCE;
    document = event.deployedConfig;
  }
  const { document: stripped, schemas } = splitInlineSchemas(document);
  const check = checkConfig(stripped, source, (key) => {
    const schema = schemas[key] ?? fetched[key];
    if (schema !== undefined) return { schema };
    const problem =
      fetchProblems[key] ??
      (inline
        ? `datasets.${key}.schema: missing; an inline config must carry each dataset's Avro schema as "schema".`
        : `datasets.${key}: no schema available in ${source}.`);
    return { problem };
  });
  if (!check.ok) throw new ValidationFailed(check.problems);
  return { config: check.config, fields: check.fields, source };
}

/** What of a config decides which domain stages the pipeline's definition has. */
type DomainParts = Pick<ResolvedConfig, 'recommenders' | 'metricAttribution'>;

/**
 * The domain stages a run's config (from its input) needs and the deployed pipeline lacks. The definition has
 * a metric attribution stage only when the deployed config has a `metricAttribution`, and recommender stages
 * only when it has `recommenders`: a run config adding them would skip them without a word.
 */
export function undeployedStageProblems(
  config: DomainParts,
  deployed: Partial<DomainParts>,
  source: string,
): string[] {
  const problems: string[] = [];
  const deploy = 'deploy this config first (cdk deploy), then run it';
  if (config.recommenders.length > 0 && (deployed.recommenders ?? []).length === 0) {
    problems.push(
      `config ${source}: recommenders: the deployed pipeline has no recommender stages (the deployed config has no recommenders), so this run would not create, update, start or stop them; ${deploy}.`,
    );
  }
  if (config.metricAttribution !== undefined && deployed.metricAttribution === undefined) {
    problems.push(
      `config ${source}: metricAttribution: the deployed pipeline has no metric attribution stage (the deployed config has none), so this run would not create or update it; ${deploy}.`,
    );
  }
  return problems;
}

/** An object's text, or `undefined` when it does not exist. */
async function readText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

/** Problems of every dataset's data files, and of the interactions' amount. */
async function checkData(
  deps: ValidateDeps,
  config: ResolvedConfig,
  fieldsByKey: Partial<Record<DatasetKey, SchemaField[]>>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const key of DATASET_KEYS) {
    const dataset = config.datasets[key];
    const fields = fieldsByKey[key];
    if (dataset === undefined || fields === undefined) continue;
    const location = `s3://${deps.bucket}/${dataset.dataLocation}`;
    const files = await listDataFiles(deps.s3, deps.bucket, dataset.dataLocation);
    if (files.length === 0) {
      problems.push(
        `datasets.${key}.dataLocation: no CSV data at ${location}; upload a .csv file there (or under that folder).`,
      );
      continue;
    }
    const tally = key === 'interactions' ? new InteractionTally() : undefined;
    let unread = false;
    for (const { Key = '' } of files) {
      const analysis = new FileAnalysis(`s3://${deps.bucket}/${Key}`, fields, tally);
      problems.push(...(await analyseFile(deps, Key, analysis)));
      unread ||= analysis.unreadable;
    }
    // Counting the interactions of a file that could not be read would only add a misleading shortfall.
    const shortfall = unread ? undefined : tally?.shortfall();
    if (shortfall !== undefined) problems.push(`${location}: ${shortfall}`);
  }
  return problems;
}

/**
 * Streams one CSV object through its analysis, every row of it, and returns the file's problems. Reading stops
 * early only when the file cannot be read as comma-separated UTF-8 at all (see {@link FileAnalysis.header}).
 */
async function analyseFile(deps: ValidateDeps, key: string, analysis: FileAnalysis): Promise<string[]> {
  const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
  const body = object.Body as Readable;
  const parser = body.pipe(
    parse({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true }),
  );
  let first = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (first) {
        first = false;
        if (!analysis.header(record)) break;
      } else analysis.row(record, info.lines);
    }
  } catch (error) {
    return analysis.failed(`not valid CSV: ${(error as Error).message}`);
  } finally {
    body.destroy();
  }
  return analysis.finish();
}

/** Row problems reported per file before the rest are only counted. */
export const MAX_ROW_PROBLEMS_PER_FILE = 10;

/** A config document with its datasets' schemas taken out (the zod schema does not allow them). */
export interface SplitConfig {
  readonly document: unknown;
  /** Inline schemas by dataset key, as JSON text. */
  readonly schemas: Partial<Record<DatasetKey, string>>;
}

/**
 * Takes each dataset's inline `schema` (JSON text or an object) out of a config document, so the
 * rest can be validated by the config schema.
 */
export function splitInlineSchemas(document: unknown): SplitConfig {
  if (!isJsonObject(document) || !isJsonObject(document.datasets)) return { document, schemas: {} };
  const schemas: Partial<Record<DatasetKey, string>> = {};
  const datasets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.datasets)) {
    if (isJsonObject(value) && 'schema' in value) {
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
  if (problems.length === 0)
    problems.push(...filterSchemaProblems(parsed, fields).map((problem) => `config ${source}: ${problem}`));
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

/**
 * The run state handed to every later step. The run id comes from the execution (its name and start time), so
 * it is unique per execution and the same on every retry of a step; without one (a handler called directly)
 * it is the current time, `yyyymmddhhmmss`.
 */
export function buildRunState(
  config: ResolvedConfig,
  options: RunOptions,
  now: Date,
  execution?: ExecutionRef,
  lease?: LeaseResult,
): RunState {
  const runId =
    execution !== undefined
      ? executionRunId(execution.name, new Date(execution.startTime))
      : compactTimestamp(now);
  return {
    config,
    options,
    runId,
    startedAt: Math.floor(now.getTime() / 1000),
    ...(lease !== undefined ? { lease } : {}),
  };
}

/** Delimiters a spreadsheet may export instead of the comma, with their names for messages. */
const OTHER_DELIMITERS: ReadonlyArray<readonly [string, string]> = [
  [';', 'semicolon'],
  ['\t', 'tab'],
  ['|', 'pipe'],
];

/**
 * Checks one CSV file row by row: the header, every data row (the first {@link MAX_ROW_PROBLEMS_PER_FILE}
 * problems listed, the rest counted), the text encoding, and, for interactions, each row's user.
 */
export class FileAnalysis {
  readonly problems: string[] = [];
  rows = 0;
  /** Whether the rows could not be read at all (another delimiter, not UTF-8). */
  unreadable = false;
  private checker: RowChecker | undefined;
  private userColumn = -1;
  private rowProblems = 0;
  private badText: { line: number; count: number } | undefined;

  constructor(
    /** `s3://bucket/key`, used in every message. */
    private readonly file: string,
    private readonly fields: readonly SchemaField[],
    /** Counts every row's USER_ID (interactions only). */
    private readonly users?: InteractionTally,
  ) {}

  /**
   * The header row. Returns `false` when the rest of the file cannot be checked: it is UTF-16 text or uses
   * another delimiter than the comma (each reported with what to do).
   */
  header(header: readonly string[]): boolean {
    const joined = header.join(',');
    if (joined.includes('\u0000') || joined.startsWith('\uFFFD\uFFFD')) {
      this.problems.push(
        `${this.file} line 1: the file is not UTF-8 text (it looks UTF-16 encoded); save or export it as CSV in UTF-8.`,
      );
      this.unreadable = true;
      return false;
    }
    const delimiter = header.length < this.fields.length ? otherDelimiter(header, this.fields) : undefined;
    if (delimiter !== undefined) {
      this.problems.push(
        `${this.file} line 1: the columns are separated by ${delimiter}s ("${joined.slice(0, 80)}"); Personalize reads comma-separated values: export the file with the comma as the delimiter.`,
      );
      this.unreadable = true;
      return false;
    }
    for (const problem of checkHeader(header, this.fields))
      this.problems.push(`${this.file} line 1: ${problem}`);
    this.checker = createRowChecker(this.fields, header);
    this.userColumn = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h)).indexOf('USER_ID');
    return true;
  }

  /** A data row; `line` is its 1-based line in the file. */
  row(row: readonly string[], line: number): void {
    this.rows += 1;
    if (this.users && this.userColumn >= 0) this.users.add(row[this.userColumn] ?? '');
    if (row.some((cell) => cell.includes('\uFFFD'))) {
      if (this.badText === undefined) this.badText = { line, count: 0 };
      this.badText.count += 1;
    }
    if (this.checker === undefined) return;
    const problem = this.checker(row, line);
    if (problem === undefined) return;
    this.rowProblems += 1;
    if (this.rowProblems <= MAX_ROW_PROBLEMS_PER_FILE) {
      const column = problem.column !== undefined ? ` column ${problem.column}` : '';
      this.problems.push(`${this.file} line ${problem.line}${column}: ${problem.message}`);
    }
  }

  /** Problems of a file that could not be read to its end: those found so far, then the reason. */
  failed(reason: string): string[] {
    this.unreadable = true;
    this.problems.push(`${this.file}: ${reason}`);
    return this.problems;
  }

  /** Problems of the file, including the summary of problems not listed and an empty file. */
  finish(): string[] {
    if (this.problems.length > 0 && this.checker === undefined) return this.problems;
    if (this.checker === undefined)
      this.problems.push(`${this.file}: the file is empty; it needs a header row.`);
    else if (this.rows === 0) this.problems.push(`${this.file}: the file has a header but no data rows.`);
    const hidden = this.rowProblems - MAX_ROW_PROBLEMS_PER_FILE;
    if (hidden > 0) {
      this.problems.push(
        `${this.file}: ${hidden} more row${hidden === 1 ? '' : 's'} with problems (${this.rowProblems} of ${this.rows} rows in all).`,
      );
    }
    if (this.badText !== undefined) {
      const { line, count } = this.badText;
      this.problems.push(
        `${this.file} line ${line}: bytes that are not UTF-8 (in ${count} row${count === 1 ? '' : 's'} from here on); the file looks Latin-1 or Windows-1252 encoded: save or export it as CSV in UTF-8.`,
      );
    }
    return this.problems;
  }
}

/** The name of the delimiter a one-column header is split by into the schema's field names, if any. */
function otherDelimiter(header: readonly string[], fields: readonly SchemaField[]): string | undefined {
  const names = new Set(fields.map((f) => f.name));
  const text = header.join(',').replace(/^\uFEFF/, '');
  for (const [delimiter, name] of OTHER_DELIMITERS) {
    const parts = text.split(delimiter).map((part) => part.trim().replace(/^"|"$/g, ''));
    if (parts.length > 1 && parts.filter((part) => names.has(part)).length >= 2) return name;
  }
  return undefined;
}
