import {
  CreateDatasetCommand,
  CreateEventTrackerCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  DescribeEventTrackerCommand,
} from '@aws-sdk/client-personalize';
import fc from 'fast-check';
import { OPERATION_NAMES } from '../../local/emulator/server';
import {
  deployCampaign,
  motoS3,
  putObjects,
  rawRequest,
  schemaJson,
  setUpDatasetGroup,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  syntheticInteractions,
  trainSolution,
  waitFor,
  type RawOutcome,
  type TestEmulator,
} from './helpers';

/**
 * Random and malformed requests against all three APIs (control plane awsJson1_1, runtime and events
 * restJson1): unknown and inherited operation names, unknown paths and methods, malformed and
 * non-object JSON, deep nesting, oversize bodies, wrong member types, and members filled with real
 * ARNs of a trained, deployed dataset group so that requests get past the first checks. Every answer
 * must be a 2xx or a 4xx with a named error type (x-amzn-errortype and a matching `__type`); never a
 * 5xx, a reset connection or a hang. Requests that are malformed by construction must get a 4xx.
 *
 * The runs are seeded (set EMULATOR_PROPERTY_SEED to explore other sequences), bounded in number and
 * in time. On a failure fast-check prints the seed and path that reproduce it.
 */

const SEED = Number(process.env.EMULATOR_PROPERTY_SEED ?? 20_250_101);
const NUM_RUNS = 1000;
const TIME_LIMIT_MS = 20_000;
/** The emulator under test reads at most this much, so oversize bodies stay cheap to send. */
const MAX_REQUEST_BYTES = 64 * 1024;
const BUCKET = 'malformed-requests';

/** A request and whether it is malformed by construction (then only a 4xx will do). */
interface Case {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly mustFail: boolean;
}

/** A case that prints short in a counterexample (bodies can be hundreds of kilobytes). */
function printable(request: Case): Case {
  const shown =
    request.body.length > 300
      ? `${request.body.slice(0, 300)}... (${request.body.length} chars)`
      : request.body;
  return Object.assign(request, {
    [fc.toStringMethod]: () =>
      `${request.method} ${request.path} ${JSON.stringify(request.headers)} ${JSON.stringify(shown)}${request.mustFail ? ' (must fail)' : ''}`,
  });
}

/** Real resources of the prepared dataset group, used as member values. */
interface World {
  readonly arns: readonly string[];
  readonly campaignArn: string;
  readonly trackingId: string;
  readonly itemsArn: string;
  readonly usersArn: string;
}

// ---------------------------------------------------------------------------------------------
// Values

/** Names an attacker tries first: members of Object.prototype and friends. */
const INHERITED = [
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];

const specialString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '😀'.repeat(20),
  'arn:aws:personalize:us-east-1:123456789012:',
  'arn:aws:personalize:us-east-1:123456789012:campaign/none',
  's3://',
  'rate(0 days)',
  'NaN',
  '-1',
  '1e309',
  '"quoted"',
  '{"json":"text"}',
  ...INHERITED,
);

const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...INHERITED));

/** Any JSON value, a little nested, with awkward keys and strings. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 40 }),
    specialString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.string({ minLength: 300, maxLength: 3000 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A member value: a real ARN or ID of the world, or anything. */
function memberValue(world: World): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: anyValue, weight: 3 },
    { arbitrary: fc.constantFrom(...world.arns, world.trackingId), weight: 2 },
  );
}

/** A JSON object with members drawn from `names` (plus inherited names) and values from `value`. */
function bodyObject(
  names: readonly string[],
  value: fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .array(
      fc.tuple(
        fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 5 }, { arbitrary: key, weight: 1 }),
        value,
      ),
      {
        maxLength: 8,
      },
    )
    .map((entries) => Object.fromEntries(entries));
}

