import {
  CreateBatchInferenceJobCommand,
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  DescribeDatasetGroupCommand,
  DescribeFilterCommand,
  DescribeSolutionCommand,
  InvalidInputException,
  InvalidNextTokenException,
  LimitExceededException,
  ListDatasetGroupsCommand,
  ListRecipesCommand,
  ListRecommendersCommand,
  ListSchemasCommand,
  ResourceAlreadyExistsException,
  UpdateSolutionCommand,
  type SolutionConfig,
} from '@aws-sdk/client-personalize';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../local/emulator';
import {
  admin,
  rawRequest,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  waitFor,
  type Clients,
  type RawOutcome,
  type TestEmulator,
} from './helpers';

/**
 * Regression tests for requests an outside tester sent: each one used to get a 500, a 200 with
 * nonsense, or a reset connection, and must get a 4xx with a named error type.
 */

const ACCOUNT_ARN = 'arn:aws:personalize:us-east-1:123456789012';

/** Sends a control-plane request with a raw body. */
function control(endpoint: string, operation: string, body: string | Buffer): Promise<RawOutcome> {
  return rawRequest(endpoint, {
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AmazonPersonalize.${operation}`,
    },
    body,
  });
}

/** The status, error type header and body `__type` of an answer (fails the test on a reset or hang). */
function errorOf(outcome: RawOutcome): { status: number; header: unknown; type: unknown; message: string } {
  if (outcome.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(outcome)}`);
  const body = JSON.parse(outcome.body || '{}') as { __type?: string; message?: string };
  return {
    status: outcome.status,
    header: outcome.headers['x-amzn-errortype'],
    type: body.__type,
    message: body.message ?? '',
  };
}

/** Creates a dataset group and waits until it is ACTIVE. */
async function activeGroup(t: Clients, name: string): Promise<string> {
  const { datasetGroupArn = '' } = await t.control.send(new CreateDatasetGroupCommand({ name }));
  await waitFor(
    () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => r.datasetGroup?.status === 'ACTIVE',
  );
  return datasetGroupArn;
}

describe('operation names', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  test.each([
    'hasOwnProperty',
    'valueOf',
    'isPrototypeOf',
    '__proto__',
    'constructor',
    'toString',
    'propertyIsEnumerable',
    '__defineGetter__',
  ])('X-Amz-Target AmazonPersonalize.%s is 400 UnknownOperationException', async (name) => {
    // Act
    const outcome = await control(t.emulator.endpoint, name, '{}');

    // Assess
    expect(errorOf(outcome)).toEqual({
      status: 400,
      header: 'UnknownOperationException',
      type: 'UnknownOperationException',
      message: `Unknown operation AmazonPersonalize.${name}.`,
    });
  });

  test('unknown runtime and events paths, inherited names as paths and methods other than POST are 404 UnknownOperationException', async () => {
    // Act
    const outcomes = await Promise.all([
      rawRequest(t.emulator.endpoint, { path: '/constructor', body: '{}' }),
      rawRequest(t.emulator.endpoint, { path: '/__proto__', body: '{}' }),
      rawRequest(t.emulator.endpoint, { path: '/recommendations/extra', body: '{}' }),
      rawRequest(t.emulator.endpoint, { method: 'GET', path: '/recommendations' }),
      rawRequest(t.emulator.endpoint, { method: 'PUT', path: '/events', body: '{}' }),
      rawRequest(t.emulator.endpoint, { method: 'DELETE', path: '/' }),
    ]);

    // Assess
    for (const outcome of outcomes) {
      const error = errorOf(outcome);
      expect([error.status, error.header, error.type]).toEqual([
        404,
        'UnknownOperationException',
        'UnknownOperationException',
      ]);
    }
  });
});

