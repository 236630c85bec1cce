import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  DeleteDatasetGroupCommand,
  DeleteSchemaCommand,
  DescribeDatasetGroupCommand,
  DescribeSchemaCommand,
  InvalidInputException,
  InvalidNextTokenException,
  LimitExceededException,
  ListDatasetGroupsCommand,
  ListSchemasCommand,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import {
  schemaJson,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from './helpers';

describe('schemas and dataset groups through the unmodified control-plane client', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  test('CreateSchema returns the ARN Personalize builds and DescribeSchema returns the schema with epoch timestamps', async () => {
    // Prepare
    const before = Date.now() / 1000;

    // Act
    const created = await t.control.send(
      new CreateSchemaCommand({ name: 'shop-interactions', schema: schemaJson('interactions') }),
    );
    const described = await t.control.send(new DescribeSchemaCommand({ schemaArn: created.schemaArn }));

    // Assess
    expect(created.schemaArn).toBe('arn:aws:personalize:us-east-1:123456789012:schema/shop-interactions');
    expect(created.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(described.schema?.name).toBe('shop-interactions');
    expect(described.schema?.schema).toBe(schemaJson('interactions'));
    expect(described.schema?.creationDateTime).toBeInstanceOf(Date);
    expect((described.schema?.creationDateTime?.getTime() ?? 0) / 1000).toBeGreaterThanOrEqual(before - 1);
  });

  test('creating a schema with a used name is ResourceAlreadyExistsException', async () => {
    // Prepare
    await t.control.send(new CreateSchemaCommand({ name: 'dup-schema', schema: SMALL_INTERACTIONS_SCHEMA }));

    // Act
    const again = t.control.send(
      new CreateSchemaCommand({ name: 'dup-schema', schema: SMALL_INTERACTIONS_SCHEMA }),
    );

    // Assess
    await expect(again).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
  });

  test('an invalid name is InvalidInputException with the service validation wording', async () => {
    // Act
    const error = await t.control
      .send(new CreateSchemaCommand({ name: 'bad name!', schema: SMALL_INTERACTIONS_SCHEMA }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidInputException);
    expect((error as Error).message).toContain(
      "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
    expect((error as InvalidInputException).$metadata.httpStatusCode).toBe(400);
  });

  test('a name longer than 63 characters is rejected', async () => {
    // Act
    const create = t.control.send(
      new CreateSchemaCommand({ name: 'a'.repeat(64), schema: SMALL_INTERACTIONS_SCHEMA }),
    );

    // Assess
    await expect(create).rejects.toThrow(/Member must have length less than or equal to 63/);
  });

  test('a schema that is not a flat Avro record is InvalidInputException', async () => {
    // Act
    const create = t.control.send(
      new CreateSchemaCommand({ name: 'not-avro', schema: '{"type":"array","items":"string"}' }),
    );

    // Assess
    await expect(create).rejects.toBeInstanceOf(InvalidInputException);
  });

  test('describing a missing schema is ResourceNotFoundException', async () => {
    // Act
    const describe = t.control.send(
      new DescribeSchemaCommand({ schemaArn: 'arn:aws:personalize:us-east-1:123456789012:schema/missing' }),
    );

    // Assess
    await expect(describe).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test('a malformed ARN is InvalidInputException', async () => {
    // Act
    const describe = t.control.send(new DescribeSchemaCommand({ schemaArn: 'not-an-arn' }));

    // Assess
    await expect(describe).rejects.toBeInstanceOf(InvalidInputException);
  });

  test('ListSchemas pages newest first with maxResults and nextToken', async () => {
    // Prepare
    for (const i of [1, 2, 3])
      await t.control.send(
        new CreateSchemaCommand({ name: `page-schema-${i}`, schema: SMALL_INTERACTIONS_SCHEMA }),
      );

    // Act
    const first = await t.control.send(new ListSchemasCommand({ maxResults: 2 }));
    const second = await t.control.send(
      new ListSchemasCommand({ maxResults: 2, nextToken: first.nextToken }),
    );

    // Assess
    expect(first.schemas?.map((s) => s.name)).toEqual(['page-schema-3', 'page-schema-2']);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(second.schemas?.[0]?.name).toBe('page-schema-1');
  });

  test('maxResults outside 1..100 is InvalidInputException and a forged nextToken is InvalidNextTokenException', async () => {
    // Act
    const tooMany = t.control.send(new ListSchemasCommand({ maxResults: 101 }));
    const forged = t.control.send(new ListSchemasCommand({ nextToken: 'forged' }));

    // Assess
    await expect(tooMany).rejects.toBeInstanceOf(InvalidInputException);
    await expect(forged).rejects.toBeInstanceOf(InvalidNextTokenException);
  });

  test('a dataset group goes CREATE PENDING then ACTIVE, never ACTIVE inside the create call', async () => {
    // Act
    const { datasetGroupArn } = await t.control.send(
      new CreateDatasetGroupCommand({ name: 'group-lifecycle' }),
    );
    const first = await t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
    const active = await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );

    // Assess
    expect(datasetGroupArn).toBe('arn:aws:personalize:us-east-1:123456789012:dataset-group/group-lifecycle');
    expect(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']).toContain(first.datasetGroup?.status);
    expect(active.datasetGroup?.name).toBe('group-lifecycle');
  });

  test('a dataset group with a dataset cannot be deleted, a schema in use cannot be deleted', async () => {
    // Prepare
    const { datasetGroupArn } = await t.control.send(
      new CreateDatasetGroupCommand({ name: 'group-with-children' }),
    );
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const { schemaArn } = await t.control.send(
      new CreateSchemaCommand({ name: 'children-schema', schema: SMALL_INTERACTIONS_SCHEMA }),
    );
    await t.control.send(
      new CreateDatasetCommand({
        name: 'children-interactions',
        datasetGroupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );

    // Act
    const deleteGroup = t.control.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
    const deleteSchema = t.control.send(new DeleteSchemaCommand({ schemaArn }));

    // Assess
    await expect(deleteGroup).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(deleteSchema).rejects.toBeInstanceOf(ResourceInUseException);
  });

  test('deleting an empty dataset group passes through DELETE PENDING and then the group is gone', async () => {
    // Prepare
    const { datasetGroupArn } = await t.control.send(
      new CreateDatasetGroupCommand({ name: 'group-to-delete' }),
    );
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );

    // Act
    await t.control.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
    const gone = await waitFor(
      () =>
        t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })).then(
          () => false,
          (e: unknown) => e instanceof ResourceNotFoundException,
        ),
      (isGone) => isGone,
    );

    // Assess
    expect(gone).toBe(true);
    const list = await t.control.send(new ListDatasetGroupsCommand({}));
    expect(list.datasetGroups?.map((g) => g.datasetGroupArn)).not.toContain(datasetGroupArn);
  });

  test('the sixth dataset group is LimitExceededException', async () => {
    // Prepare
    const existing = (await t.control.send(new ListDatasetGroupsCommand({}))).datasetGroups?.length ?? 0;
    for (let i = existing; i < 5; i += 1)
      await t.control.send(new CreateDatasetGroupCommand({ name: `quota-group-${i}` }));

    // Act
    const sixth = t.control.send(new CreateDatasetGroupCommand({ name: 'quota-group-six' }));

    // Assess
    await expect(sixth).rejects.toBeInstanceOf(LimitExceededException);
  });
});
