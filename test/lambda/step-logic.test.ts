import { campaignChanges, campaignSpec } from '../../lambda/pipeline/campaign.logic';
import { canonicalJson, decideSchema, sameSchema } from '../../lambda/pipeline/dataset-group.logic';
import {
  assessStage,
  kindOfArn,
  stageCompletedEvent,
  stageFailedEvent,
  timeoutSecondsOf,
} from '../../lambda/pipeline/poll.logic';
import { ResourceFailed, StageTimeout, ValidationFailed } from '../../lambda/shared/errors';
import { solutionDifferences } from '../../lambda/pipeline/solution.logic';
import {
  batchJobLine,
  causeMessage,
  metricPoints,
  runStatus,
  solutionLine,
  subject,
} from '../../lambda/pipeline/summary.logic';
import { compactTimestamp } from '../../core/names';

const A = 'arn:aws:personalize:us-east-1:123456789012';

describe('schema generations', () => {
  test('treats schemas that differ only in formatting and key order as the same', () => {
    expect(sameSchema('{"a":1,"b":[1,2]}', '{ "b": [1, 2],\n "a": 1 }')).toBe(true);
    expect(canonicalJson('{"b":1,"a":2}')).toBe('{"a":2,"b":1}');
  });

  test('creates a missing generation, reuses an identical one and moves past a different one', () => {
    expect(decideSchema('{"a":1}', undefined)).toEqual({ action: 'create' });
    expect(decideSchema('{"a":1}', '{"a": 1}')).toEqual({ action: 'reuse' });
    expect(decideSchema('{"a":1}', '{"a":2}')).toEqual({ action: 'next' });
  });
});

describe('solution differences', () => {
  test('finds nothing when the existing solution matches, ignoring service defaults it adds', () => {
    const wanted = {
      recipeArn: 'r',
      performHPO: false,
      solutionConfig: { algorithmHyperParameters: { a: '1' } },
    };
    const existing = {
      ...wanted,
      solutionConfig: { algorithmHyperParameters: { a: '1' }, autoMLConfig: {} },
    };
    expect(solutionDifferences(wanted, existing)).toEqual([]);
  });

  test('names the recipe, HPO, event type and solutionConfig paths that differ', () => {
    const differences = solutionDifferences(
      {
        recipeArn: 'r2',
        performHPO: true,
        eventType: 'purchase',
        solutionConfig: { algorithmHyperParameters: { a: '2' } },
      },
      { recipeArn: 'r1', performHPO: false, solutionConfig: { algorithmHyperParameters: { a: '1' } } },
    );
    expect(differences).toEqual([
      'recipe is r1, config says r2',
      'performHPO is false, config says true',
      'eventType is (all events), config says purchase',
      'solutionConfig.algorithmHyperParameters.a differs from the config',
    ]);
  });
});

describe('campaign settings', () => {
  const version = `${A}:solution/p-s/abcd1234`;

  test('passes exploration settings as strings', () => {
    const spec = campaignSpec(
      { minProvisionedTPS: 2, explorationWeight: 0.3, explorationItemAgeCutOff: 30 },
      version,
    );
    expect(spec).toEqual({
      solutionVersionArn: version,
      minProvisionedTPS: 2,
      campaignConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
    });
  });

  test('points a campaign that syncs with the latest version at $LATEST', () => {
    const spec = campaignSpec({ minProvisionedTPS: 1, syncWithLatestSolutionVersion: true }, version);
    expect(spec.solutionVersionArn).toBe(`${A}:solution/p-s/$LATEST`);
    expect(spec.campaignConfig.syncWithLatestSolutionVersion).toBe(true);
  });

  test('sees no change when the campaign already has the version and settings', () => {
    const spec = campaignSpec({ minProvisionedTPS: 1, explorationWeight: 0.3 }, version);
    const current = {
      solutionVersionArn: version,
      minProvisionedTPS: 1,
      campaignConfig: { itemExplorationConfig: { explorationWeight: '0.30' } },
    };
    expect(campaignChanges(spec, current)).toEqual([]);
  });

  test('lists a new version and a changed TPS', () => {
    const spec = campaignSpec({ minProvisionedTPS: 3 }, version);
    expect(
      campaignChanges(spec, { solutionVersionArn: `${A}:solution/p-s/old00000`, minProvisionedTPS: 1 }),
    ).toEqual(['solutionVersionArn', 'minProvisionedTPS']);
  });
});