describe('request bodies', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  test('a 17 MB body is answered with SerializationException before the connection closes, and the connection serves the next request', async () => {
    // Prepare
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = Buffer.alloc(17 * 1024 * 1024, 'x');
    const headers = { 'X-Amz-Target': 'AmazonPersonalize.ListSchemas' };

    // Act
    const controlPlane = await rawRequest(t.emulator.endpoint, { headers, body, agent, timeoutMs: 60_000 });
    const events = await rawRequest(t.emulator.endpoint, { path: '/events', body, agent, timeoutMs: 60_000 });
    const next = await rawRequest(t.emulator.endpoint, { headers, body: '{}', agent });
    agent.destroy();

    // Assess
    expect(errorOf(controlPlane)).toEqual({
      status: 400,
      header: 'SerializationException',
      type: 'SerializationException',
      message: 'The request body has 17825792 bytes; the emulator accepts at most 16777216.',
    });
    expect(errorOf(events).status).toBe(400);
    expect(errorOf(events).header).toBe('SerializationException');
    expect(next).toEqual(expect.objectContaining({ kind: 'answer', status: 200, reusedSocket: true }));
  });

  test('CreateSolution with solutionConfig nested 5,000 levels deep is SerializationException, not a stack overflow', async () => {
    // Prepare
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = `{"name":"deep","datasetGroupArn":"${ACCOUNT_ARN}:dataset-group/g","solutionConfig":${deep}}`;

    // Act
    const outcome = await control(t.emulator.endpoint, 'CreateSolution', body);

    // Assess
    expect(errorOf(outcome)).toEqual({
      status: 400,
      header: 'SerializationException',
      type: 'SerializationException',
      message: 'The request body nests arrays and objects more than 32 levels deep.',
    });
  });

  test('malformed and non-object JSON on the runtime and events APIs is 400 SerializationException with x-amzn-errortype', async () => {
    // Act
    const outcomes = await Promise.all(
      ['/recommendations', '/personalize-ranking', '/events', '/items', '/users'].flatMap((path) =>
        ['{not json', '[1,2]', '"text"', '42', `${'['.repeat(40)}${']'.repeat(40)}`].map((body) =>
          rawRequest(t.emulator.endpoint, { path, headers: { 'Content-Type': 'application/json' }, body }),
        ),
      ),
    );

    // Assess
    for (const outcome of outcomes) {
      const error = errorOf(outcome);
      expect([error.status, error.header, error.type]).toEqual([
        400,
        'SerializationException',
        'SerializationException',
      ]);
    }
  });

  test('wrong member types on the runtime and events APIs are 400 InvalidInputException with x-amzn-errortype', async () => {
    // Prepare
    const campaignArn = `${ACCOUNT_ARN}:campaign/any`;
    const datasetArn = `${ACCOUNT_ARN}:dataset/g/ITEMS`;
    const requests: [string, unknown][] = [
      ['/recommendations', { campaignArn: 7 }],
      ['/recommendations', { campaignArn, userId: { id: 'u' } }],
      ['/recommendations', { campaignArn, userId: 'u', numResults: '5' }],
      ['/recommendations', { campaignArn, userId: 'u', filterValues: ['x'] }],
      ['/recommendations', { campaignArn, userId: 'u', context: { DEVICE: 1 } }],
      ['/recommendations', { campaignArn, userId: 'u', metadataColumns: { ITEMS: 'BRAND' } }],
      ['/personalize-ranking', { campaignArn, userId: 'u', inputList: 'i1' }],
      ['/personalize-ranking', { campaignArn, userId: 'u', inputList: [1, 2] }],
      ['/events', { trackingId: 't', sessionId: 's', eventList: 'click' }],
      ['/events', { trackingId: ['t'], sessionId: 's', eventList: [] }],
      ['/items', { datasetArn, items: { itemId: 'i' } }],
      ['/items', { datasetArn, items: [{ itemId: 5 }] }],
      ['/users', { datasetArn: true, users: [] }],
    ];

    // Act
    const outcomes = await Promise.all(
      requests.map(([path, body]) => rawRequest(t.emulator.endpoint, { path, body: JSON.stringify(body) })),
    );

    // Assess
    for (const outcome of outcomes) {
      const error = errorOf(outcome);
      expect([error.status, error.header, error.type]).toEqual([
        400,
        'InvalidInputException',
        'InvalidInputException',
      ]);
    }
  });
});

