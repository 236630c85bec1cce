/**
 * Jobs resumed after a restart whose S3 source is missing (local S3 restarted empty): they wait for the data to
 * be put back instead of failing with "Bucket … does not exist.", for at most the resume grace period.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
} from '@aws-sdk/client-personalize';
import { DeleteBucketCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { EmulatorOptions } from '../../local/emulator';
import {
  motoS3,
  putObjects,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  syntheticInteractions,
  TERMINAL,
  waitFor,
  type TestEmulator,
} from './helpers';

const KEY = 'interactions.csv';

/** Imports stay CREATE IN_PROGRESS for a minute in the first emulator: it stops while the job runs. */
const SLOW_IMPORTS: EmulatorOptions['delays'] = {
  default: { pendingMs: 0, inProgressMs: 0 },
  datasetImportJob: { pendingMs: 0, inProgressMs: 60_000 },
};

/**
 * An import job in flight when its emulator stopped, with the job's bucket deleted afterwards (the state of a
 * demo killed mid-import, whose next start brings a new, empty moto). Returns the job and the state directory.
 */
async function importInterruptedWithBucketGone(bucket: string): Promise<{ dataDir: string; jobArn: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'resumed-jobs-'));
  const s3 = motoS3();
  await putObjects(s3, bucket, { [KEY]: syntheticInteractions() });
  const first = await startTestEmulator({ dataDir, delays: SLOW_IMPORTS });
  const { datasetGroupArn = '' } = await first.control.send(
    new CreateDatasetGroupCommand({ name: `${bucket}-group` }),
  );
  await waitFor(
    () => first.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => r.datasetGroup?.status === 'ACTIVE',
  );
  const { schemaArn } = await first.control.send(
    new CreateSchemaCommand({ name: `${bucket}-schema`, schema: SMALL_INTERACTIONS_SCHEMA }),
  );
  const { datasetArn = '' } = await first.control.send(
    new CreateDatasetCommand({
      name: `${bucket}-interactions`,
      datasetGroupArn,
      schemaArn,
      datasetType: 'Interactions',
    }),
  );
  await waitFor(
    () => first.control.send(new DescribeDatasetCommand({ datasetArn })),
    (r) => r.dataset?.status === 'ACTIVE',
  );
  const { datasetImportJobArn = '' } = await first.control.send(
    new CreateDatasetImportJobCommand({
      jobName: `${bucket}-import`,
      datasetArn,
      dataSource: { dataLocation: `s3://${bucket}/${KEY}` },
    }),
  );
  await waitFor(
    () => first.control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
    (r) => r.datasetImportJob?.status === 'CREATE IN_PROGRESS',
  );
  await first.close();
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }));
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  s3.destroy();
  return { dataDir, jobArn: datasetImportJobArn };
}

const status = async (t: TestEmulator, datasetImportJobArn: string) =>
  (await t.control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }))).datasetImportJob;

describe('an import job resumed after a restart', () => {
  test('waits for its missing bucket and imports once the data is put back', async () => {
    // Prepare
    const bucket = 'resumed-waits';
    const { dataDir, jobArn } = await importInterruptedWithBucketGone(bucket);
    const restarted = await startTestEmulator({ dataDir });
    try {
      // Act
      await new Promise((r) => setTimeout(r, 1_000));
      const whileMissing = await status(restarted, jobArn);
      const s3 = motoS3();
      await putObjects(s3, bucket, { [KEY]: syntheticInteractions() });
      s3.destroy();
      const done = await waitFor(
        () => status(restarted, jobArn),
        (job) => TERMINAL.has(job?.status ?? ''),
      );

      // Assess
      expect(whileMissing?.status).toBe('CREATE IN_PROGRESS');
      expect(done?.status).toBe('ACTIVE');
      expect(done?.failureReason).toBeUndefined();
    } finally {
      await restarted.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('fails naming the missing bucket once the resume grace period is over', async () => {
    // Prepare
    const bucket = 'resumed-gives-up';
    const { dataDir, jobArn } = await importInterruptedWithBucketGone(bucket);
    const restarted = await startTestEmulator({ dataDir, resumeGraceMs: 500 });
    try {
      // Act
      const done = await waitFor(
        () => status(restarted, jobArn),
        (job) => TERMINAL.has(job?.status ?? ''),
        10_000,
      );

      // Assess
      expect(done?.status).toBe('CREATE FAILED');
      expect(done?.failureReason).toBe(`Invalid Data location. Bucket ${bucket} does not exist.`);
    } finally {
      await restarted.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
