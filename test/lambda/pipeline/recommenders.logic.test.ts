/**
 * The recommenders step's logic against a fake Personalize that keeps recommenders in a map: created when
 * missing (with tags and Personalize's recommenderConfig shape), left alone on a re-run, updated when the config
 * changed, started when stopped, stopped when its config says so, recreated when its creation failed; the plan
 * refuses another use case and waits for a creation or update already going to the wanted config.
 */
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { RecommendersEvent, ResolvedConfig } from '../../../core/pipeline-contract';
import {
  ensureRecommenders,
  planRecommender,
  recommenderChanges,
  recommenderSpec,
} from '../../../lambda/pipeline/recommenders.logic';
import { ResourceBusy, ResourceConflict } from '../../../lambda/shared/errors';

const A = 'arn:aws:personalize:us-east-1:123456789012';
const GROUP = `${A}:dataset-group/shop`;
const FOR_YOU = `${A}:recommender/shop-for-you`;
const RECIPE = 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you';

interface Stored {
  status: string;
  recipeArn: string;
  recommenderConfig: Record<string, unknown>;
  failureReason?: string;
}

/** A Personalize that answers the recommender calls from a map, and records every call. */
function fakePersonalize(stored: Record<string, Stored> = {}) {
  const calls: Array<{ op: string; input: Record<string, unknown> }> = [];
  const notFound = () => Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const op = command.constructor.name.replace(/Command$/, '');
      const input = command.input;
      calls.push({ op, input });
      const arn = String(input.recommenderArn ?? `${A}:recommender/${String(input.name)}`);
      const row = stored[arn];
      switch (op) {
        case 'DescribeRecommender':
          if (!row) throw notFound();
          return { recommender: { recommenderArn: arn, ...row } };
        case 'CreateRecommender':
          stored[arn] = {
            status: 'CREATE PENDING',
            recipeArn: String(input.recipeArn),
            recommenderConfig: input.recommenderConfig as Record<string, unknown>,
          };
          return { recommenderArn: arn };
        case 'UpdateRecommender':
          if (!row) throw notFound();
          row.recommenderConfig = input.recommenderConfig as Record<string, unknown>;
          return { recommenderArn: arn };
        case 'StartRecommender':
          if (!row) throw notFound();
          row.status = 'START PENDING';
          return { recommenderArn: arn };
        case 'StopRecommender':
          if (!row) throw notFound();
          row.status = 'STOP PENDING';
          return { recommenderArn: arn };
        case 'DeleteRecommender':
          if (!row) throw notFound();
          row.status = 'DELETE PENDING';
          return {};
        default:
          throw new Error(`unexpected ${op}`);
      }
    },
  };
  return { personalize: client as unknown as PersonalizeClient, calls, stored };
}

function event(
  recommenderConfig: Record<string, unknown> = { minRecommendationRequestsPerSecond: 1 },
  stopped = false,
): RecommendersEvent {
  const config = {
    projectName: 'shop',
    tags: { team: 'recs' },
    recommenders: [{ name: 'for-you', useCase: 'aws-ecomm-recommended-for-you', recommenderConfig, stopped }],
  } as unknown as ResolvedConfig;
  return { config, datasetGroupArn: GROUP };
}

const ops = (calls: ReadonlyArray<{ op: string }>) => calls.map((c) => c.op);

