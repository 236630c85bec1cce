import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { ImportsEvent } from '../../../core/pipeline-contract';
import {
  dataFingerprint,
  decideImport,
  startImports,
  type ImportDecisionInput,
} from '../../../lambda/pipeline/imports.logic';
import { BUCKET, putObjects, ROLE_ARN, s3 } from '../helpers';

const JOB = 'arn:aws:personalize:us-east-1:123456789012:dataset-import-job/p-interactions-20260101000000';
const base: ImportDecisionInput = {
  force: false,
  importMode: 'FULL',
  jobs: [{ arn: JOB, status: 'ACTIVE', createdAt: 1_000 }],
  objectsModifiedAt: [900],
  fingerprint: 'f'.repeat(64),
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

describe('the data fingerprint', () => {
  const objects = [
    { key: 'datasets/interactions/b.csv', etag: '"bbb"', size: 20 },
    { key: 'datasets/interactions/a.csv', etag: '"aaa"', size: 10 },
  ];

  test('is a SHA-256 over the sorted key:ETag:size lines, whatever the listing order', () => {
    // Act
    const fingerprint = dataFingerprint(objects);
    // Assess
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(dataFingerprint([...objects].reverse())).toBe(fingerprint);
  });

  test("changes when an object's content (ETag), size or key changes, or an object is added", () => {
    const fingerprint = dataFingerprint(objects);
    const [b, a] = objects as [(typeof objects)[0], (typeof objects)[0]];
    expect(dataFingerprint([b, { ...a, etag: '"abc"' }])).not.toBe(fingerprint);
    expect(dataFingerprint([b, { ...a, size: 11 }])).not.toBe(fingerprint);
    expect(dataFingerprint([b, { ...a, key: 'datasets/interactions/c.csv' }])).not.toBe(fingerprint);
    expect(
      dataFingerprint([...objects, { key: 'datasets/interactions/d.csv', etag: '"d"', size: 1 }]),
    ).not.toBe(fingerprint);
  });

  test('uses the stored content checksum instead of the ETag, which SSE-KMS uploads change on every upload', () => {
    // Prepare: the same content uploaded twice to a KMS-encrypted bucket: new ETags, same checksum.
    const first = objects.map((o) => ({ ...o, checksum: `CRC64NVME:${o.key.length}` }));
    const second = first.map((o) => ({ ...o, etag: `"${o.etag.replace(/"/g, '')}-reuploaded"` }));
    // Act + Assess
    expect(dataFingerprint(second)).toBe(dataFingerprint(first));
    const [a, b] = first as [(typeof first)[0], (typeof first)[0]];
    expect(dataFingerprint([{ ...a, checksum: 'CRC64NVME:other' }, b])).not.toBe(dataFingerprint(first));
  });
});

describe('the skip-import decision with fingerprints', () => {
  const tagged = (fingerprint: string): ImportDecisionInput => ({
    ...base,
    jobs: [{ arn: JOB, status: 'ACTIVE', createdAt: 1_000, fingerprint }],
  });

  test('skips identical data uploaded again after the last import (same fingerprint, newer LastModified)', () => {
    // Prepare
    const input = { ...tagged(base.fingerprint), objectsModifiedAt: [5_000] };
    // Act
    const decision = decideImport(input);
    // Assess
    expect(decision.action).toBe('skip');
    expect(decision.reason).toContain(
      `the data at s3://bucket/datasets/interactions/ is unchanged since import job ${JOB}`,
    );
  });

  test('imports data whose fingerprint differs, even when no object is newer than the last import', () => {
    const decision = decideImport({ ...tagged('0'.repeat(64)), objectsModifiedAt: [900] });
    expect(decision).toEqual(expect.objectContaining({ action: 'start', importMode: 'FULL' }));
    expect(decision.reason).toContain(`differs from what import job ${JOB} imported`);
  });

  test('compares with the newest ACTIVE job only, and falls back to LastModified when it has no tag', () => {
    const decision = decideImport({
      ...base,
      jobs: [
        { arn: 'old', status: 'ACTIVE', createdAt: 100, fingerprint: base.fingerprint },
        { arn: 'new', status: 'ACTIVE', createdAt: 1_000 },
      ],
      objectsModifiedAt: [2_000],
    });
    expect(decision).toEqual(expect.objectContaining({ action: 'start' }));
    expect(decision.reason).toContain('1 object at');
  });

  test('force still imports unchanged data, and a running job is still reused', () => {
    expect(decideImport({ ...tagged(base.fingerprint), force: true }).action).toBe('start');
    const decision = decideImport({
      ...tagged(base.fingerprint),
      jobs: [
        { arn: JOB, status: 'ACTIVE', createdAt: 1_000, fingerprint: base.fingerprint },
        { arn: 'running', status: 'CREATE PENDING', createdAt: 2_000 },
      ],
    });
    expect(decision).toEqual(expect.objectContaining({ action: 'reuse', jobArn: 'running' }));
  });

  test('skips a dataset with no data objects', () => {
    expect(decideImport({ ...tagged(base.fingerprint), objectsModifiedAt: [] }).action).toBe('skip');
  });
});

describe('an import another run starts at the same time', () => {
  test('is waited for when Personalize refuses a second job for the dataset', async () => {
    // Prepare: the dataset has no job when listed; another run's job starts before ours is created
    await putObjects({ 'import-race/interactions.csv': 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1700000000\n' });
    const datasetArn = 'arn:aws:personalize:us-east-1:123456789012:dataset/race/INTERACTIONS';
    const theirs =
      'arn:aws:personalize:us-east-1:123456789012:dataset-import-job/race-interactions-26120500000001';
    const answers: Record<string, unknown[]> = {
      ListDatasetImportJobsCommand: [
        { datasetImportJobs: [] },
        { datasetImportJobs: [{ datasetImportJobArn: theirs, status: 'CREATE PENDING' }] },
      ],
      CreateDatasetImportJobCommand: [
        Object.assign(
          new Error(`Dataset ${datasetArn} already has an import job in status CREATE PENDING (${theirs}).`),
          { name: 'ResourceInUseException' },
        ),
      ],
    };
    const personalize = {
      send: async (command: object) => {
        const answer = answers[command.constructor.name]?.shift();
        if (answer === undefined) throw new Error(`unexpected ${command.constructor.name}`);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    } as unknown as PersonalizeClient;
    const event = {
      config: {
        projectName: 'race',
        tags: {},
        datasets: { interactions: { dataLocation: 'import-race/interactions.csv', importMode: 'FULL' } },
      },
      options: { force: false, solutions: [], batchJobs: [] },
      datasetArns: { interactions: datasetArn },
      runId: '26120500000002',
    } as unknown as ImportsEvent;
    const client = s3();
    // Act
    const result = await startImports(event, {
      personalize,
      s3: client,
      bucket: BUCKET,
      personalizeRoleArn: ROLE_ARN,
    });
    client.destroy();
    // Assess
    expect(result.imports).toEqual([{ datasetType: 'interactions', datasetArn, jobArn: theirs }]);
    expect(result.targets).toEqual([{ kind: 'datasetImportJob', arn: theirs }]);
  });
});
