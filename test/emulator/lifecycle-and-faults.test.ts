import {
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DescribeDatasetGroupCommand,
  LimitExceededException,
  ListSchemasCommand,
} from '@aws-sdk/client-personalize';
import {
  admin,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  TERMINAL,
  waitFor,
  type TestEmulator,
} from './helpers';

describe('lifecycle transitions with delays', () => {
  test('a dataset group is observed in CREATE PENDING, then CREATE IN_PROGRESS, then ACTIVE', async () => {
    // Prepare
    const t = await startTestEmulator({ delays: { default: { pendingMs: 300, inProgressMs: 300 } } });
    const seen: string[] = [];

    // Act
    const { datasetGroupArn } = await t.control.send(
      new CreateDatasetGroupCommand({ name: 'observed-group' }),
    );
    await waitFor(
      async () => {
        const status =
          (await t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))).datasetGroup?.status ??
          '';
        if (seen[seen.length - 1] !== status) seen.push(status);
        return status;
      },
      (status) => status === 'ACTIVE',
    );
    await t.close();

    // Assess
    expect(seen).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
  });
});

describe('fault injection', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator({
      faults: [{ operation: 'ListSchemas', error: 'LimitExceededException', count: 1 }],
    });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    await admin(t.emulator.endpoint, '/_emulator/faults', { method: 'DELETE' });
  });

  test('a startup fault rule answers the named error once and then expires', async () => {
    // Act
    const first = await t.control.send(new ListSchemasCommand({})).catch((e: unknown) => e);
    const second = await t.control.send(new ListSchemasCommand({}));

    // Assess
    expect(first).toBeInstanceOf(LimitExceededException);
    expect(second.schemas).toEqual([]);
  });

  test('POST /_emulator/faults makes an operation throttle with ThrottlingException', async () => {
    // Prepare
    await admin(t.emulator.endpoint, '/_emulator/faults', {
      method: 'POST',
      body: JSON.stringify({ operation: 'CreateSchema', error: 'ThrottlingException', count: 2 }),
    });

    // Act
    const results = [];
    for (const i of [1, 2, 3]) {
      results.push(
        await t.control
          .send(new CreateSchemaCommand({ name: `throttled-${i}`, schema: SMALL_INTERACTIONS_SCHEMA }))
          .then(
            () => 'ok',
            (e: Error) => e.name,
          ),
      );
    }

    // Assess
    expect(results).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
  });

  test('failResource makes the created resource end in CREATE FAILED with the given reason', async () => {
    // Prepare
    await admin(t.emulator.endpoint, '/_emulator/faults', {
      method: 'POST',
      body: JSON.stringify({
        faults: [{ operation: 'CreateDatasetGroup', failResource: 'KMS key is not accessible.' }],
      }),
    });

    // Act
    const { datasetGroupArn } = await t.control.send(new CreateDatasetGroupCommand({ name: 'doomed-group' }));
    const done = await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => TERMINAL.has(r.datasetGroup?.status ?? ''),
    );

    // Assess
    expect(done.datasetGroup?.status).toBe('CREATE FAILED');
    expect(done.datasetGroup?.failureReason).toBe('KMS key is not accessible.');
  });

  test('latency rules and their remaining counts are listed by GET /_emulator/faults', async () => {
    // Prepare
    await admin(t.emulator.endpoint, '/_emulator/faults', {
      method: 'POST',
      body: JSON.stringify({ operation: 'ListSchemas', latencyMs: 5, count: 3 }),
    });

    // Act
    await t.control.send(new ListSchemasCommand({}));
    const listed = await admin<{ faults: { operation: string; latencyMs: number; count: number }[] }>(
      t.emulator.endpoint,
      '/_emulator/faults',
    );

    // Assess
    expect(listed.faults).toEqual([{ operation: 'ListSchemas', latencyMs: 5, count: 2 }]);
  });

  test('an invalid fault rule is rejected with InvalidInputException', async () => {
    // Act
    const response = await fetch(`${t.emulator.endpoint}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'ListSchemas', error: 'NoSuchError' }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidInputException');
  });

  test('POST /_emulator/reset wipes every resource', async () => {
    // Prepare
    await t.control.send(
      new CreateSchemaCommand({ name: 'before-reset', schema: SMALL_INTERACTIONS_SCHEMA }),
    );

    // Act
    await admin(t.emulator.endpoint, '/_emulator/reset', { method: 'POST' });
    const after = await t.control.send(new ListSchemasCommand({}));

    // Assess
    expect(after.schemas).toEqual([]);
  });
});