describe('recommenders step', () => {
  test('creates a missing recommender with its use case, Personalize-shaped config and the tags', async () => {
    // Prepare
    const fake = fakePersonalize();

    // Act
    const result = await ensureRecommenders(
      event({ minRecommendationRequestsPerSecond: 2, explorationWeight: 0.3, explorationItemAgeCutOff: 30 }),
      fake,
    );

    // Assess
    expect(result.recommenders).toEqual({ 'for-you': FOR_YOU });
    expect(result.outcomes).toEqual([{ name: 'for-you', recommenderArn: FOR_YOU, action: 'created' }]);
    expect(result.targets).toEqual([{ kind: 'recommender', arn: FOR_YOU }]);
    const create = fake.calls.find((c) => c.op === 'CreateRecommender');
    expect(create?.input).toEqual({
      name: 'shop-for-you',
      datasetGroupArn: GROUP,
      recipeArn: RECIPE,
      recommenderConfig: {
        minRecommendationRequestsPerSecond: 2,
        itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' },
      },
      tags: [{ tagKey: 'team', tagValue: 'recs' }],
    });
  });

  test('changes nothing on a re-run when the recommender has the wanted config', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'ACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act
    const result = await ensureRecommenders(event(), fake);

    // Assess
    expect(ops(fake.calls)).toEqual(['DescribeRecommender']);
    expect(result.outcomes[0]?.action).toBe('unchanged');
    expect(result.targets).toEqual([{ kind: 'recommender', arn: FOR_YOU }]);
  });

  test('updates an ACTIVE recommender whose request rate changed', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'ACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act
    const result = await ensureRecommenders(event({ minRecommendationRequestsPerSecond: 3 }), fake);

    // Assess
    expect(ops(fake.calls)).toEqual(['DescribeRecommender', 'UpdateRecommender']);
    expect(fake.calls[1]?.input).toEqual({
      recommenderArn: FOR_YOU,
      recommenderConfig: { minRecommendationRequestsPerSecond: 3 },
    });
    expect(result.outcomes[0]).toEqual({
      name: 'for-you',
      recommenderArn: FOR_YOU,
      action: 'updated',
      changes: ['minRecommendationRequestsPerSecond'],
    });
  });

  test('starts an INACTIVE (stopped) recommender', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'INACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act
    const result = await ensureRecommenders(event(), fake);

    // Assess
    expect(ops(fake.calls)).toEqual(['DescribeRecommender', 'StartRecommender']);
    expect(result.outcomes[0]?.action).toBe('started');
  });

  test('stops an ACTIVE recommender whose config says stopped, and waits until it is INACTIVE', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'ACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act
    const result = await ensureRecommenders(event(undefined, true), fake);

    // Assess
    expect(ops(fake.calls)).toEqual(['DescribeRecommender', 'StopRecommender']);
    expect(fake.calls[1]?.input).toEqual({ recommenderArn: FOR_YOU });
    expect(result.outcomes[0]).toEqual({ name: 'for-you', recommenderArn: FOR_YOU, action: 'stopped' });
    expect(result.targets).toEqual([{ kind: 'stoppedRecommender', arn: FOR_YOU }]);
  });

  test('leaves an INACTIVE recommender whose config says stopped alone, even when its config changed', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'INACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act
    const result = await ensureRecommenders(event({ minRecommendationRequestsPerSecond: 4 }, true), fake);

    // Assess
    expect(ops(fake.calls)).toEqual(['DescribeRecommender']);
    expect(result.outcomes[0]?.action).toBe('unchanged');
    expect(result.targets).toEqual([{ kind: 'stoppedRecommender', arn: FOR_YOU }]);
  });

  test('starts an INACTIVE recommender whose config no longer says stopped, and waits until it is ACTIVE', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'INACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act
    const result = await ensureRecommenders(event(undefined, false), fake);

    // Assess
    expect(ops(fake.calls)).toEqual(['DescribeRecommender', 'StartRecommender']);
    expect(result.outcomes[0]?.action).toBe('started');
    expect(result.targets).toEqual([{ kind: 'recommender', arn: FOR_YOU }]);
  });

  test('creates a missing recommender whose config says stopped, for the second call to stop once it is ACTIVE', async () => {
    // Prepare
    const fake = fakePersonalize();

    // Act
    const first = await ensureRecommenders(event(undefined, true), fake);
    const stored = fake.stored[FOR_YOU];
    if (stored) stored.status = 'ACTIVE';
    const second = await ensureRecommenders({ ...event(undefined, true), earlier: first.outcomes }, fake);

    // Assess
    expect(first.outcomes[0]?.action).toBe('created');
    expect(first.targets).toEqual([{ kind: 'recommender', arn: FOR_YOU }]);
    expect(second.outcomes[0]?.action).toBe('stopped');
    expect(second.targets).toEqual([{ kind: 'stoppedRecommender', arn: FOR_YOU }]);
  });

  test("keeps the first call's outcome when the second call changes nothing", async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'ACTIVE',
        recipeArn: RECIPE,
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });
    const earlier = [{ name: 'for-you', recommenderArn: FOR_YOU, action: 'created' as const }];

    // Act
    const result = await ensureRecommenders({ ...event(), earlier }, fake);

    // Assess
    expect(result.outcomes).toEqual(earlier);
  });

  test('deletes a recommender whose creation failed and asks to be retried', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'CREATE FAILED',
        recipeArn: RECIPE,
        recommenderConfig: {},
        failureReason: 'too few View events',
      },
    });

    // Act
    const act = ensureRecommenders(event(), fake);

    // Assess
    await expect(act).rejects.toThrow(ResourceBusy);
    await expect(act).rejects.toThrow(/too few View events/);
    expect(ops(fake.calls)).toContain('DeleteRecommender');
  });

  test('refuses a recommender of the same name that serves another use case', async () => {
    // Prepare
    const fake = fakePersonalize({
      [FOR_YOU]: {
        status: 'ACTIVE',
        recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views',
        recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      },
    });

    // Act & Assess
    await expect(ensureRecommenders(event(), fake)).rejects.toThrow(ResourceConflict);
  });
});