/** Bodies that are malformed by construction, each paired with `mustFail: true`. */
const malformedBody: fc.Arbitrary<string> = fc.oneof(
  // Not JSON at all.
  fc.string({ minLength: 1, maxLength: 60 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
  // JSON, but not an object.
  fc
    .oneof(fc.array(anyValue, { maxLength: 3 }), fc.string(), fc.integer(), fc.boolean(), fc.constant(null))
    .map((value) => JSON.stringify(value)),
  // Nested deeper than any request may be, bare or inside a member.
  fc
    .tuple(fc.integer({ min: 33, max: 5000 }), fc.constantFrom('[', '{"a":'), fc.boolean())
    .map(([depth, open, wrapped]) => {
      const close = open === '[' ? ']' : '}';
      const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
      return wrapped ? `{"solutionConfig":${deep},"campaignConfig":1}` : deep;
    }),
  // Larger than the emulator reads.
  fc
    .tuple(fc.integer({ min: 1, max: 200 * 1024 }), fc.constantFrom('x', '{', '"', ' ', 'é'))
    .map(([extra, filler]) => `{"name":"${filler.repeat(MAX_REQUEST_BYTES + extra)}"}`),
);

// ---------------------------------------------------------------------------------------------
// Requests

const CONTROL_MEMBERS = [
  'name',
  'jobName',
  'schema',
  'domain',
  'datasetGroupArn',
  'datasetArn',
  'datasetType',
  'schemaArn',
  'solutionArn',
  'solutionVersionArn',
  'campaignArn',
  'filterArn',
  'eventTrackerArn',
  'recipeArn',
  'roleArn',
  'kmsKeyArn',
  'resourceArn',
  'tagKeys',
  'tags',
  'dataSource',
  'importMode',
  'performHPO',
  'performAutoTraining',
  'eventType',
  'solutionConfig',
  'solutionUpdateConfig',
  'trainingMode',
  'minProvisionedTPS',
  'campaignConfig',
  'filterExpression',
  'numResults',
  'jobInput',
  'jobOutput',
  'batchInferenceJobConfig',
  'maxResults',
  'nextToken',
  'recipeProvider',
];

const SOLUTION_CONFIG_MEMBERS = [
  'eventValueThreshold',
  'hpoConfig',
  'algorithmHyperParameters',
  'featureTransformationParameters',
  'autoMLConfig',
  'eventsConfig',
  'optimizationObjective',
  'trainingDataConfig',
  'autoTrainingConfig',
  'itemExplorationConfig',
  'rankingInfluence',
];

/** Filter expressions from Personalize's grammar over real, missing, textual and metadata columns. */
const filterExpression: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('INCLUDE', 'EXCLUDE', 'include'),
    fc.constantFrom('ItemID', 'UserID', 'ActionID'),
    fc.constantFrom('Items', 'Interactions', 'Users', 'Actions', 'CurrentUser'),
    fc.constantFrom(
      'EVENT_TYPE',
      'CATEGORY_L1',
      'DESCRIPTION',
      'PRICE',
      'NOPE',
      'USER_ID',
      'MEMBERSHIP',
      'event_type',
    ),
    fc.constantFrom('IN', 'NOT IN', '=', '<', '>=', 'CONTAINS'),
    fc.constantFrom('("a")', '($P)', '("*")', '10', '$P', '("a","b")', ''),
    fc.constantFrom(
      '',
      ' | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")',
      ' IF CurrentUser.MEMBERSHIP = $M',
    ),
  )
  .map(
    ([action, target, dataset, field, op, value, tail]) =>
      `${action} ${target} WHERE ${dataset}.${field} ${op} ${value}${tail}`,
  );

/** Valid control-plane requests on the prepared world, which the generator then perturbs. */
function controlTemplates(
  world: World,
  expression: string,
  suffix: number,
): readonly [string, Record<string, unknown>][] {
  const [groupArn = '', interactionsArn = '', solutionArn = '', solutionVersionArn = '', campaignArn = ''] =
    world.arns;
  return [
    [
      'CreateSolution',
      {
        name: `prop-solution-${suffix}`,
        datasetGroupArn: groupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
        performAutoTraining: false,
        solutionConfig: {
          eventValueThreshold: '0.1',
          algorithmHyperParameters: { a: '1' },
          autoTrainingConfig: { schedulingExpression: 'rate(7 days)' },
        },
      },
    ],
    [
      'CreateFilter',
      { name: `prop-filter-${suffix}`, datasetGroupArn: groupArn, filterExpression: expression },
    ],
    [
      'CreateCampaign',
      {
        name: `prop-campaign-${suffix}`,
        solutionVersionArn,
        campaignConfig: { itemExplorationConfig: { explorationWeight: '0.3' } },
      },
    ],
    [
      'UpdateSolution',
      { solutionArn, solutionUpdateConfig: { autoTrainingConfig: { schedulingExpression: 'rate(3 days)' } } },
    ],
    ['ListSolutions', { datasetGroupArn: groupArn, maxResults: 1 }],
    ['DescribeCampaign', { campaignArn }],
    ['TagResource', { resourceArn: groupArn, tags: [{ tagKey: 'k', tagValue: 'v' }] }],
    ['CreateSchema', { name: `prop-schema-${suffix}`, schema: SMALL_INTERACTIONS_SCHEMA }],
    [
      'CreateDatasetImportJob',
      {
        jobName: `prop-import-${suffix}`,
        datasetArn: interactionsArn,
        dataSource: { dataLocation: `s3://${BUCKET}/missing.csv` },
        roleArn: 'arn:aws:iam::123456789012:role/Personalize',
      },
    ],
  ];
}

function controlCase(world: World): fc.Arbitrary<Case> {
  const operation = fc.oneof(
    { arbitrary: fc.constantFrom(...OPERATION_NAMES), weight: 6 },
    { arbitrary: fc.constantFrom(...INHERITED), weight: 2 },
    { arbitrary: fc.string({ maxLength: 30 }).filter((name) => !OPERATION_NAMES.has(name)), weight: 1 },
  );
  const target = fc.oneof(
    {
      arbitrary: operation.map((op) => ({
        target: `AmazonPersonalize.${op}`,
        known: OPERATION_NAMES.has(op),
      })),
      weight: 10,
    },
    { arbitrary: operation.map((op) => ({ target: `Personalize.${op}`, known: false })), weight: 1 },
    { arbitrary: fc.constant({ target: undefined, known: false }), weight: 1 },
  );
  const nested = bodyObject(SOLUTION_CONFIG_MEMBERS, memberValue(world));
  const member = fc.oneof({ arbitrary: memberValue(world), weight: 4 }, { arbitrary: nested, weight: 1 });
  const body = fc.oneof(
    {
      arbitrary: bodyObject(CONTROL_MEMBERS, member).map((b) => ({ text: JSON.stringify(b), bad: false })),
      weight: 6,
    },
    { arbitrary: fc.constant({ text: '', bad: false }), weight: 1 },
    { arbitrary: malformedBody.map((text) => ({ text, bad: true })), weight: 3 },
  );
  const template = fc
    .tuple(filterExpression, fc.nat(), fc.nat({ max: 999 }))
    .chain(([expression, pick, suffix]) => {
      const templates = controlTemplates(world, expression, suffix);
      const [operation, valid] = templates[pick % templates.length] ?? ['ListSchemas', {}];
      return perturbed(valid, CONTROL_MEMBERS).map((b) => ({ operation, text: JSON.stringify(b) }));
    });
  const fromTemplate = template.map(({ operation, text }) =>
    printable({
      method: 'POST',
      path: '/',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AmazonPersonalize.${operation}`,
      },
      body: text,
      mustFail: false,
    }),
  );
  const random = fc.tuple(target, body).map(([t, b]) =>
    printable({
      method: 'POST',
      path: '/',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        ...(t.target !== undefined ? { 'X-Amz-Target': t.target } : {}),
      },
      body: b.text,
      mustFail: !t.known || b.bad,
    }),
  );
  return fc.oneof({ arbitrary: random, weight: 3 }, { arbitrary: fromTemplate, weight: 2 });
}

const RUNTIME_PATHS = ['/recommendations', '/personalize-ranking'];
const EVENTS_PATHS = ['/events', '/items', '/users'];

const RUNTIME_MEMBERS = [
  'campaignArn',
  'recommenderArn',
  'userId',
  'itemId',
  'numResults',
  'filterArn',
  'filterValues',
  'context',
  'metadataColumns',
  'promotions',
  'inputList',
];
const EVENTS_MEMBERS = ['trackingId', 'sessionId', 'userId', 'eventList', 'datasetArn', 'items', 'users'];
const RECORD_MEMBERS = [
  'eventType',
  'sentAt',
  'eventId',
  'eventValue',
  'itemId',
  'userId',
  'properties',
  'impression',
  'recommendationId',
  'metricAttribution',
];

/** `properties` as the events API takes it: JSON text (sometimes not), sometimes an object. */
const properties = fc.oneof(
  fc.dictionary(key, anyValue, { maxKeys: 4 }).map((p) => JSON.stringify(p)),
  fc.dictionary(fc.constantFrom('genre', 'PRICE', 'numberOfRatings', 'userId', 'BRAND'), anyValue, {
    maxKeys: 3,
  }),
  fc.string({ maxLength: 30 }),
  fc.integer({ min: 3, max: 200 }).map((depth) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

/** A valid request body for each REST path, which the generator then perturbs. */
function validBodies(world: World): Readonly<Record<string, Record<string, unknown>>> {
  return {
    '/recommendations': { campaignArn: world.campaignArn, userId: 'u1', numResults: 5 },
    '/personalize-ranking': { campaignArn: world.campaignArn, userId: 'u1', inputList: ['i1', 'i2'] },
    '/events': {
      trackingId: world.trackingId,
      sessionId: 's1',
      userId: 'u1',
      eventList: [{ eventType: 'view', sentAt: 1_700_000_000, itemId: 'i1' }],
    },
    '/items': {
      datasetArn: world.itemsArn,
      items: [
        {
          itemId: 'i1',
          properties: JSON.stringify({
            categoryL1: 'shoes',
            categoryL2: 'running',
            brand: 'acme',
            price: 10,
            creationTimestamp: 1_700_000_000,
            description: 'light',
          }),
        },
      ],
    },
    '/users': {
      datasetArn: world.usersArn,
      users: [
        { userId: 'u1', properties: JSON.stringify({ membership: 'gold', ageGroup: '30s', region: 'eu' }) },
      ],
    },
  };
}

/** A valid body with up to two members, at the top or in its first record, replaced or removed. */
function perturbed(
  valid: Record<string, unknown>,
  members: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  const change = fc.record({
    inRecord: fc.boolean(),
    member: fc.oneof(fc.constantFrom(...members, ...RECORD_MEMBERS), key),
    value: fc.option(anyValue, { nil: undefined }),
  });
  return fc.array(change, { maxLength: 2 }).map((changes) => {
    const body: Record<string, unknown> = structuredClone(valid);
    for (const { inRecord, member, value } of changes) {
      const list = Object.values(body).find(Array.isArray);
      const first: unknown = list?.[0];
      const target =
        inRecord && typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : body;
      if (value === undefined) Reflect.deleteProperty(target, member);
      else
        Object.defineProperty(target, member, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return body;
  });
}

function restCase(world: World, paths: readonly string[], members: readonly string[]): fc.Arbitrary<Case> {
  const value = memberValue(world);
  const record = fc
    .tuple(bodyObject(RECORD_MEMBERS, value), fc.option(properties, { nil: undefined }))
    .map(([r, p]) => (p === undefined ? r : { ...r, properties: p }));
  const list = fc.array(record, { maxLength: 12 });
  const member = fc.oneof({ arbitrary: value, weight: 3 }, { arbitrary: list, weight: 2 });
  const known = fc.constantFrom(...paths);
  const path = fc.oneof(
    { arbitrary: known, weight: 10 },
    { arbitrary: fc.constantFrom('/actions', '/action-interactions', '/action-recommendations'), weight: 1 },
    { arbitrary: fc.constantFrom(...INHERITED).map((name) => `/${name}`), weight: 1 },
    {
      arbitrary: fc.webPath().filter((p) => ![...RUNTIME_PATHS, ...EVENTS_PATHS, '/'].includes(p)),
      weight: 1,
    },
    { arbitrary: known.map((p) => `${p}/extra`), weight: 1 },
  );
  const method = fc.oneof(
    { arbitrary: fc.constant('POST'), weight: 8 },
    { arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), weight: 1 },
  );
  const body = fc.oneof(
    {
      arbitrary: fc
        .record({ fixed: bodyObject(members, member), realCampaign: fc.boolean(), realTracker: fc.boolean() })
        .map(({ fixed, realCampaign, realTracker }) => ({
          text: JSON.stringify({
            ...(realCampaign
              ? { campaignArn: world.campaignArn, userId: 'u1', inputList: ['i1', 'i2'] }
              : {}),
            ...(realTracker ? { trackingId: world.trackingId, sessionId: 's1' } : {}),
            ...fixed,
          }),
          bad: false,
        })),
      weight: 6,
    },
    {
      arbitrary: fc
        .constantFrom(...paths)
        .chain((p) => perturbed(validBodies(world)[p] ?? {}, members))
        .map((b) => ({ text: JSON.stringify(b), bad: false })),
      weight: 4,
    },
    { arbitrary: malformedBody.map((text) => ({ text, bad: true })), weight: 3 },
  );
  return fc
    .tuple(method, path, fc.option(fc.webQueryParameters(), { nil: undefined }), body)
    .map(([m, p, q, b]) =>
      printable({
        method: m,
        path: q === undefined ? p : `${p}?${q}`,
        headers: { 'Content-Type': 'application/json' },
        body: m === 'GET' || m === 'HEAD' ? '' : b.text,
        mustFail: m !== 'POST' || !paths.includes(p) || b.bad,
      }),
    );
}

// ---------------------------------------------------------------------------------------------
// The property

/** Why an outcome breaks the property, or undefined when it keeps it. */
function violation(request: Case, outcome: RawOutcome): string | undefined {
  if (outcome.kind !== 'answer')
    return outcome.kind === 'timeout' ? 'no answer (hang)' : `connection ${outcome.error}`;
  if (outcome.status >= 500) return `status ${outcome.status}: ${outcome.body.slice(0, 300)}`;
  if (outcome.status >= 300 && outcome.status < 400) return `status ${outcome.status}`;
  if (request.mustFail && outcome.status < 400) return `status ${outcome.status} for a malformed request`;
  if (outcome.status < 400) return undefined;
  const header = outcome.headers['x-amzn-errortype'];
  if (typeof header !== 'string' || !/^[A-Z][A-Za-z]+$/.test(header))
    return `no error type header (${String(header)})`;
  if (request.method === 'HEAD') return undefined;
  const body = JSON.parse(outcome.body) as { __type?: unknown; message?: unknown };
  if (body.__type !== header) return `__type ${String(body.__type)} differs from x-amzn-errortype ${header}`;
  if (typeof body.message !== 'string') return 'no message';
  return undefined;
}

describe('random and malformed requests', () => {
  let t: TestEmulator;
  let world: World;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await startTestEmulator({ maxRequestBytes: MAX_REQUEST_BYTES, log: (line) => logged.push(line) });
    await putObjects(motoS3(), BUCKET, { 'interactions.csv': syntheticInteractions() });
    const group = await setUpDatasetGroup(t, 'random-group', {
      interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: `s3://${BUCKET}/interactions.csv` },
    });
    const trained = await trainSolution(t, 'random-solution', group.datasetGroupArn, 'aws-popularity-count');
    const campaignArn = await deployCampaign(t, 'random-campaign', trained.solutionVersionArn);
    const { eventTrackerArn, trackingId = '' } = await t.control.send(
      new CreateEventTrackerCommand({ name: 'random-tracker', datasetGroupArn: group.datasetGroupArn }),
    );
    await waitFor(
      () => t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (r) => r.eventTracker?.status === 'ACTIVE',
    );
    const extra: Record<'items' | 'users', string> = { items: '', users: '' };
    for (const type of ['items', 'users'] as const) {
      const { schemaArn } = await t.control.send(
        new CreateSchemaCommand({ name: `random-${type}`, schema: schemaJson(type) }),
      );
      const { datasetArn = '' } = await t.control.send(
        new CreateDatasetCommand({
          name: `random-${type}`,
          datasetGroupArn: group.datasetGroupArn,
          schemaArn,
          datasetType: type,
        }),
      );
      await waitFor(
        () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
        (r) => r.dataset?.status === 'ACTIVE',
      );
      extra[type] = datasetArn;
    }
    world = {
      arns: [
        group.datasetGroupArn,
        group.datasets.interactions ?? '',
        trained.solutionArn,
        trained.solutionVersionArn,
        campaignArn,
        eventTrackerArn ?? '',
        `${trained.solutionArn}/$LATEST`,
      ],
      campaignArn,
      trackingId,
      itemsArn: extra.items,
      usersArn: extra.users,
    };
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  /** Sends every generated request, checks each answer, and reports the statuses and error types seen. */
  async function check(cases: fc.Arbitrary<Case>): Promise<{ statuses: number[]; errorTypes: string[] }> {
    const statuses = new Set<number>();
    const errorTypes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(cases, async (request) => {
        const outcome = await rawRequest(t.emulator.endpoint, { ...request, timeoutMs: 10_000 });
        if (outcome.kind === 'answer') {
          statuses.add(outcome.status);
          const type = outcome.headers['x-amzn-errortype'];
          if (typeof type === 'string') errorTypes.add(type);
        }
        const problem = violation(request, outcome);
        if (problem !== undefined)
          throw new Error(`${request.method} ${request.path} ${JSON.stringify(request.headers)}: ${problem}`);
      }),
      { seed: SEED, numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    return { statuses: [...statuses], errorTypes: [...errorTypes] };
  }

  test('runtime requests are answered with a 2xx or a named 4xx, never a 5xx, a reset or a hang', async () => {
    // Act
    const seen = await check(restCase(world, RUNTIME_PATHS, RUNTIME_MEMBERS));

    // Assess
    expect(logged.filter((line) => line.startsWith('internal error'))).toEqual([]);
    expect(seen.statuses).toEqual(expect.arrayContaining([200, 400, 404]));
    expect(seen.errorTypes).toEqual(
      expect.arrayContaining([
        'InvalidInputException',
        'SerializationException',
        'UnknownOperationException',
      ]),
    );
  }, 120_000);

  test('events requests are answered with a 2xx or a named 4xx, never a 5xx, a reset or a hang', async () => {
    // Prepare
    const events = restCase(
      { ...world, arns: [...world.arns, world.itemsArn, world.usersArn] },
      EVENTS_PATHS,
      EVENTS_MEMBERS,
    );

    // Act
    const seen = await check(events);

    // Assess
    expect(logged.filter((line) => line.startsWith('internal error'))).toEqual([]);
    expect(seen.statuses).toEqual(expect.arrayContaining([200, 400, 404]));
    expect(seen.errorTypes).toEqual(
      expect.arrayContaining([
        'InvalidInputException',
        'SerializationException',
        'UnknownOperationException',
      ]),
    );
  }, 120_000);

  test('control-plane requests are answered with a 2xx or a named 4xx, never a 5xx, a reset or a hang', async () => {
    // Act
    const seen = await check(controlCase(world));

    // Assess
    expect(logged.filter((line) => line.startsWith('internal error'))).toEqual([]);
    expect(seen.statuses).toEqual(expect.arrayContaining([200, 400]));
    expect(seen.errorTypes).toEqual(
      expect.arrayContaining([
        'InvalidInputException',
        'SerializationException',
        'UnknownOperationException',
      ]),
    );
  }, 120_000);
});