describe('stage events', () => {
  const statuses = [{ arn: 'a', status: 'ACTIVE' }];

  test('a done stage is reported as Pipeline Stage Completed with its resources and elapsed time', () => {
    // Act
    const entry = stageCompletedEvent('bus', 'shop', 'Training', {
      done: true,
      waitSeconds: 0,
      elapsedSeconds: 42,
      statuses,
    });
    // Assess
    expect(entry).toEqual({
      Source: 'personalize-pipeline',
      DetailType: 'Pipeline Stage Completed',
      EventBusName: 'bus',
      Detail: JSON.stringify({ project: 'shop', stage: 'Training', elapsedSeconds: 42, resources: statuses }),
    });
  });

  test('a stage still running, or one with nothing to wait for, publishes nothing', () => {
    expect(
      stageCompletedEvent('bus', 'shop', 'Training', {
        done: false,
        waitSeconds: 10,
        elapsedSeconds: 1,
        statuses,
      }),
    ).toBeUndefined();
    expect(
      stageCompletedEvent('bus', 'shop', 'BatchJob', {
        done: true,
        waitSeconds: 0,
        elapsedSeconds: 0,
        statuses: [],
      }),
    ).toBeUndefined();
  });

  test('a timed-out stage is reported as Pipeline Stage Failed with the error, a failed resource too', () => {
    // Prepare
    const timeout = new StageTimeout('Training', 130, 120, [{ arn: 'a', status: 'CREATE IN_PROGRESS' }]);
    const failed = new ResourceFailed('gone', 'NOT FOUND', 'deleted');
    // Act
    const timedOut = stageFailedEvent(
      'bus',
      'shop',
      'Training',
      130.7,
      [{ arn: 'a', status: 'CREATE IN_PROGRESS' }],
      timeout,
    );
    const vanished = stageFailedEvent('bus', 'shop', 'Campaign', 5, [], failed);
    // Assess
    expect(timedOut?.DetailType).toBe('Pipeline Stage Failed');
    expect(JSON.parse(timedOut?.Detail ?? '{}')).toEqual({
      project: 'shop',
      stage: 'Training',
      elapsedSeconds: 130,
      resources: [{ arn: 'a', status: 'CREATE IN_PROGRESS' }],
      error: 'StageTimeout',
      cause: timeout.message,
    });
    expect(JSON.parse(vanished?.Detail ?? '{}').resources).toEqual([{ arn: 'gone', status: 'NOT FOUND' }]);
  });

  test('other errors (throttling, bugs) publish no stage event', () => {
    expect(stageFailedEvent('bus', 'shop', 'Training', 1, [], new ValidationFailed(['x']))).toBeUndefined();
    expect(stageFailedEvent('bus', 'shop', 'Training', 1, [], new Error('boom'))).toBeUndefined();
  });
});

describe('polling a stage', () => {
  test('is done when every target is ACTIVE', () => {
    const result = assessStage(
      'imports',
      [{ kind: 'datasetImportJob', arn: 'j', status: 'ACTIVE' }],
      30.7,
      600,
    );
    expect(result).toEqual({
      done: true,
      waitSeconds: 0,
      elapsedSeconds: 30,
      statuses: [{ arn: 'j', status: 'ACTIVE' }],
    });
  });

  test('waits while a target is being created', () => {
    const result = assessStage(
      'training',
      [{ kind: 'solutionVersion', arn: 'v', status: 'CREATE IN_PROGRESS' }],
      1200,
      3600,
    );
    expect(result).toEqual(expect.objectContaining({ done: false, waitSeconds: 60 }));
  });

  test('fails with the failure reason verbatim', () => {
    const reason = 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.';
    expect(() =>
      assessStage(
        'training',
        [{ kind: 'solutionVersion', arn: 'v', status: 'CREATE FAILED', failureReason: reason }],
        5,
        60,
      ),
    ).toThrow(expect.objectContaining({ name: 'ResourceFailed', message: `v is CREATE FAILED: ${reason}` }));
  });

  test('times out naming the stage and the pending resources', () => {
    expect(() =>
      assessStage('campaign', [{ kind: 'campaign', arn: 'c', status: 'CREATE PENDING' }], 121, 120),
    ).toThrow(
      expect.objectContaining({
        name: 'StageTimeout',
        message: expect.stringContaining(
          'Stage "campaign" timed out after 121 s (limit 120 s); still pending: c (CREATE PENDING)',
        ),
      }),
    );
  });

  test('is done for a deleted target only once it is gone', () => {
    expect(
      assessStage('teardown', [{ kind: 'deleted', arn: 'x', status: 'DELETE PENDING' }], 0, 60).done,
    ).toBe(false);
    expect(assessStage('teardown', [{ kind: 'deleted', arn: 'x', status: 'DELETED' }], 0, 60).done).toBe(
      true,
    );
  });

  test("takes the stage timeout in seconds, or in the config's minutes", () => {
    expect(timeoutSecondsOf({ timeoutSeconds: 90 })).toBe(90);
    expect(timeoutSecondsOf({ timeoutMinutes: 360 })).toBe(21_600);
    expect(timeoutSecondsOf({})).toBe(3_600);
  });

  test('tells the kind of a resource from its ARN', () => {
    expect(kindOfArn(`${A}:solution/p-s`)).toBe('solution');
    expect(kindOfArn(`${A}:solution/p-s/abcd1234`)).toBe('solutionVersion');
    expect(kindOfArn(`${A}:dataset/p/INTERACTIONS`)).toBe('dataset');
    expect(kindOfArn(`${A}:dataset-group/p`)).toBe('datasetGroup');
    expect(kindOfArn(`${A}:schema/p-items`)).toBe('schema');
  });
});

