import { parse } from 'csv-parse';
import { checkHeader, createRowChecker, toRecord, type RecordValue } from '../../core/dataset-rules';
import type { SchemaField } from '../../core/schema-rules';
import { attributeEvents } from './attribution';
import type { EmulatorContext } from './context';
import type { StoredDatasetType } from './documents';
import type { WorkOutcome } from './lifecycle';
import { schemaFieldsOf } from './resources';
import { DataLocationError, openObject, resolveObjects, s3Url, type S3Location } from './s3-location';
import type { ResourceOf, StoredEntity, StoredInteraction } from './store';

/**
 * Dataset import jobs: read the CSV file(s) at `dataSource.dataLocation` from S3, check the header and
 * every row against the dataset's schema, and store the records. The records are written in the same
 * transaction that marks the job ACTIVE; a failing file stores nothing.
 */

/** A CSV problem that fails the import job; the message is the job's failureReason. */
class ImportDataError extends Error {
  override readonly name = 'ImportDataError';
}

/** The records parsed from an import job's files. */
type ParsedRecords =
  | { readonly kind: 'interactions'; readonly rows: StoredInteraction[] }
  | { readonly kind: 'entities'; readonly rows: StoredEntity[] };

const ID_FIELD: Partial<Record<StoredDatasetType, string>> = {
  ITEMS: 'ITEM_ID',
  USERS: 'USER_ID',
  ACTIONS: 'ACTION_ID',
};
const INTERACTION_COLUMNS = new Set([
  'USER_ID',
  'ITEM_ID',
  'TIMESTAMP',
  'EVENT_TYPE',
  'EVENT_VALUE',
  'IMPRESSION',
  'RECOMMENDATION_ID',
]);

function toInteraction(record: Record<string, RecordValue>): StoredInteraction {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!INTERACTION_COLUMNS.has(k) && v !== null) fields[k] = v;
  const impression = record.IMPRESSION;
  return {
    userId: String(record.USER_ID),
    itemId: String(record.ITEM_ID ?? record.ACTION_ID ?? ''),
    timestamp: Number(record.TIMESTAMP),
    ...(typeof record.EVENT_TYPE === 'string' ? { eventType: record.EVENT_TYPE } : {}),
    ...(typeof record.EVENT_VALUE === 'number' ? { eventValue: record.EVENT_VALUE } : {}),
    ...(typeof impression === 'string' && impression !== '' ? { impression: impression.split('|') } : {}),
    ...(typeof record.RECOMMENDATION_ID === 'string' ? { recommendationId: record.RECOMMENDATION_ID } : {}),
    fields,
  };
}

function toEntity(record: Record<string, RecordValue>, idField: string): StoredEntity {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (k !== idField) fields[k] = v;
  return { id: String(record[idField]), fields };
}

/**
 * Parses one CSV file. Throws {@link ImportDataError} naming the column and line of the first problem.
 * @param where prefix for messages when several files are imported
 */
async function parseFile(
  ctx: EmulatorContext,
  location: S3Location,
  fields: readonly SchemaField[],
  sink: (record: Record<string, RecordValue>) => void,
  where: string,
): Promise<number> {
  const parser = (await openObject(ctx.s3, location)).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
  );
  let header: string[] | undefined;
  let check: ReturnType<typeof createRowChecker> | undefined;
  let count = 0;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = entry.record.map((h) => h.trim());
        const problems = checkHeader(header, fields);
        if (problems.length > 0) throw new ImportDataError(`${where}${problems.join(' ')}`);
        check = createRowChecker(fields, header);
        continue;
      }
      const line = entry.info.lines;
      const problem = check?.(entry.record, line);
      if (problem) throw new ImportDataError(`${where}${problem.message}`);
      sink(toRecord(entry.record, header, fields));
      count += 1;
    }
  } catch (error) {
    if (error instanceof ImportDataError) throw error;
    const message = (error as Error).message;
    throw new ImportDataError(`${where}The file is not valid CSV: ${message}`);
  }
  const names = fields.map((f) => f.name).join(', ');
  if (!header)
    throw new ImportDataError(
      `${where}The input CSV is empty: line 1 must be a header with the columns [${names}].`,
    );
  if (count === 0)
    throw new ImportDataError(`${where}The input CSV has a header but no data rows (line 2 is missing).`);
  return count;
}

/** Reads and validates the files of an import job. */
async function readImportData(
  ctx: EmulatorContext,
  dataLocation: string,
  datasetType: StoredDatasetType,
  fields: readonly SchemaField[],
): Promise<ParsedRecords> {
  const objects = await resolveObjects(ctx.s3, dataLocation);
  const several = objects.length > 1;
  if (datasetType === 'INTERACTIONS') {
    const rows: StoredInteraction[] = [];
    for (const object of objects) {
      await parseFile(
        ctx,
        object,
        fields,
        (r) => rows.push(toInteraction(r)),
        several ? `In ${s3Url(object)}: ` : '',
      );
    }
    return { kind: 'interactions', rows };
  }
  const idField = ID_FIELD[datasetType];
  if (!idField)
    throw new ImportDataError(`Importing ${datasetType} datasets is not supported by the emulator.`);
  const byId = new Map<string, StoredEntity>();
  for (const object of objects) {
    await parseFile(
      ctx,
      object,
      fields,
      (r) => {
        const entity = toEntity(r, idField);
        byId.set(entity.id, entity);
      },
      several ? `In ${s3Url(object)}: ` : '',
    );
  }
  return { kind: 'entities', rows: [...byId.values()] };
}

/** Runs a dataset import job (the lifecycle's work for `datasetImportJob`). */
export async function runImportJob(
  ctx: EmulatorContext,
  job: ResourceOf<'datasetImportJob'>,
): Promise<WorkOutcome> {
  const dataset = ctx.store.getResource(job.doc.datasetArn, 'dataset');
  if (!dataset) return { ok: false, reason: `Dataset ${job.doc.datasetArn} no longer exists.` };
  const fields = schemaFieldsOf(ctx, dataset);
  if (!fields) return { ok: false, reason: `Schema ${dataset.doc.schemaArn} no longer exists.` };
  let parsed: ParsedRecords;
  try {
    parsed = await readImportData(ctx, job.doc.dataSource.dataLocation, dataset.doc.datasetType, fields);
  } catch (error) {
    if (error instanceof DataLocationError)
      return { ok: false, reason: error.message, ...(error.missing ? { sourceMissing: true } : {}) };
    if (error instanceof ImportDataError) return { ok: false, reason: error.message };
    throw error;
  }
  const full = job.doc.importMode !== 'INCREMENTAL';
  return {
    ok: true,
    commit: () => {
      if (parsed.kind === 'interactions') {
        if (full) ctx.store.clearBulkInteractions(dataset.arn);
        ctx.store.addInteractions(dataset.arn, 'bulk', parsed.rows);
        // Metric attribution: INCREMENTAL imports are reported to CloudWatch, and with
        // publishAttributionMetricsToS3 every import writes a report to the attribution's S3 path.
        attributeEvents(ctx, dataset.doc.datasetGroupArn, parsed.rows, {
          cloudWatch: !full,
          ...(job.doc.publishAttributionMetricsToS3 ? { s3Job: job.doc.jobName } : {}),
        });
      } else {
        if (full) ctx.store.clearBulkEntities(dataset.arn);
        ctx.store.upsertEntities(dataset.arn, 'bulk', parsed.rows);
      }
    },
  };
}
