/**
 * The checks of the config that need its datasets' schemas: each schema file can be read and follows
 * Personalize's rules for its dataset type, and every filter reads a dataset the config has, through fields its
 * schema declares, with an operator the field's type allows. `cdk synth` runs them through `loadConfig`, the
 * pipeline's Validate step through {@link filterSchemaIssues} on the schemas it reads from S3.
 *
 * Pure module: the schema files are read by the caller.
 */
import {
  flattenConditions,
  isRangeOperator,
  parseFilterExpression,
  type FilterCondition,
  type FilterDataset,
} from '../filter-expression';
import { apiDatasetType, DATASET_KEYS, type DatasetKey } from '../names';
import { checkSchema, parseSchema, type SchemaField } from '../schema-rules';
import type { ConsistencyIssue } from './consistency';
import { closestMatch, formatPath } from './messages';

/** A schema file's text, or why it could not be read (one sentence naming the file as the caller found it). */
export type SchemaRead = { readonly text: string } | { readonly problem: string };

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The dataset key a filter condition reads, or `undefined` for datasets the pipeline does not manage. */
const KEY_OF_FILTER_DATASET: Readonly<Partial<Record<FilterDataset, DatasetKey>>> = {
  Interactions: 'interactions',
  Items: 'items',
  Users: 'users',
  CurrentUser: 'users',
};

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['int', 'long', 'float', 'double']);

/** The fields of each dataset's schema, with the schema file they came from (named in messages). */
export type DatasetFields = Partial<
  Record<DatasetKey, { readonly fields: readonly SchemaField[]; readonly schemaFile?: string }>
>;

function schemaName(key: DatasetKey, schemaFile: string | undefined): string {
  return `the ${key} schema${schemaFile ? ` (${schemaFile})` : ''}`;
}

/** The fields whose name starts with `name` or that `name` starts with, e.g. CATEGORY → CATEGORY_L1 or CATEGORY_L2. */
function sharedPrefix(name: string, names: readonly string[]): string | undefined {
  const upper = name.toUpperCase();
  const matches = names.filter((candidate) => {
    const other = candidate.toUpperCase();
    return other.startsWith(upper) || upper.startsWith(other);
  });
  return matches.length > 0 && matches.length <= 3 ? matches.join(' or ') : undefined;
}

/** Problems of one condition, or none. */
function conditionProblems(
  condition: FilterCondition,
  datasets: Fields | undefined,
  fields: DatasetFields,
): string[] {
  const subject = `${condition.dataset}.${condition.field}`;
  const key = KEY_OF_FILTER_DATASET[condition.dataset];
  if (key === undefined) {
    return [
      `${subject} reads the ${condition.dataset} dataset, which this pipeline does not manage; filter on Items, Users or Interactions`,
    ];
  }
  if (!isFields(datasets?.[key])) {
    return [
      `${subject} reads the ${key} dataset, which this config does not have; add datasets.${key}, or filter on a dataset it has`,
    ];
  }
  if (key === 'interactions' && condition.field.toUpperCase() !== 'EVENT_TYPE') {
    return [
      `${subject}: filters on interactions can only use EVENT_TYPE; filter on item or user fields through Items or Users`,
    ];
  }
  const schema = fields[key];
  // A schema that could not be read or checked is reported on its own.
  if (schema === undefined) return [];
  const field = schema.fields.find((f) => f.name.toUpperCase() === condition.field.toUpperCase());
  const where = schemaName(key, schema.schemaFile);
  if (field === undefined) {
    const names = schema.fields.map((f) => f.name);
    const suggestion = closestMatch(condition.field, names) ?? sharedPrefix(condition.field, names);
    return [
      `${subject} is not a field of ${where}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ` +
        `use one of its fields (${names.join(', ')}) or add ${condition.field} to the schema and the data`,
    ];
  }
  if (field.textual) {
    return [
      `${subject} is a textual field; Personalize cannot filter on unstructured text, use a categorical field`,
    ];
  }
  if (field.type === 'boolean') {
    return [
      `${subject} is a boolean field; Personalize cannot filter on booleans, declare it a string with the values "True" and "False"`,
    ];
  }
  const numeric = NUMERIC_TYPES.has(field.type);
  const kind = `${field.categorical ? 'categorical ' : ''}${field.type}`;
  if (isRangeOperator(condition.operator) && !numeric) {
    return [
      `${subject} is a ${kind} field in ${where}; ${condition.operator} compares numbers, use IN, NOT IN or = for strings`,
    ];
  }
  if ((condition.operator === 'IN' || condition.operator === 'NOT IN') && numeric) {
    return [
      `${subject} is a ${field.type} field in ${where}; ${condition.operator} compares strings, use =, <, <=, > or >= for numbers`,
    ];
  }
  for (const value of condition.values) {
    if (numeric && value.kind === 'string') {
      return [
        `${subject} is a ${field.type} field; compare it with a number, not the string "${value.value}"`,
      ];
    }
    if (!numeric && value.kind === 'number') {
      return [`${subject} is a ${kind} field; quote the value, e.g. "${value.value}"`];
    }
  }
  return [];
}