describe('run summary', () => {
  test('is PARTIAL when a solution failed or did not pass its gate', () => {
    const gate = { passed: false, reason: 'r', metric: 'm', metrics: {} };
    expect(
      runStatus([
        { name: 'a', status: 'DEPLOYED' },
        { name: 's', status: 'SKIPPED' },
      ]),
    ).toBe('SUCCEEDED');
    expect(
      runStatus([{ name: 'a' }, { name: 'b', status: 'FAILED', error: 'ResourceFailed', cause: 'x' }]),
    ).toBe('PARTIAL');
    expect(runStatus([{ name: 'a', status: 'GATED_OUT', gate }])).toBe('PARTIAL');
    expect(
      runStatus(
        [{ name: 'a', status: 'DEPLOYED' }],
        [{ name: 'j', status: 'FAILED', error: 'ResourceFailed' }],
      ),
    ).toBe('PARTIAL');
  });

  test('a skipped batch job leaves the run SUCCEEDED and its line says why it was skipped', () => {
    const skipped = {
      name: 'j',
      status: 'SKIPPED' as const,
      reason: 'solution "a" got no new version in this run',
    };
    expect(runStatus([{ name: 'a', status: 'DEPLOYED' }], [skipped])).toBe('SUCCEEDED');
    expect(batchJobLine(skipped)).toBe('- j: skipped (solution "a" got no new version in this run)');
    expect(batchJobLine({ name: 'j', status: 'COMPLETED', jobArn: 'arn' })).toBe('- j: arn');
  });

  test('publishes every offline metric of every evaluated version', () => {
    const points = metricPoints([
      {
        name: 'a',
        gate: { passed: true, reason: '', metric: 'm', metrics: { coverage: 0.5, precision_at_5: 0.1 } },
      },
    ]);
    expect(points).toEqual([
      { solution: 'a', metric: 'coverage', value: 0.5 },
      { solution: 'a', metric: 'precision_at_5', value: 0.1 },
    ]);
  });

  test('reads the message out of a Lambda error cause and keeps other causes as they are', () => {
    expect(causeMessage('{"errorType":"ResourceFailed","errorMessage":"arn is CREATE FAILED: why"}')).toBe(
      'arn is CREATE FAILED: why',
    );
    expect(causeMessage('plain text')).toBe('plain text');
  });

  test('describes a failed solution with the message of its cause and a skipped one as not selected', () => {
    const cause = '{"errorType":"ResourceFailed","errorMessage":"v is CREATE FAILED: too little data"}';
    expect(solutionLine({ name: 'a', status: 'FAILED', error: 'ResourceFailed', cause })).toBe(
      '- a: FAILED (ResourceFailed) v is CREATE FAILED: too little data',
    );
    expect(solutionLine({ name: 'b', status: 'SKIPPED' })).toBe('- b: not selected for this run');
  });

  test('keeps SNS subjects within 100 printable characters', () => {
    expect(subject(`a\n${'x'.repeat(200)}`)).toHaveLength(100);
  });

  test('formats run ids as UTC yyyymmddhhmmss', () => {
    expect(compactTimestamp(new Date('2026-11-28T12:05:09.123Z'))).toBe('20261128120509');
  });
});
