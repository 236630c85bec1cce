import {
  decideBatchJob,
  findDuplicate,
  isRunOf,
  vouchedVersion,
  type BatchJobDecisionInput,
} from '../../../lambda/pipeline/batch-job.logic';

const NEW = 'arn:aws:personalize:us-east-1:123456789012:solution/p-recs/new';
const LIVE = 'arn:aws:personalize:us-east-1:123456789012:solution/p-recs/live';
const base: BatchJobDecisionInput = {
  job: { name: 'nightly', solution: 'recs' },
  force: false,
  requested: [],
  solutionResult: { name: 'recs', status: 'DEPLOYED', solutionVersionArn: LIVE, trained: false },
  previous: [{ name: 'p-nightly-20260101000000', status: 'ACTIVE' }],
  jobName: 'p-nightly-20260201000000',
};

describe('the batch job decision', () => {
  test('skips a job that ran before when its solution kept its version, naming the last job', () => {
    // Act
    const decision = decideBatchJob(base);
    // Assess
    expect(decision).toEqual({
      action: 'skip',
      reason: 'solution "recs" got no new version in this run; last job p-nightly-20260101000000',
    });
  });

  test('runs when its solution got a new version that passed the gate, on that version', () => {
    const decision = decideBatchJob({
      ...base,
      solutionResult: { name: 'recs', status: 'TRAINED', solutionVersionArn: NEW, trained: true },
    });
    expect(decision).toEqual({
      action: 'start',
      reason: `solution "recs" got a new version in this run (${NEW})`,
      solutionVersionArn: NEW,
    });
  });

  test('skips a gated-out new version, saying so', () => {
    const decision = decideBatchJob({
      ...base,
      solutionResult: { name: 'recs', status: 'GATED_OUT', solutionVersionArn: NEW, trained: true },
    });
    expect(decision.action).toBe('skip');
    expect(decision.reason).toContain('the new version of solution "recs" did not pass the quality gate');
  });

  test('runs when forced or named by the run input (a batch schedule) even without a new version', () => {
    expect(decideBatchJob({ ...base, force: true })).toEqual(
      expect.objectContaining({ action: 'start', reason: 'forced by the run input' }),
    );
    expect(
      decideBatchJob({
        ...base,
        requested: ['nightly'],
        solutionResult: { name: 'recs', status: 'SKIPPED' },
      }),
    ).toEqual({ action: 'start', reason: 'requested by the run input (batchJobs)' });
  });

  test('runs a job that never ran, or only failed', () => {
    expect(decideBatchJob({ ...base, previous: [] }).action).toBe('start');
    expect(
      decideBatchJob({ ...base, previous: [{ name: 'p-nightly-20260101000000', status: 'CREATE FAILED' }] })
        .action,
    ).toBe('start');
  });

  test('counts a job still running from an earlier run as having run', () => {
    const decision = decideBatchJob({
      ...base,
      previous: [{ name: 'p-nightly-20260101000000', status: 'CREATE IN_PROGRESS' }],
    });
    expect(decision.action).toBe('skip');
  });

  test('returns the job this run already started (a retried step) instead of skipping it', () => {
    const decision = decideBatchJob({
      ...base,
      previous: [...base.previous, { name: base.jobName, status: 'CREATE PENDING' }],
    });
    expect(decision).toEqual(
      expect.objectContaining({ action: 'start', reason: 'already started by this run' }),
    );
  });

  test('says why when the solution was not selected or failed', () => {
    expect(decideBatchJob({ ...base, solutionResult: { name: 'recs', status: 'SKIPPED' } }).reason).toContain(
      'solution "recs" was not selected for this run',
    );
    expect(decideBatchJob({ ...base, solutionResult: { name: 'recs', status: 'FAILED' } }).reason).toContain(
      'solution "recs" failed in this run',
    );
  });
});

describe('the version a batch job runs on', () => {
  test('is the version a passing solution serves, or the live baseline of a gated-out one', () => {
    expect(vouchedVersion({ name: 'recs', status: 'DEPLOYED', solutionVersionArn: NEW })).toBe(NEW);
    expect(
      vouchedVersion({
        name: 'recs',
        status: 'GATED_OUT',
        solutionVersionArn: NEW,
        gate: {
          passed: false,
          reason: 'r',
          metric: 'm',
          metrics: {},
          baseline: { solutionVersionArn: LIVE },
        },
      }),
    ).toBe(LIVE);
    expect(vouchedVersion({ name: 'recs', status: 'FAILED' })).toBeUndefined();
    expect(vouchedVersion(undefined)).toBeUndefined();
  });
});

describe('the runs of a batch job', () => {
  test('are the jobs named <prefix><14-digit run id>, not those of a job whose name extends it', () => {
    expect(isRunOf('p-nightly-20260101000000', 'p-nightly-')).toBe(true);
    expect(isRunOf('p-nightly-2-20260101000000', 'p-nightly-')).toBe(false);
    expect(isRunOf('p-nightlyx-20260101000000', 'p-nightly-')).toBe(false);
  });
});

describe('a duplicate batch job', () => {
  const FILTER = 'arn:aws:personalize:us-east-1:123456789012:filter/p-no-purchased-1a2b3c4d';
  const INPUT = 's3://data/batch/nightly/input/';
  const started = {
    name: 'p-nightly-26020112345678',
    status: 'CREATE IN_PROGRESS',
    filterArn: FILTER,
    inputPath: INPUT,
  };

  test('is a job of another run on the same version with the same filter and input, running or finished', () => {
    // Act
    const running = findDuplicate({ jobs: [started], filterArn: FILTER, inputPath: INPUT, requested: false });
    const finished = findDuplicate({
      jobs: [{ ...started, status: 'ACTIVE' }],
      filterArn: FILTER,
      inputPath: 's3://data/batch/nightly/input',
      requested: false,
    });
    // Assess
    expect(running).toEqual(started);
    expect(finished?.status).toBe('ACTIVE');
  });

  test('is not a job that failed, or one with another filter or input', () => {
    // Act
    const found = findDuplicate({
      jobs: [
        { ...started, status: 'CREATE FAILED' },
        { ...started, filterArn: `${FILTER}x` },
        { ...started, inputPath: 's3://data/batch/other/input/' },
        { name: 'p-nightly-26020100000000', status: 'ACTIVE', inputPath: INPUT },
      ],
      filterArn: FILTER,
      inputPath: INPUT,
      requested: false,
    });
    // Assess
    expect(found).toBeUndefined();
  });

  test('stops a job the run input names only while the identical job is still running', () => {
    // Act
    const whileRunning = findDuplicate({
      jobs: [started],
      filterArn: FILTER,
      inputPath: INPUT,
      requested: true,
    });
    const afterwards = findDuplicate({
      jobs: [{ ...started, status: 'ACTIVE' }],
      filterArn: FILTER,
      inputPath: INPUT,
      requested: true,
    });
    // Assess
    expect(whileRunning).toEqual(started);
    expect(afterwards).toBeUndefined();
  });
});
