import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  DeleteDatasetCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  InvalidInputException,
  LimitExceededException,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateDatasetCommand,
  type DatasetImportJob,
} from '@aws-sdk/client-personalize';
import {
  admin,
  motoS3,
  putObjects,
  schemaJson,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  TERMINAL,
  waitFor,
  type TestEmulator,
} from './helpers';

const BUCKET = 'emulator-imports';
const HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE';

describe('datasets and dataset import jobs', () => {
  let t: TestEmulator;
  let groupArn: string;
  let interactionsArn: string;
  let itemsArn: string;
  let jobCounter = 0;

  async function importJob(
    location: string,
    datasetArn = interactionsArn,
    importMode: 'FULL' | 'INCREMENTAL' = 'FULL',
  ): Promise<DatasetImportJob> {
    jobCounter += 1;
    const { datasetImportJobArn } = await t.control.send(
      new CreateDatasetImportJobCommand({
        jobName: `import-${jobCounter}`,
        datasetArn,
        dataSource: { dataLocation: location },
        roleArn: 'arn:aws:iam::123456789012:role/PersonalizeS3',
        importMode,
      }),
    );
    const done = await waitFor(
      () => t.control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
      (r) => TERMINAL.has(r.datasetImportJob?.status ?? ''),
    );
    return done.datasetImportJob ?? {};
  }

  async function recordCount(datasetArn: string): Promise<number> {
    const stats = await admin<{ datasets: { datasetArn: string; records: number }[] }>(
      t.emulator.endpoint,
      '/_emulator/stats',
    );
    return stats.datasets.find((d) => d.datasetArn === datasetArn)?.records ?? -1;
  }

  beforeAll(async () => {
    t = await startTestEmulator();
    const s3 = motoS3();
    await putObjects(s3, BUCKET, {
      'good/interactions.csv': `${HEADER}\nu1,i1,1700000000,view\nu1,i2,1700000060,view\nu2,i1,1700000120,purchase\n`,
      'more/interactions.csv': `${HEADER}\nu3,i3,1700000200,view\n`,
      'folder/part-1.csv': `${HEADER}\nu1,i1,1700000000,view\n`,
      'folder/part-2.csv': `${HEADER}\nu2,i2,1700000000,view\nu3,i3,1700000001,view\n`,
      'bad/missing-column.csv': 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1700000000\n',
      'bad/ms-timestamp.csv': `${HEADER}\nu1,i1,1700000000,view\nu1,i2,1700000000123,view\n`,
      'bad/empty.csv': '',
      'bad/items-price.csv':
        'ITEM_ID,CATEGORY_L1,CATEGORY_L2,BRAND,PRICE,CREATION_TIMESTAMP,DESCRIPTION\nitem-1,a,b,c,12.5,1700000000,ok\nitem-2,a,b,c,cheap,1700000000,ok\n',
      'items/a.csv':
        'ITEM_ID,CATEGORY_L1,CATEGORY_L2,BRAND,PRICE,CREATION_TIMESTAMP,DESCRIPTION\nitem-1,a,b,c,12.5,1700000000,"quoted, with comma"\nitem-2,a,b,c,3,1700000000,\n',
      'items/b.csv':
        'ITEM_ID,CATEGORY_L1,CATEGORY_L2,BRAND,PRICE,CREATION_TIMESTAMP,DESCRIPTION\nitem-2,x,y,z,4,1700000000,\nitem-3,a,b,c,5,1700000000,\n',
    });
    s3.destroy();
    groupArn =
      (await t.control.send(new CreateDatasetGroupCommand({ name: 'imports-group' }))).datasetGroupArn ?? '';
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn: groupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const interactionsSchema = (
      await t.control.send(
        new CreateSchemaCommand({ name: 'imports-interactions', schema: SMALL_INTERACTIONS_SCHEMA }),
      )
    ).schemaArn;
    const itemsSchema = (
      await t.control.send(new CreateSchemaCommand({ name: 'imports-items', schema: schemaJson('items') }))
    ).schemaArn;
    interactionsArn =
      (
        await t.control.send(
          new CreateDatasetCommand({
            name: 'imports-interactions',
            datasetGroupArn: groupArn,
            schemaArn: interactionsSchema,
            datasetType: 'Interactions',
          }),
        )
      ).datasetArn ?? '';
    itemsArn =
      (
        await t.control.send(
          new CreateDatasetCommand({
            name: 'imports-items',
            datasetGroupArn: groupArn,
            schemaArn: itemsSchema,
            datasetType: 'ITEMS',
          }),
        )
      ).datasetArn ?? '';
    for (const datasetArn of [interactionsArn, itemsArn]) {
      await waitFor(
        () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
        (r) => r.dataset?.status === 'ACTIVE',
      );
    }
  });
  afterAll(async () => {
    await t.close();
  });

  test('dataset ARNs are dataset/{groupName}/{TYPE} and ListDatasets returns both', async () => {
    // Act
    const list = await t.control.send(new ListDatasetsCommand({ datasetGroupArn: groupArn }));

    // Assess
    expect(interactionsArn).toBe(
      'arn:aws:personalize:us-east-1:123456789012:dataset/imports-group/INTERACTIONS',
    );
    expect(itemsArn).toBe('arn:aws:personalize:us-east-1:123456789012:dataset/imports-group/ITEMS');
    expect(list.datasets?.map((d) => d.datasetType).sort()).toEqual(['INTERACTIONS', 'ITEMS']);
  });

  test('a second dataset of the same type is ResourceAlreadyExistsException', async () => {
    // Prepare
    const schemaArn = (
      await t.control.send(
        new CreateSchemaCommand({ name: 'second-interactions', schema: SMALL_INTERACTIONS_SCHEMA }),
      )
    ).schemaArn;

    // Act
    const second = t.control.send(
      new CreateDatasetCommand({
        name: 'second-interactions',
        datasetGroupArn: groupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );

    // Assess
    await expect(second).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
  });

  test('a schema that lacks the required fields of the dataset type is InvalidInputException naming the field', async () => {
    // Prepare
    const { datasetGroupArn } = await t.control.send(new CreateDatasetGroupCommand({ name: 'users-group' }));
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const schemaArn = (
      await t.control.send(new CreateSchemaCommand({ name: 'items-for-users', schema: schemaJson('items') }))
    ).schemaArn;

    // Act
    const error = await t.control
      .send(
        new CreateDatasetCommand({ name: 'users-wrong', datasetGroupArn, schemaArn, datasetType: 'Users' }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidInputException);
    expect((error as Error).message).toContain('USER_ID');
  });

  test('a dataset cannot be added to a dataset group that is not ACTIVE yet', async () => {
    // Prepare
    const slow = await startTestEmulator({
      delays: { default: { pendingMs: 60_000, inProgressMs: 60_000 } },
    });
    const { datasetGroupArn } = await slow.control.send(
      new CreateDatasetGroupCommand({ name: 'pending-group' }),
    );
    const { schemaArn } = await slow.control.send(
      new CreateSchemaCommand({ name: 'pending-schema', schema: SMALL_INTERACTIONS_SCHEMA }),
    );

    // Act
    const create = slow.control.send(
      new CreateDatasetCommand({
        name: 'too-early',
        datasetGroupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );

    // Assess
    await expect(create).rejects.toBeInstanceOf(ResourceInUseException);
    await slow.close();
  });

  test('an unknown dataset type is InvalidInputException', async () => {
    // Act
    const create = t.control.send(
      new CreateDatasetCommand({
        name: 'weird',
        datasetGroupArn: groupArn,
        schemaArn: 'arn:aws:personalize:us-east-1:123456789012:schema/imports-items',
        datasetType: 'Things',
      }),
    );

    // Assess
    await expect(create).rejects.toBeInstanceOf(InvalidInputException);
  });

  test('a FULL import of one file stores its rows and the job becomes ACTIVE', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/good/interactions.csv`);

    // Assess
    expect(job.status).toBe('ACTIVE');
    expect(job.importMode).toBe('FULL');
    expect(job.datasetImportJobArn).toMatch(/:dataset-import-job\/import-\d+$/);
    expect(await recordCount(interactionsArn)).toBe(3);
  });

  test('an INCREMENTAL import appends and a FULL import replaces the bulk data', async () => {
    // Prepare
    await importJob(`s3://${BUCKET}/good/interactions.csv`);

    // Act
    await importJob(`s3://${BUCKET}/more/interactions.csv`, interactionsArn, 'INCREMENTAL');
    const afterIncremental = await recordCount(interactionsArn);
    await importJob(`s3://${BUCKET}/more/interactions.csv`, interactionsArn, 'FULL');
    const afterFull = await recordCount(interactionsArn);

    // Assess
    expect(afterIncremental).toBe(4);
    expect(afterFull).toBe(1);
  });

  test('a folder location imports every file under the prefix', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/folder/`);

    // Assess
    expect(job.status).toBe('ACTIVE');
    expect(await recordCount(interactionsArn)).toBe(3);
  });

  test('INCREMENTAL items overwrite records with the same ITEM_ID', async () => {
    // Act
    await importJob(`s3://${BUCKET}/items/a.csv`, itemsArn);
    await importJob(`s3://${BUCKET}/items/b.csv`, itemsArn, 'INCREMENTAL');

    // Assess
    expect(await recordCount(itemsArn)).toBe(3);
  });

  test('a missing column fails the job with Personalize’s wording naming the column', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/bad/missing-column.csv`);

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toContain('Input CSV is missing the following columns: [EVENT_TYPE]');
  });

  test('a millisecond timestamp fails the job naming the column and line', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/bad/ms-timestamp.csv`);

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(/TIMESTAMP/);
    expect(job.failureReason).toMatch(/line 3/);
    expect(job.failureReason).toMatch(/milliseconds/);
  });

  test('a non-numeric value in a float column fails the job naming the column and line', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/bad/items-price.csv`, itemsArn);

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(/Column PRICE on line 3/);
  });

  test('an empty file fails the job naming line 1 and the expected columns', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/bad/empty.csv`);

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(/empty.*line 1.*USER_ID/);
  });

  test('a location with no objects fails with "Invalid Data location."', async () => {
    // Act
    const job = await importJob(`s3://${BUCKET}/nothing-here.csv`);

    // Assess
    expect(job.status).toBe('CREATE FAILED');
    expect(job.failureReason).toMatch(/^Invalid Data location\./);
  });

  test('a failed import leaves the previously imported data untouched', async () => {
    // Prepare
    await importJob(`s3://${BUCKET}/good/interactions.csv`);

    // Act
    await importJob(`s3://${BUCKET}/bad/ms-timestamp.csv`);

    // Assess
    expect(await recordCount(interactionsArn)).toBe(3);
  });

  test('INCREMENTAL before any bulk import is InvalidInputException', async () => {
    // Prepare
    const { datasetGroupArn } = await t.control.send(new CreateDatasetGroupCommand({ name: 'fresh-group' }));
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const schemaArn = (
      await t.control.send(
        new CreateSchemaCommand({ name: 'fresh-interactions', schema: SMALL_INTERACTIONS_SCHEMA }),
      )
    ).schemaArn;
    const { datasetArn } = await t.control.send(
      new CreateDatasetCommand({
        name: 'fresh-interactions',
        datasetGroupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );
    await waitFor(
      () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );

    // Act
    const create = t.control.send(
      new CreateDatasetImportJobCommand({
        jobName: 'too-early-incremental',
        datasetArn,
        dataSource: { dataLocation: `s3://${BUCKET}/good/interactions.csv` },
        importMode: 'INCREMENTAL',
      }),
    );

    // Assess
    await expect(create).rejects.toBeInstanceOf(InvalidInputException);
  });

  test('a sixth pending import job is LimitExceededException naming the limit and its quota', async () => {
    // Prepare
    const slow = await startTestEmulator({
      delays: {
        default: { pendingMs: 0, inProgressMs: 0 },
        datasetImportJob: { pendingMs: 60_000, inProgressMs: 60_000 },
      },
    });
    const { schemaArn } = await slow.control.send(
      new CreateSchemaCommand({ name: 'quota-schema', schema: SMALL_INTERACTIONS_SCHEMA }),
    );
    // One dataset per group: Personalize runs one import per dataset at a time.
    const datasetArns: string[] = [];
    for (const i of [1, 2, 3, 4, 5]) {
      const { datasetGroupArn } = await slow.control.send(
        new CreateDatasetGroupCommand({ name: `quota-group-${i}` }),
      );
      await waitFor(
        () => slow.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
        (r) => r.datasetGroup?.status === 'ACTIVE',
      );
      const { datasetArn = '' } = await slow.control.send(
        new CreateDatasetCommand({
          name: `quota-interactions-${i}`,
          datasetGroupArn,
          schemaArn,
          datasetType: 'Interactions',
        }),
      );
      await waitFor(
        () => slow.control.send(new DescribeDatasetCommand({ datasetArn })),
        (r) => r.dataset?.status === 'ACTIVE',
      );
      datasetArns.push(datasetArn);
    }
    const create = (i: number, datasetArn: string) =>
      slow.control.send(
        new CreateDatasetImportJobCommand({
          jobName: `pending-${i}`,
          datasetArn,
          dataSource: { dataLocation: `s3://${BUCKET}/good/interactions.csv` },
        }),
      );
    for (const [i, datasetArn] of datasetArns.entries()) await create(i + 1, datasetArn);
    const datasetArn = datasetArns[0] ?? '';

    // Act
    const error = await create(6, datasetArn).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LimitExceededException);
    expect((error as Error).message).toBe(
      'Cannot create a dataset import job: the limit of 5 dataset import jobs with PENDING or IN_PROGRESS status is reached (quota pendingImportJobs).',
    );
    const listed = await slow.control.send(new ListDatasetImportJobsCommand({}));
    expect(listed.datasetImportJobs).toHaveLength(5);
    const deleteWhileImporting = slow.control.send(new DeleteDatasetCommand({ datasetArn }));
    await expect(deleteWhileImporting).rejects.toBeInstanceOf(ResourceInUseException);
    await slow.close();
  });

  test('UpdateDataset accepts a schema that adds a field and rejects one that removes a field', async () => {
    // Prepare
    const wider = JSON.parse(SMALL_INTERACTIONS_SCHEMA) as { fields: unknown[] };
    wider.fields.push({ name: 'EVENT_VALUE', type: ['null', 'float'] });
    const widerArn = (
      await t.control.send(
        new CreateSchemaCommand({ name: 'wider-interactions', schema: JSON.stringify(wider) }),
      )
    ).schemaArn;
    const narrower = JSON.parse(SMALL_INTERACTIONS_SCHEMA) as { fields: { name: string }[] };
    narrower.fields = narrower.fields.filter((f) => f.name !== 'EVENT_TYPE');
    const narrowerArn = (
      await t.control.send(
        new CreateSchemaCommand({ name: 'narrower-interactions', schema: JSON.stringify(narrower) }),
      )
    ).schemaArn;

    // Act
    const narrowing = await t.control
      .send(new UpdateDatasetCommand({ datasetArn: interactionsArn, schemaArn: narrowerArn }))
      .catch((e: unknown) => e);
    await t.control.send(new UpdateDatasetCommand({ datasetArn: interactionsArn, schemaArn: widerArn }));
    const updated = await waitFor(
      () => t.control.send(new DescribeDatasetCommand({ datasetArn: interactionsArn })),
      (r) => r.dataset?.latestDatasetUpdate?.status === 'ACTIVE',
    );

    // Assess
    expect(narrowing).toBeInstanceOf(InvalidInputException);
    expect((narrowing as Error).message).toMatch(/removes field EVENT_TYPE/);
    expect(updated.dataset?.schemaArn).toBe(widerArn);
  });

  test('deleting a missing dataset is ResourceNotFoundException', async () => {
    // Act
    const remove = t.control.send(
      new DeleteDatasetCommand({
        datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/nope/USERS',
      }),
    );

    // Assess
    await expect(remove).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