describe('solutionConfig and the other stored configurations follow the service model', () => {
  let t: TestEmulator;
  let groupArn: string;

  beforeAll(async () => {
    t = await startTestEmulator();
    groupArn = await activeGroup(t, 'config-group');
  });
  afterAll(async () => {
    await t.close();
  });

  /** A CreateSolution request with the given solutionConfig (as raw JSON, so wrong types reach the wire). */
  function createSolution(name: string, solutionConfig: unknown): Promise<RawOutcome> {
    return control(
      t.emulator.endpoint,
      'CreateSolution',
      JSON.stringify({
        name,
        datasetGroupArn: groupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
        performAutoTraining: false,
        solutionConfig,
      }),
    );
  }

  test('a solutionConfig with every member of the model is stored and described as sent', async () => {
    // Prepare
    const solutionConfig: SolutionConfig = {
      eventValueThreshold: '0.5',
      hpoConfig: {
        hpoObjective: { type: 'Maximize', metricName: 'precision_at_25', metricRegex: '.*' },
        hpoResourceConfig: { maxNumberOfTrainingJobs: '40', maxParallelTrainingJobs: '10' },
        algorithmHyperParameterRanges: {
          integerHyperParameterRanges: [{ name: 'bptt', minValue: 2, maxValue: 32 }],
          continuousHyperParameterRanges: [{ name: 'weight', minValue: -1, maxValue: 1.5 }],
          categoricalHyperParameterRanges: [{ name: 'recency_mask', values: ['true', 'false'] }],
        },
      },
      algorithmHyperParameters: { hidden_dimension: '64' },
      featureTransformationParameters: { max_user_history_length_percentile: '0.99' },
      autoMLConfig: { metricName: 'precision_at_25', recipeList: ['arn:aws:personalize:::recipe/aws-sims'] },
      eventsConfig: { eventParametersList: [{ eventType: 'click', eventValueThreshold: 0.1, weight: 0.5 }] },
      optimizationObjective: { itemAttribute: 'PRICE', objectiveSensitivity: 'MEDIUM' },
      trainingDataConfig: { excludedDatasetColumns: { Items: ['BRAND'] }, includedDatasetColumns: {} },
      autoTrainingConfig: { schedulingExpression: 'rate(7 days)' },
    };

    // Act
    const { solutionArn } = await t.control.send(
      new CreateSolutionCommand({
        name: 'full-config',
        datasetGroupArn: groupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
        solutionConfig,
      }),
    );
    const described = await t.control.send(new DescribeSolutionCommand({ solutionArn }));

    // Assess
    expect(described.solution?.solutionConfig).toEqual(solutionConfig);
  });

  test.each<[string, unknown, string]>([
    ['an unknown member', { hpoconfig: {} }, "at 'solutionConfig.hpoconfig'"],
    [
      'an unknown nested member',
      { hpoConfig: { hpoObjective: { metric: 'x' } } },
      "at 'solutionConfig.hpoConfig.hpoObjective.metric'",
    ],
    [
      'a number as a hyperparameter value',
      { algorithmHyperParameters: { hidden_dimension: 128 } },
      "Value '128' at 'solutionConfig.algorithmHyperParameters.hidden_dimension' failed to satisfy constraint: Member must be a string",
    ],
    [
      '101 hyperparameters',
      { algorithmHyperParameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, '1'])) },
      'Member must have length less than or equal to 100',
    ],
    [
      '41 HPO training jobs',
      { hpoConfig: { hpoResourceConfig: { maxNumberOfTrainingJobs: '41' } } },
      'Member must be a whole number from 1 to 40 written as a string',
    ],
    [
      '11 parallel HPO training jobs',
      { hpoConfig: { hpoResourceConfig: { maxParallelTrainingJobs: '11' } } },
      'from 1 to 10',
    ],
    [
      'a fractional integer range bound',
      {
        hpoConfig: {
          algorithmHyperParameterRanges: { integerHyperParameterRanges: [{ name: 'b', minValue: 1.5 }] },
        },
      },
      "at 'solutionConfig.hpoConfig.algorithmHyperParameterRanges.integerHyperParameterRanges.1.member.minValue' failed to satisfy constraint: Member must be an integer",
    ],
    [
      'eleven event parameters',
      { eventsConfig: { eventParametersList: Array.from({ length: 11 }, () => ({ eventType: 'click' })) } },
      'Member must have length less than or equal to 10',
    ],
    [
      'an event weight above 1',
      { eventsConfig: { eventParametersList: [{ eventType: 'click', weight: 1.5 }] } },
      'Member must have value less than or equal to 1',
    ],
    [
      'an unknown objective sensitivity',
      { optimizationObjective: { objectiveSensitivity: 'EXTREME' } },
      'Member must satisfy enum value set: [LOW, MEDIUM, HIGH, OFF]',
    ],
    [
      'four dataset types of excluded columns',
      {
        trainingDataConfig: {
          excludedDatasetColumns: { Items: [], Users: [], Interactions: [], Actions: [] },
        },
      },
      "at 'solutionConfig.trainingDataConfig.excludedDatasetColumns'",
    ],
    [
      'a 31-day training schedule',
      { autoTrainingConfig: { schedulingExpression: 'rate(31 days)' } },
      'Member must be rate(N days) with N from 1 to 30',
    ],
    [
      'a non-numeric event value threshold',
      { eventValueThreshold: 'high' },
      'Member must be a number written as a string',
    ],
    ['a list instead of a structure', [{ eventValueThreshold: '1' }], 'Member must be a structure'],
  ])(
    'a solutionConfig with %s is InvalidInputException naming the member',
    async (_case, config, expected) => {
      // Act
      const error = errorOf(await createSolution('bad-config', config));

      // Assess
      expect([error.status, error.type]).toEqual([400, 'InvalidInputException']);
      expect(error.message).toContain(expected);
    },
  );

  test('UpdateSolution refuses solutionUpdateConfig members that SolutionUpdateConfig does not have', async () => {
    // Prepare
    const { solutionArn } = await t.control.send(
      new CreateSolutionCommand({
        name: 'to-update',
        datasetGroupArn: groupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
      }),
    );
    await waitFor(
      () => t.control.send(new DescribeSolutionCommand({ solutionArn })),
      (r) => r.solution?.status === 'ACTIVE',
    );

    // Act
    const outcome = await control(
      t.emulator.endpoint,
      'UpdateSolution',
      JSON.stringify({ solutionArn, solutionUpdateConfig: { algorithmHyperParameters: { a: '1' } } }),
    );
    const valid = await t.control.send(
      new UpdateSolutionCommand({
        solutionArn,
        solutionUpdateConfig: { eventsConfig: { eventParametersList: [{ eventType: 'buy', weight: 1 }] } },
      }),
    );

    // Assess
    expect(errorOf(outcome).type).toBe('InvalidInputException');
    expect(errorOf(outcome).message).toContain(
      "at 'solutionUpdateConfig.algorithmHyperParameters' failed to satisfy constraint: Member must be one of the members of SolutionUpdateConfig: autoTrainingConfig, eventsConfig",
    );
    expect(valid.solutionArn).toBe(solutionArn);
  });

  test('campaignConfig and batchInferenceJobConfig are checked against their shapes', async () => {
    // Prepare
    const solutionVersionArn = `${ACCOUNT_ARN}:solution/none/abcd1234`;
    const job = {
      jobName: 'bad-job',
      solutionVersionArn,
      roleArn: 'arn:aws:iam::123456789012:role/Personalize',
      jobInput: { s3DataSource: { path: 's3://bucket/in.jsonl' } },
      jobOutput: { s3DataDestination: { path: 's3://bucket/out/' } },
    };

    // Act
    // The SDK serializes only modelled members, so an unknown one needs a raw request.
    const unknown = errorOf(
      await control(
        t.emulator.endpoint,
        'CreateCampaign',
        JSON.stringify({ name: 'c', solutionVersionArn, campaignConfig: { enableMetadata: true } }),
      ),
    );
    const influence = await t.control
      .send(
        new CreateCampaignCommand({
          name: 'c',
          solutionVersionArn,
          campaignConfig: { rankingInfluence: { POPULARITY: 2 } },
        }),
      )
      .catch((e: unknown) => e);
    const exploration = await t.control
      .send(
        new CreateBatchInferenceJobCommand({
          ...job,
          batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '2' } },
        }),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(unknown.type).toBe('InvalidInputException');
    expect(unknown.message).toContain("at 'campaignConfig.enableMetadata'");
    expect(influence).toBeInstanceOf(InvalidInputException);
    expect((influence as Error).message).toContain("at 'campaignConfig.rankingInfluence.POPULARITY'");
    expect(exploration).toBeInstanceOf(InvalidInputException);
    expect((exploration as Error).message).toContain(
      "at 'batchInferenceJobConfig.itemExplorationConfig.explorationWeight' failed to satisfy constraint: Member must be a number less than or equal to 1",
    );
  });
});

