import {
  assessStage,
  kindOfArn,
  stageCompletedEvent,
  stageFailedEvent,
  timeoutSecondsOf,
} from '../../../lambda/pipeline/poll.logic';
import { ResourceFailed, StageTimeout, ValidationFailed } from '../../../lambda/shared/errors';

const A = 'arn:aws:personalize:us-east-1:123456789012';

describe('stage events', () => {
  const statuses = [{ arn: 'a', status: 'ACTIVE' }];

  test('a done stage is reported as Pipeline Stage Completed with its resources and elapsed time', () => {
    // Act
    const entry = stageCompletedEvent(
      { bus: 'bus', project: 'shop', stage: 'Training' },
      { done: true, waitSeconds: 0, elapsedSeconds: 42, statuses },
    );
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
      stageCompletedEvent(
        { bus: 'bus', project: 'shop', stage: 'Training' },
        { done: false, waitSeconds: 10, elapsedSeconds: 1, statuses },
      ),
    ).toBeUndefined();
    expect(
      stageCompletedEvent(
        { bus: 'bus', project: 'shop', stage: 'BatchJob' },
        { done: true, waitSeconds: 0, elapsedSeconds: 0, statuses: [] },
      ),
    ).toBeUndefined();
  });

  test('a timed-out stage is reported as Pipeline Stage Failed with the error, a failed resource too', () => {
    // Prepare
    const timeout = new StageTimeout({
      stage: 'Training',
      elapsedSeconds: 130,
      timeoutSeconds: 120,
      pending: [{ arn: 'a', status: 'CREATE IN_PROGRESS' }],
    });
    const failed = new ResourceFailed('gone', 'NOT FOUND', 'deleted');
    // Act
    const timedOut = stageFailedEvent(
      { bus: 'bus', project: 'shop', stage: 'Training' },
      { elapsedSeconds: 130.7, observed: [{ arn: 'a', status: 'CREATE IN_PROGRESS' }], error: timeout },
    );
    const vanished = stageFailedEvent(
      { bus: 'bus', project: 'shop', stage: 'Campaign' },
      { elapsedSeconds: 5, observed: [], error: failed },
    );
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
    const training = { bus: 'bus', project: 'shop', stage: 'Training' };
    expect(
      stageFailedEvent(training, { elapsedSeconds: 1, observed: [], error: new ValidationFailed(['x']) }),
    ).toBeUndefined();
    expect(
      stageFailedEvent(training, { elapsedSeconds: 1, observed: [], error: new Error('boom') }),
    ).toBeUndefined();
  });
});

describe('polling a stage', () => {
  test('is done when every target is ACTIVE', () => {
    const result = assessStage({
      stage: 'imports',
      targets: [{ kind: 'datasetImportJob', arn: 'j', status: 'ACTIVE' }],
      elapsedSeconds: 30.7,
      timeoutSeconds: 600,
    });
    expect(result).toEqual({
      done: true,
      waitSeconds: 0,
      elapsedSeconds: 30,
      statuses: [{ arn: 'j', status: 'ACTIVE' }],
    });
  });

  test('waits while a target is being created', () => {
    const result = assessStage({
      stage: 'training',
      targets: [{ kind: 'solutionVersion', arn: 'v', status: 'CREATE IN_PROGRESS' }],
      elapsedSeconds: 1200,
      timeoutSeconds: 3600,
    });
    expect(result).toEqual(expect.objectContaining({ done: false, waitSeconds: 60 }));
  });

  test('fails with the failure reason verbatim', () => {
    const reason = 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.';
    expect(() =>
      assessStage({
        stage: 'training',
        targets: [{ kind: 'solutionVersion', arn: 'v', status: 'CREATE FAILED', failureReason: reason }],
        elapsedSeconds: 5,
        timeoutSeconds: 60,
      }),
    ).toThrow(expect.objectContaining({ name: 'ResourceFailed', message: `v is CREATE FAILED: ${reason}` }));
  });

  test('times out naming the stage and the pending resources', () => {
    expect(() =>
      assessStage({
        stage: 'campaign',
        targets: [{ kind: 'campaign', arn: 'c', status: 'CREATE PENDING' }],
        elapsedSeconds: 121,
        timeoutSeconds: 120,
      }),
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
    const stage = (status: string) => ({
      stage: 'teardown',
      targets: [{ kind: 'deleted' as const, arn: 'x', status }],
      elapsedSeconds: 0,
      timeoutSeconds: 60,
    });
    expect(assessStage(stage('DELETE PENDING')).done).toBe(false);
    expect(assessStage(stage('DELETED')).done).toBe(true);
  });

  test('is done for a recommender the config stops once it is INACTIVE, not while ACTIVE or stopping', () => {
    const stage = (status: string) => ({
      stage: 'Recommenders',
      targets: [{ kind: 'stoppedRecommender' as const, arn: `${A}:recommender/shop-for-you`, status }],
      elapsedSeconds: 0,
      timeoutSeconds: 60,
    });
    expect(assessStage(stage('ACTIVE')).done).toBe(false);
    expect(assessStage(stage('STOP IN_PROGRESS')).done).toBe(false);
    expect(assessStage(stage('INACTIVE')).done).toBe(true);
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
