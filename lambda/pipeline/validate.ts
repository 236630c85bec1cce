/**
 * Step `validate`: the first step of every run, before any Personalize call.
 *
 * Picks the config (inline `input.config`, a config object at `input.configLocation`, or the deployed
 * config), validates it with the config schema, checks every dataset schema, then checks the data in
 * S3: each `dataLocation` holds CSV data, headers match the schemas, the first rows of each file have
 * valid values (types, epoch-second timestamps), and the interactions meet Personalize's minimum-data
 * rule. Every problem is collected and thrown at once as `ValidationFailed`, each naming the file,
 * line and column or the config field. Returns the `RunState` every later step reads.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import type { SchemaField } from '../../core/schema-rules';
import { s3Client } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { DATASET_KEYS, type DatasetKey } from '../../core/names';
import type { ResolvedConfig, RunState, ValidateEvent } from '../../core/pipeline-contract';
import {
  buildRunState,
  checkConfig,
  dataFiles,
  FileAnalysis,
  minimumDataProblem,
  runOptions,
  schemaKeyFor,
  splitInlineSchemas,
} from './validate.logic';

const BUCKET_NAME = requireEnv('BUCKET_NAME');

export const handler = async (event: ValidateEvent): Promise<RunState> => {
  const config = await resolveConfig(event);
  const { options, problems } = runOptions(event.input ?? {}, config.config);
  problems.push(...(await checkData(config.config, config.fields)));
  if (problems.length > 0) throw new ValidationFailed(problems);
  const state = buildRunState(config.config, options, new Date());
  logger.info('Config and data are valid', { runId: state.runId, solutions: options.solutions });
  return state;
};

interface Resolved {
  readonly config: ResolvedConfig;
  readonly fields: Partial<Record<DatasetKey, SchemaField[]>>;
}

async function resolveConfig(event: ValidateEvent): Promise<Resolved> {
  const input = event.input ?? {};
  let document: unknown;
  let source: string;
  const fetched: Partial<Record<DatasetKey, string>> = {};
  const fetchProblems: Partial<Record<DatasetKey, string>> = {};
  let inline = false;
  if (input.configLocation !== undefined) {
    const { bucket, key } = input.configLocation;
    source = `s3://${bucket}/${key}`;
    const text = await readText(bucket, key);
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
      const schema = await readText(bucket, schemaKey);
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
    source = 'the deployed config';
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
  return { config: check.config, fields: check.fields };
}

async function readText(bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(
      new ListObjectsV2Command({ Bucket: BUCKET_NAME, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

async function checkData(
  config: ResolvedConfig,
  fieldsByKey: Partial<Record<DatasetKey, SchemaField[]>>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const key of DATASET_KEYS) {
    const dataset = config.datasets[key];
    const fields = fieldsByKey[key];
    if (dataset === undefined || fields === undefined) continue;
    const location = `s3://${BUCKET_NAME}/${dataset.dataLocation}`;
    const files = dataFiles(dataset.dataLocation, await listKeys(dataset.dataLocation));
    if (files.length === 0) {
      problems.push(
        `datasets.${key}.dataLocation: no CSV data at ${location}; upload a .csv file there (or under that folder).`,
      );
      continue;
    }
    const userIds: string[] = [];
    const onUser = key === 'interactions' ? (id: string) => userIds.push(id) : undefined;
    for (const file of files) problems.push(...(await checkFile(file, fields, onUser)));
    if (key === 'interactions') {
      const problem = minimumDataProblem(location, userIds);
      if (problem !== undefined) problems.push(problem);
    }
  }
  return problems;
}

async function checkFile(
  key: string,
  fields: SchemaField[],
  onUser?: (id: string) => void,
): Promise<string[]> {
  const file = `s3://${BUCKET_NAME}/${key}`;
  const analysis = new FileAnalysis(file, fields, onUser);
  const object = await s3Client().send(new GetObjectCommand({ Bucket: BUCKET_NAME, Key: key }));
  const parser = (object.Body as Readable).pipe(
    parse({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true }),
  );
  let first = true;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (first) {
        analysis.header(record);
        first = false;
      } else analysis.row(record, info.lines);
    }
  } catch (error) {
    analysis.problems.push(`${file}: not valid CSV: ${(error as Error).message}`);
    return analysis.problems;
  }
  return analysis.finish();
}