describe('filters are checked against the schemas of the dataset group', () => {
  let t: TestEmulator;
  let groupArn: string;

  const interactionsWithDevice = JSON.stringify({
    type: 'record',
    name: 'Interactions',
    namespace: 'com.amazonaws.personalize.schema',
    fields: [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      { name: 'EVENT_TYPE', type: 'string' },
      { name: 'DEVICE', type: 'string', categorical: true },
    ],
    version: '1.0',
  });
  const items = JSON.stringify({
    type: 'record',
    name: 'Items',
    namespace: 'com.amazonaws.personalize.schema',
    fields: [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'GENRE', type: 'string', categorical: true },
      { name: 'PRICE', type: 'float' },
      { name: 'IN_STOCK', type: 'boolean' },
      { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
    ],
    version: '1.0',
  });

  /** Creates a dataset of a type with a new schema in a group. */
  async function addDataset(group: string, name: string, type: string, schema: string): Promise<void> {
    const { schemaArn } = await t.control.send(new CreateSchemaCommand({ name, schema }));
    await t.control.send(
      new CreateDatasetCommand({ name, datasetGroupArn: group, schemaArn, datasetType: type }),
    );
  }

  beforeAll(async () => {
    t = await startTestEmulator();
    groupArn = await activeGroup(t, 'filter-group');
    await addDataset(groupArn, 'filter-interactions', 'Interactions', interactionsWithDevice);
    await addDataset(groupArn, 'filter-items', 'Items', items);
  });
  afterAll(async () => {
    await t.close();
  });

  test('a filter on existing, filterable columns is created and goes ACTIVE', async () => {
    // Act
    const { filterArn } = await t.control.send(
      new CreateFilterCommand({
        name: 'good-filter',
        datasetGroupArn: groupArn,
        filterExpression:
          'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) AND Items.PRICE < 10 | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
      }),
    );
    const described = await waitFor(
      () => t.control.send(new DescribeFilterCommand({ filterArn })),
      (r) => r.filter?.status === 'ACTIVE',
    );

    // Assess
    expect(described.filter?.status).toBe('ACTIVE');
  });

  test.each([
    [
      'a column the schema does not have',
      'INCLUDE ItemID WHERE Items.NOPE IN ("x")',
      'Items.NOPE is not a column of the Items dataset',
    ],
    [
      'a textual column',
      'EXCLUDE ItemID WHERE Items.DESCRIPTION IN ("x")',
      'Items.DESCRIPTION is a textual field',
    ],
    [
      'a boolean column',
      'INCLUDE ItemID WHERE Items.IN_STOCK IN ("true")',
      'Items.IN_STOCK is a boolean field',
    ],
    [
      'interaction metadata',
      'EXCLUDE ItemID WHERE Interactions.DEVICE IN ("phone")',
      'Interactions.DEVICE is interaction metadata',
    ],
    [
      'a dataset the group does not have',
      'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE > 30',
      'CurrentUser.AGE reads the Users dataset, and dataset group',
    ],
  ])(
    'a filter on %s is InvalidInputException "Could not create filter. Invalid Expression"',
    async (_case, expression, problem) => {
      // Act
      const error = await t.control
        .send(
          new CreateFilterCommand({
            name: 'bad-filter',
            datasetGroupArn: groupArn,
            filterExpression: expression,
          }),
        )
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(InvalidInputException);
      expect((error as Error).message).toMatch(/^Could not create filter\. Invalid Expression: /);
      expect((error as Error).message).toContain(problem);
    },
  );

  test('a filter created before its dataset exists is refused, and accepted once the dataset is created', async () => {
    // Prepare
    const emptyGroup = await activeGroup(t, 'early-filter-group');
    const filter = {
      name: 'early-filter',
      datasetGroupArn: emptyGroup,
      filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    };

    // Act
    const early = await t.control.send(new CreateFilterCommand(filter)).catch((e: unknown) => e);
    await addDataset(emptyGroup, 'early-interactions', 'Interactions', SMALL_INTERACTIONS_SCHEMA);
    const later = await t.control.send(new CreateFilterCommand(filter));

    // Assess
    expect(early).toBeInstanceOf(InvalidInputException);
    expect((early as Error).message).toContain(
      `has no Interactions dataset. Create the dataset before filters that use it.`,
    );
    expect(later.filterArn).toBe(`${ACCOUNT_ARN}:filter/early-filter`);
  });
});

