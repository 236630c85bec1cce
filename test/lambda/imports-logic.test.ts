import { decideImport, type ImportDecisionInput } from '../../lambda/pipeline/imports.logic';

const JOB = 'arn:aws:personalize:us-east-1:123456789012:dataset-import-job/p-interactions-20260101000000';
const base: ImportDecisionInput = {
  force: false,
  importMode: 'FULL',
  jobs: [{ arn: JOB, status: 'ACTIVE', createdAt: 1_000 }],
  objectsModifiedAt: [900],
  location: 's3://bucket/datasets/interactions/',
};

describe('the skip-import decision', () => {
  test('skips a dataset whose objects have not changed since the last ACTIVE import', () => {
    // Act
    const decision = decideImport(base);
    // Assess
    expect(decision.action).toBe('skip');
    expect(decision.reason).toContain(
      'no object at s3://bucket/datasets/interactions/ changed since import job',
    );
  });

  test('imports when an object was modified after the last ACTIVE import was created', () => {
    const decision = decideImport({ ...base, objectsModifiedAt: [900, 1_500] });
    expect(decision).toEqual(expect.objectContaining({ action: 'start', importMode: 'FULL' }));
    expect(decision.reason).toContain('1 object at');
  });

  test('imports with force even when nothing changed', () => {
    expect(decideImport({ ...base, force: true })).toEqual(
      expect.objectContaining({ action: 'start', reason: 'forced by the run input' }),
    );
  });

  test('imports a dataset that has no completed import yet, as FULL even when INCREMENTAL is configured', () => {
    const decision = decideImport({
      ...base,
      importMode: 'INCREMENTAL',
      jobs: [{ arn: JOB, status: 'CREATE FAILED', createdAt: 1_000 }],
    });
    expect(decision).toEqual(expect.objectContaining({ action: 'start', importMode: 'FULL' }));
  });

  test('uses the configured INCREMENTAL mode once a bulk import exists', () => {
    const decision = decideImport({ ...base, importMode: 'INCREMENTAL', objectsModifiedAt: [2_000] });
    expect(decision).toEqual(expect.objectContaining({ action: 'start', importMode: 'INCREMENTAL' }));
  });

  test('returns the running job instead of starting a second one, even with force', () => {
    const running = `${JOB}-2`;
    const decision = decideImport({
      ...base,
      force: true,
      jobs: [...base.jobs, { arn: running, status: 'CREATE IN_PROGRESS', createdAt: 2_000 }],
    });
    expect(decision).toEqual(expect.objectContaining({ action: 'reuse', jobArn: running }));
  });

  test('compares against the newest ACTIVE import, not an older one', () => {
    const decision = decideImport({
      ...base,
      jobs: [
        { arn: 'old', status: 'ACTIVE', createdAt: 100 },
        { arn: 'new', status: 'ACTIVE', createdAt: 1_000 },
      ],
      objectsModifiedAt: [500],
    });
    expect(decision.action).toBe('skip');
  });
});
