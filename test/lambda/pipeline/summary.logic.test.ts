import type { SummaryEvent } from '../../../core/pipeline-contract';
import {
  batchJobLine,
  metricPoints,
  queuedLines,
  runStatus,
  servingParameter,
  solutionLine,
  stageTimeoutsOf,
} from '../../../lambda/pipeline/summary.logic';

describe('run summary', () => {
  test('publishes the recommenders that answer requests for the serving API, not the stopped ones', () => {
    // Prepare
    const arn = (name: string) => `arn:aws:personalize:us-east-1:123456789012:recommender/shop-${name}`;
    const event = {
      config: {
        solutions: [],
        recommenders: [
          { name: 'for-you', stopped: false },
          { name: 'also-viewed', stopped: true },
        ],
      },
    } as unknown as SummaryEvent;

    // Act
    const serving = servingParameter(
      event,
      {},
      {},
      { 'for-you': arn('for-you'), 'also-viewed': arn('also-viewed') },
    );

    // Assess
    expect(serving.recommenders).toEqual({ 'for-you': arn('for-you') });
  });

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

  test('describes a failed solution with the message of its cause and a skipped one as not selected', () => {
    const cause = '{"errorType":"ResourceFailed","errorMessage":"v is CREATE FAILED: too little data"}';
    expect(solutionLine({ name: 'a', status: 'FAILED', error: 'ResourceFailed', cause })).toBe(
      '- a: FAILED (ResourceFailed) v is CREATE FAILED: too little data',
    );
    expect(solutionLine({ name: 'b', status: 'SKIPPED' })).toBe('- b: not selected for this run');
  });

  test('counts the solutions and batch jobs a stage timeout stopped', () => {
    expect(
      stageTimeoutsOf(
        [
          { name: 'a', status: 'FAILED', error: 'StageTimeout', cause: '' },
          { name: 'b', status: 'FAILED', error: 'ResourceFailed', cause: '' },
          { name: 'c', status: 'SKIPPED' },
        ],
        [{ name: 'nightly', status: 'FAILED', error: 'StageTimeout', cause: '' }],
      ),
    ).toBe(2);
  });

  test('names the version an updated campaign served before, the one to roll back to', () => {
    const line = solutionLine({
      name: 'a',
      status: 'DEPLOYED',
      solutionVersionArn: 'arn:v2',
      trained: true,
      campaign: {
        campaignArn: 'arn:c',
        action: 'updated',
        previousSolutionVersionArn: 'arn:v1',
        targets: [],
        startedAt: 0,
      },
    });

    expect(line).toBe('- a: trained version arn:v2; campaign updated (arn:c, serving arn:v1 before)');
  });

  test('says when the run waited for another run of the project, whom it waited for and how long', () => {
    // Prepare
    const event = (lease: SummaryEvent['lease']) => ({ lease }) as SummaryEvent;
    const other = 'arn:aws:states:eu-west-1:111122223333:execution:pipeline:schedule-1';

    // Act
    const queued = queuedLines(
      event({ acquired: true, waitSeconds: 0, waitedSeconds: 95, queuedBehind: other }),
    );
    const straight = queuedLines(event({ acquired: true, waitSeconds: 0, waitedSeconds: 0 }));

    // Assess
    expect(queued).toEqual([
      '',
      `Queued: started while execution ${other} was running (runs.overlap: queue); waited 95 s for it to end before changing anything.`,
    ]);
    expect(straight).toEqual([]);
  });
});