/**
 * Every filter of a (possibly partly invalid) config document checked against the configured datasets and
 * the fields of their schemas: the dataset is in the config, the field exists (case-insensitively, as the
 * service matches it), and its type suits the operator and values. Datasets missing from `fields` are only
 * checked for presence. Paths are relative to the document root (`filters[1].expression`).
 */
export function filterSchemaIssues(config: unknown, fields: DatasetFields): ConsistencyIssue[] {
  if (!isFields(config) || !Array.isArray(config.filters)) return [];
  const datasets = isFields(config.datasets) ? config.datasets : undefined;
  const issues: ConsistencyIssue[] = [];
  config.filters.forEach((filter: unknown, index) => {
    const expression = isFields(filter) ? filter.expression : undefined;
    if (typeof expression !== 'string') return;
    let conditions: FilterCondition[];
    try {
      conditions = parseFilterExpression(expression).expressions.flatMap((e) => [
        ...flattenConditions(e.where),
        ...e.when,
      ]);
    } catch {
      // A filter that does not parse is the schema's to report.
      return;
    }
    const messages = new Set(conditions.flatMap((c) => conditionProblems(c, datasets, fields)));
    for (const message of messages) issues.push({ path: ['filters', index, 'expression'], message });
  });
  return issues;
}

/**
 * {@link filterSchemaIssues} for a parsed config and the fields of the schemas that passed `checkSchema`, as
 * `<path>: <message>` lines (`filters[1].expression: Items.CATEGORY is not a field of ...`). For the pipeline's
 * Validate step, which reads the schemas from S3.
 */
export function filterSchemaProblems(
  config: { readonly datasets: Partial<Record<DatasetKey, { readonly schemaFile: string }>> },
  fields: Partial<Record<DatasetKey, readonly SchemaField[]>>,
): string[] {
  const known: DatasetFields = {};
  for (const key of DATASET_KEYS) {
    const list = fields[key];
    if (list !== undefined) known[key] = { fields: list, schemaFile: config.datasets[key]?.schemaFile };
  }
  return filterSchemaIssues(config, known).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/**
 * The schema checks of a (possibly partly invalid) config document: every configured dataset's schema file
 * is read with `read` and checked against Personalize's rules for its dataset type (and the dataset group's
 * domain), then the filters are checked against the schemas that passed.
 */
export function schemaIssues(
  document: unknown,
  read: (schemaFile: string) => SchemaRead,
): ConsistencyIssue[] {
  if (!isFields(document)) return [];
  const datasets = isFields(document.datasets) ? document.datasets : undefined;
  const group = isFields(document.datasetGroup) ? document.datasetGroup : undefined;
  const domain =
    group?.domain === 'ECOMMERCE' || group?.domain === 'VIDEO_ON_DEMAND' ? group.domain : undefined;
  const issues: ConsistencyIssue[] = [];
  const fields: DatasetFields = {};
  for (const key of DATASET_KEYS) {
    const dataset = datasets?.[key];
    const schemaFile = isFields(dataset) ? dataset.schemaFile : undefined;
    // A missing or malformed schemaFile is the schema's to report.
    if (typeof schemaFile !== 'string' || schemaFile === '') continue;
    const path = ['datasets', key, 'schemaFile'];
    const found = read(schemaFile);
    if ('problem' in found) {
      issues.push({ path, message: found.problem });
      continue;
    }
    const problems = checkSchema(apiDatasetType(key), found.text, domain ? { domain } : {});
    if (problems.length > 0) {
      issues.push(...problems.map((problem) => ({ path, message: `${schemaFile}: ${problem}` })));
      continue;
    }
    fields[key] = { fields: parseSchema(found.text).fields, schemaFile };
  }
  return [...issues, ...filterSchemaIssues(document, fields)];
}