describe('list tokens', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  test('a nextToken from one listing is InvalidNextTokenException in another and valid in its own', async () => {
    // Prepare
    const { nextToken } = await t.control.send(new ListRecipesCommand({ maxResults: 1 }));

    // Act
    const sameListing = await t.control.send(new ListRecipesCommand({ maxResults: 1, nextToken }));
    const otherDomain = t.control.send(new ListRecipesCommand({ domain: 'ECOMMERCE', nextToken }));
    const otherOperation = t.control.send(new ListSchemasCommand({ nextToken }));
    const otherGroups = t.control.send(new ListDatasetGroupsCommand({ nextToken }));
    const unsupported = t.control.send(new ListRecommendersCommand({ nextToken }));

    // Assess
    expect(sameListing.recipes).toHaveLength(1);
    await expect(otherDomain).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(otherOperation).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(otherGroups).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(unsupported).rejects.toBeInstanceOf(InvalidNextTokenException);
  });
});

describe('fault rules', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  test('a fault rule with a misspelt operation is refused with a suggestion, and nothing of its batch is added', async () => {
    // Act
    const response = await fetch(`${t.emulator.endpoint}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({
        faults: [
          { operation: 'ListSchemas', error: 'ThrottlingException' },
          { operation: 'CreateSolutonVersion', failResource: 'boom' },
        ],
      }),
    });
    const body = (await response.json()) as { __type: string; message: string };
    const inForce = await admin<{ faults: unknown[] }>(t.emulator.endpoint, '/_emulator/faults');

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidInputException');
    expect(body.message).toBe(
      'Fault "operation" "CreateSolutonVersion" is not an operation of the emulator; did you mean CreateSolutionVersion?',
    );
    expect(inForce.faults).toEqual([]);
  });

  test('fault rules added in code or given at start are checked the same way', async () => {
    // Act
    const add = (): void =>
      t.emulator.faults.add([{ operation: 'GetRecomendations', error: 'ThrottlingException' }]);
    const started = await startEmulator({
      port: 0,
      dataDir: join(tmpdir(), 'personalize-emulator-never-created'),
      faults: [{ operation: 'Nothing', latencyMs: 1 }],
    }).catch((e: unknown) => e);

    // Assess
    expect(add).toThrow('did you mean GetRecommendations?');
    expect((started as Error).message).toContain('"Nothing" is not an operation of the emulator');
    expect(t.emulator.faults.list()).toEqual([]);
  });
});

describe('quota and dataset messages', () => {
  test('with exactly as many dataset groups as the quota allows, the next one names the limit reached', async () => {
    // Prepare
    const t = await startTestEmulator({ quotas: { datasetGroups: 2 } });
    await t.control.send(new CreateDatasetGroupCommand({ name: 'quota-1' }));
    await t.control.send(new CreateDatasetGroupCommand({ name: 'quota-2' }));

    // Act
    const third = await t.control
      .send(new CreateDatasetGroupCommand({ name: 'quota-3' }))
      .catch((e: unknown) => e);
    const listed = await t.control.send(new ListDatasetGroupsCommand({}));
    await t.close();

    // Assess
    expect(third).toBeInstanceOf(LimitExceededException);
    expect((third as Error).message).toBe(
      'Cannot create a dataset group: the limit of 2 dataset groups is reached (quota datasetGroups).',
    );
    expect(listed.datasetGroups).toHaveLength(2);
  });

  test('a second Interactions dataset in a group is "already has an Interactions dataset"', async () => {
    // Prepare
    const t = await startTestEmulator();
    const groupArn = await activeGroup(t, 'article-group');
    const { schemaArn } = await t.control.send(
      new CreateSchemaCommand({ name: 'article-schema', schema: SMALL_INTERACTIONS_SCHEMA }),
    );
    await t.control.send(
      new CreateDatasetCommand({
        name: 'first',
        datasetGroupArn: groupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );

    // Act
    const second = await t.control
      .send(
        new CreateDatasetCommand({
          name: 'second',
          datasetGroupArn: groupArn,
          schemaArn,
          datasetType: 'Interactions',
        }),
      )
      .catch((e: unknown) => e);
    await t.close();

    // Assess
    expect(second).toBeInstanceOf(ResourceAlreadyExistsException);
    expect((second as Error).message).toBe(
      `Dataset group ${groupArn} already has an Interactions dataset (${ACCOUNT_ARN}:dataset/article-group/INTERACTIONS).`,
    );
  });
});
