/**
 * The emulator's concurrency rules: one dataset import job at a time per dataset and one solution version
 * in training at a time per solution (ResourceInUseException naming the job or version in the way), while
 * other datasets and solutions go on, and a new job or version is accepted once the earlier one ended.
 */
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeSolutionCommand,
  ResourceInUseException,
  StopSolutionVersionCreationCommand,
} from '@aws-sdk/client-personalize';
import {
  schemaJson,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from './helpers';

/** Imports and trainings stay CREATE PENDING for a minute: long enough to overlap; everything else is immediate. */
const SLOW_JOBS = {
  default: { pendingMs: 0, inProgressMs: 0 },
  datasetImportJob: { pendingMs: 60_000, inProgressMs: 60_000 },
  solutionVersion: { pendingMs: 60_000, inProgressMs: 60_000 },
};

let t: TestEmulator;
let groupArn: string;
let interactionsArn: string;
let itemsArn: string;

beforeAll(async () => {
  t = await startTestEmulator({ delays: SLOW_JOBS });
  const { datasetGroupArn = '' } = await t.control.send(
    new CreateDatasetGroupCommand({ name: 'busy-group' }),
  );
  groupArn = datasetGroupArn;
  await waitFor(
    () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => r.datasetGroup?.status === 'ACTIVE',
  );
  const dataset = async (type: 'Interactions' | 'Items', schema: string) => {
    const { schemaArn } = await t.control.send(
      new CreateSchemaCommand({ name: `busy-${type.toLowerCase()}`, schema }),
    );
    const { datasetArn = '' } = await t.control.send(
      new CreateDatasetCommand({
        name: `busy-${type.toLowerCase()}`,
        datasetGroupArn,
        schemaArn,
        datasetType: type,
      }),
    );
    await waitFor(
      () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );
    return datasetArn;
  };
  interactionsArn = await dataset('Interactions', SMALL_INTERACTIONS_SCHEMA);
  itemsArn = await dataset('Items', schemaJson('items'));
});

afterAll(async () => {
  await t.close();
});

const importInto = (jobName: string, datasetArn: string) =>
  t.control.send(
    new CreateDatasetImportJobCommand({
      jobName,
      datasetArn,
      dataSource: { dataLocation: 's3://busy-bucket/data.csv' },
    }),
  );

const solution = async (name: string): Promise<string> => {
  const { solutionArn = '' } = await t.control.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn: groupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
      performAutoTraining: false,
    }),
  );
  await waitFor(
    () => t.control.send(new DescribeSolutionCommand({ solutionArn })),
    (r) => r.solution?.status === 'ACTIVE',
  );
  return solutionArn;
};

describe('concurrent dataset import jobs', () => {
  test('a second import job into a dataset whose import is running is ResourceInUseException naming that job', async () => {
    // Prepare
    const { datasetImportJobArn } = await importInto('first-interactions', interactionsArn);

    // Act
    const error = await importInto('second-interactions', interactionsArn).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect((error as Error).message).toBe(
      `Dataset ${interactionsArn} already has an import job in status CREATE PENDING (${datasetImportJobArn}); create another once it is ACTIVE or CREATE FAILED.`,
    );
  });

  test('an import into another dataset of the group starts while one is running', async () => {
    // Prepare
    await importInto('running-interactions', interactionsArn).catch(() => undefined);

    // Act
    const started = await importInto('items-meanwhile', itemsArn);

    // Assess
    expect(started.datasetImportJobArn).toMatch(/dataset-import-job\/items-meanwhile$/);
  });
});

describe('concurrent solution versions', () => {
  test('a second version of a solution whose version is training is ResourceInUseException naming that version', async () => {
    // Prepare
    const solutionArn = await solution('busy-first');
    const { solutionVersionArn } = await t.control.send(new CreateSolutionVersionCommand({ solutionArn }));

    // Act
    const error = await t.control
      .send(new CreateSolutionVersionCommand({ solutionArn }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ResourceInUseException);
    expect((error as Error).message).toBe(
      `Solution ${solutionArn} already has a solution version in status CREATE PENDING (${solutionVersionArn}); create another once it is ACTIVE, CREATE FAILED or CREATE STOPPED.`,
    );
  });

  test('another solution trains a version while one is training', async () => {
    // Prepare
    const busy = await solution('busy-other');
    await t.control.send(new CreateSolutionVersionCommand({ solutionArn: busy }));
    const other = await solution('free-other');

    // Act
    const started = await t.control.send(new CreateSolutionVersionCommand({ solutionArn: other }));

    // Assess
    expect(started.solutionVersionArn).toContain('solution/free-other/');
  });

  test('a solution trains a new version once its earlier one was stopped', async () => {
    // Prepare
    const solutionArn = await solution('busy-stopped');
    const { solutionVersionArn } = await t.control.send(new CreateSolutionVersionCommand({ solutionArn }));
    await t.control.send(new StopSolutionVersionCreationCommand({ solutionVersionArn }));

    // Act
    const next = await t.control.send(new CreateSolutionVersionCommand({ solutionArn }));

    // Assess
    expect(next.solutionVersionArn).not.toBe(solutionVersionArn);
  });
});
