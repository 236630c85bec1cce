/**
 * The imports handler against moto and the emulator: one job per dataset and never a second one, each tagged
 * with the fingerprint of its data, so unchanged or identical re-uploaded data is skipped and changed data
 * imported again.
 */
import { ListDatasetImportJobsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-personalize';
import { pollUntilDone, putObjects } from '../helpers';
import { PROJECT, project, TEST_DATA, world } from './fixture';

describe('the imports handler', () => {
  test('imports starts one job per dataset, never a second one, and later skips unchanged data', async () => {
    // Prepare
    const { h, personalize } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { datasetArns } = await p.datasets();
    // Act
    const first = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: run.runId,
    });
    const rerun = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: run.runId,
    });
    await pollUntilDone(
      h.poll,
      'imports',
      first.jobArns.map((arn) => ({ kind: 'datasetImportJob' as const, arn })),
    );
    const later = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: '20990101000000',
    });
    // Assess
    expect(first.imports.map((i) => i.datasetType)).toEqual(['interactions', 'items']);
    expect(first.jobArns).toEqual([
      `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${PROJECT}-interactions-${run.runId}`,
      `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${PROJECT}-items-${run.runId}`,
    ]);
    expect(rerun.jobArns.filter((arn) => !first.jobArns.includes(arn))).toEqual([]);
    const jobs = await personalize.send(
      new ListDatasetImportJobsCommand({ datasetArn: datasetArns.interactions }),
    );
    expect(jobs.datasetImportJobs).toHaveLength(1);
    expect(first.targets).toEqual(first.jobArns.map((arn) => ({ kind: 'datasetImportJob', arn })));
    expect(later.jobArns).toEqual([]);
    expect(later.targets).toEqual([]);
    expect(later.imports.every((i) => i.skipped?.includes('is unchanged since import job'))).toBe(true);
  });

  test('imports tags each job with its data fingerprint, and skips identical data uploaded again', async () => {
    // Prepare: a first import, then the same files again (new LastModified, same content)
    const { h, personalize } = await world();
    const p = project('reupload');
    const run = await p.run();
    const { datasetArns } = await p.datasets();
    await p.imported();
    await p.upload();
    const [jobArn] = (
      await personalize.send(new ListDatasetImportJobsCommand({ datasetArn: datasetArns.interactions }))
    ).datasetImportJobs?.map((j) => j.datasetImportJobArn) ?? [''];
    // Act
    const reuploaded = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: '20990101000001',
    });
    // Assess
    const tags = await personalize.send(new ListTagsForResourceCommand({ resourceArn: jobArn }));
    expect(tags.tags).toEqual(
      expect.arrayContaining([
        { tagKey: 'team', tagValue: 'recs' },
        {
          tagKey: 'personalize-pipeline:data-fingerprint',
          tagValue: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ]),
    );
    expect(reuploaded.jobArns).toEqual([]);
    expect(reuploaded.imports.every((i) => i.skipped?.includes('same fingerprint'))).toBe(true);
  });

  test('imports starts a job for a dataset whose content changed, tagged with the new fingerprint', async () => {
    // Prepare: a first import, then the items again with a trailing empty line: different content (ETag and
    // size) for S3
    const { h, personalize } = await world();
    const p = project('changed-data');
    const run = await p.run();
    const { datasetArns } = await p.datasets();
    await p.imported();
    await putObjects({ [p.dataKey('items')]: `${TEST_DATA.items}\n` });
    // Act
    const changed = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: '20990101000002',
    });
    await pollUntilDone(
      h.poll,
      'imports',
      changed.jobArns.map((arn) => ({ kind: 'datasetImportJob' as const, arn })),
    );
    // Assess
    expect(changed.imports.find((i) => i.datasetType === 'interactions')?.skipped).toContain(
      'same fingerprint',
    );
    const itemsImport = changed.imports.find((i) => i.datasetType === 'items');
    expect(itemsImport?.jobArn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${p.name}-items-20990101000002`,
    );
    const tags = await personalize.send(new ListTagsForResourceCommand({ resourceArn: itemsImport?.jobArn }));
    const first = await personalize.send(
      new ListTagsForResourceCommand({
        resourceArn: `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${p.name}-items-${run.runId}`,
      }),
    );
    const fingerprintOf = (list: typeof tags.tags) =>
      list?.find((t) => t.tagKey === 'personalize-pipeline:data-fingerprint')?.tagValue;
    expect(fingerprintOf(tags.tags)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(tags.tags)).not.toBe(fingerprintOf(first.tags));
  });
});
