/**
 * A project's data on disk, as a local run uploads it to the data bucket. The folder is laid out like the
 * bucket: each dataset's `dataLocation` is a path in it (`datasets/interactions/` holds the interactions'
 * `.csv` files, at any depth, as the import reads them), and a batch job's input may sit at
 * `batch/<job>/input/`. A folder of `<dataset>.csv` files (`interactions.csv`, `items.csv`, `users.csv`, as
 * in `sample-data/`) works too. A batch job without input files gets one: the first 100 users (inference) or
 * items (segment) of the data, in Personalize's JSON-lines format.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { PipelineConfig } from '../../core/config';
import { batchJobPrefixes, DATASET_KEYS, type DatasetKey } from '../../core/names';

/** A data folder that does not hold what the config needs. */
export class LocalDataError extends Error {
  override readonly name = 'LocalDataError';
}

/** One object to put in the data bucket: a file, or generated text. */
export type Upload =
  { readonly key: string; readonly file: string } | { readonly key: string; readonly body: string };

/** What a data folder gives a config. */
export interface ProjectData {
  readonly uploads: readonly Upload[];
  /** Each configured dataset's local files. */
  readonly files: Partial<Record<DatasetKey, readonly string[]>>;
}

/** Ids a generated batch input lists. */
const BATCH_INPUT_IDS = 100;
/** Bytes of a file read to pick ids from it (its first rows). */
const HEAD_BYTES = 4 * 1024 * 1024;

/** Every `.csv` file under a folder, at any depth, in path order. */
function csvFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((entry) => path.join(dir, String(entry)))
    .filter((file) => file.toLowerCase().endsWith('.csv') && statSync(file).isFile())
    .sort();
}

/** A dataset's files at its `dataLocation` in the folder, or as `<dataset>.csv`, with their bucket keys. */
function datasetUploads(dataDir: string, key: DatasetKey, dataLocation: string): Upload[] {
  const atLocation = path.join(dataDir, ...dataLocation.split('/'));
  if (dataLocation.endsWith('/') && existsSync(atLocation) && statSync(atLocation).isDirectory()) {
    const files = csvFilesUnder(atLocation);
    if (files.length > 0)
      return files.map((file) => ({
        file,
        key: `${dataLocation}${path.relative(atLocation, file).split(path.sep).join('/')}`,
      }));
  } else if (!dataLocation.endsWith('/') && existsSync(atLocation) && statSync(atLocation).isFile()) {
    return [{ file: atLocation, key: dataLocation }];
  }
  const flat = path.join(dataDir, `${key}.csv`);
  if (existsSync(flat)) {
    return [{ file: flat, key: dataLocation.endsWith('/') ? `${dataLocation}${key}.csv` : dataLocation }];
  }
  throw new LocalDataError(
    `datasets.${key}: no data in ${dataDir}; put its CSV at ${path.join(dataDir, ...dataLocation.split('/'))}${dataLocation.endsWith('/') ? ' (a folder of .csv files, laid out like the bucket)' : ''} or at ${flat}.`,
  );
}

/** The distinct values of a column in the first rows of CSV files, at most `limit`. */
export function columnValues(files: readonly string[], column: string, limit: number): string[] {
  const values = new Set<string>();
  for (const file of files) {
    for (const row of headRows(file)) {
      const value = row[column];
      if (value) values.add(value);
      if (values.size >= limit) return [...values];
    }
  }
  return [...values];
}

/** The rows (by column name) in the first {@link HEAD_BYTES} of a CSV file, without a cut-off last row. */
export function headRows(file: string): Record<string, string>[] {
  const buffer = Buffer.alloc(Math.min(HEAD_BYTES, statSync(file).size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  let text = buffer.toString('utf8');
  if (buffer.length === HEAD_BYTES) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return parse(text, {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Record<string, string>[];
}

/** Lines of a file (a last line without a newline counts). */
export function lineCount(file: string): number {
  const bytes = readFileSync(file);
  let lines = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines += 1;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
}

/** A batch job's input: the first users (inference) or items (segment) of the data, as JSON lines. */
function generatedBatchInput(
  type: 'inference' | 'segment',
  files: ProjectData['files'],
  job: string,
): string {
  const column = type === 'inference' ? 'USER_ID' : 'ITEM_ID';
  const own = type === 'inference' ? files.users : files.items;
  const ids = columnValues(own ?? files.interactions ?? [], column, BATCH_INPUT_IDS);
  if (ids.length === 0)
    throw new LocalDataError(`batchJobs "${job}": no ${column} values in the data to build its input from.`);
  const field = type === 'inference' ? 'userId' : 'itemId';
  return `${ids.map((id) => JSON.stringify({ [field]: id })).join('\n')}\n`;
}

/**
 * The objects a local run puts in the data bucket for a config: every dataset's files and every batch job's
 * input. @throws LocalDataError naming the dataset (or batch job) and where its data was looked for
 */
export function projectData(config: PipelineConfig, dataDir: string): ProjectData {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory())
    throw new LocalDataError(`The data folder ${dataDir} does not exist.`);
  const uploads: Upload[] = [];
  const files: Partial<Record<DatasetKey, string[]>> = {};
  for (const key of DATASET_KEYS) {
    const dataset = config.datasets[key];
    if (dataset === undefined) continue;
    const own = datasetUploads(dataDir, key, dataset.dataLocation);
    uploads.push(...own);
    files[key] = own.flatMap((upload) => ('file' in upload ? [upload.file] : []));
  }
  for (const job of config.batchJobs) {
    const prefix = batchJobPrefixes(job.name).input;
    const folder = path.join(dataDir, ...prefix.split('/'));
    const given =
      existsSync(folder) && statSync(folder).isDirectory()
        ? readdirSync(folder).filter((name) => statSync(path.join(folder, name)).isFile())
        : [];
    if (given.length > 0)
      uploads.push(...given.map((name) => ({ key: `${prefix}${name}`, file: path.join(folder, name) })));
    else uploads.push({ key: `${prefix}input.json`, body: generatedBatchInput(job.type, files, job.name) });
  }
  return { uploads, files };
}