describe('recommender plan', () => {
  const wanted = recommenderSpec({
    name: 'for-you',
    useCase: 'aws-ecomm-recommended-for-you',
    recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
    stopped: false,
  });
  const stopped = { ...wanted, stopped: true };

  test('waits for an update already going to the wanted config', () => {
    const plan = planRecommender(wanted, {
      status: 'ACTIVE',
      recipeArn: RECIPE,
      recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      latestRecommenderUpdate: {
        status: 'CREATE IN_PROGRESS',
        recommenderConfig: { minRecommendationRequestsPerSecond: 2 },
      },
    });
    expect(plan.action).toBe('wait');
  });

  test('is busy while the recommender is being created with another config', () => {
    const plan = planRecommender(wanted, {
      status: 'CREATE IN_PROGRESS',
      recipeArn: RECIPE,
      recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
    });
    expect(plan.action).toBe('busy');
  });

  test('is busy while the recommender is being stopped', () => {
    const plan = planRecommender(wanted, { status: 'STOP IN_PROGRESS', recipeArn: RECIPE });
    expect(plan.action).toBe('busy');
  });

  test('waits until a recommender the config stops is INACTIVE while it is being stopped', () => {
    const plan = planRecommender(stopped, { status: 'STOP IN_PROGRESS', recipeArn: RECIPE });
    expect(plan).toMatchObject({ action: 'wait', until: 'INACTIVE' });
  });

  test('waits until a recommender the config stops is ACTIVE while an update runs, to stop it then', () => {
    const plan = planRecommender(stopped, {
      status: 'ACTIVE',
      recipeArn: RECIPE,
      latestRecommenderUpdate: { status: 'CREATE IN_PROGRESS' },
    });
    expect(plan).toMatchObject({ action: 'wait', until: 'ACTIVE' });
  });

  test('compares exploration as numbers, and an absent request rate as the default of 1', () => {
    expect(
      recommenderChanges(
        { minRecommendationRequestsPerSecond: 1, itemExplorationConfig: { explorationWeight: '0.3' } },
        { itemExplorationConfig: { explorationWeight: '0.30', explorationItemAgeCutOff: '30' } },
      ),
    ).toEqual([]);
  });
});
