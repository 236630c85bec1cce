/** The typed pipeline config: schema, loader, recipe catalogue and derived names. */
export * from './errors';
export * from '../filter-expression';
export * from './load';
export * from '../names';
export * from '../recipes';
export * from './schedule';
export * from './schema';
export { effectiveQualityGate } from './quality-gate';
export { CONFIG_JSON_SCHEMA_FILE, configJsonSchema } from './json-schema';
export { findJsonSyntaxProblem, type JsonSyntaxProblem } from './json-syntax';
export { formatIssues, formatPath } from './messages';
export { consistencyIssues, type ConsistencyIssue, MAX_INFERENCE_RESULTS } from './consistency';
export {
  filterSchemaIssues,
  filterSchemaProblems,
  schemaIssues,
  type DatasetFields,
  type SchemaRead,
} from './schema-checks';
export { MIN_FULL_RETRAINING_MINUTES, MIN_UPDATE_RETRAINING_MINUTES } from './training-rules';
