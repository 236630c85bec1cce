/**
 * A batch segment job end to end: a run of the sample project with an Item-Affinity solution and a `segment`
 * batch job added (in the run's inline config, so the sample config and every other run stay as they are)
 * trains the solution, starts the job through the pipeline's batch-job step, and the emulator writes
 * Personalize's segment output next to the job's input in the data bucket.
 */
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeBatchSegmentJobCommand, ListBatchSegmentJobsCommand } from '@aws-sdk/client-personalize';
import { batchJobPrefixes } from '../../core/names';
import { columnValues } from '../../local/harness/data-folder';
import { END_TO_END_TIMEOUT_MS, inlineConfig, pipelineFixture, succeeded } from './helpers';

test(
  'a run with an aws-item-affinity solution and a segment job writes the segments to S3',
  async () => {
    // Prepare
    const fx = await pipelineFixture();
    const s3 = new S3Client({ forcePathStyle: true });
    const prefixes = batchJobPrefixes('item-segments');
    const items = columnValues([join(fx.sampleDir, 'items.csv')], 'ITEM_ID', 100);
    const input = `${items.map((itemId) => JSON.stringify({ itemId })).join('\n')}\n`;
    await s3.send(
      new PutObjectCommand({
        Bucket: fx.project.bucketName,
        Key: `${prefixes.input}input.json`,
        Body: input,
      }),
    );
    const config = inlineConfig(fx.config, (c) => {
      (c.solutions as unknown[]).push({ name: 'segments', recipe: 'aws-item-affinity' });
      (c.batchJobs as unknown[]).push({
        name: 'item-segments',
        type: 'segment',
        solution: 'segments',
        numResults: 20,
      });
    });

    // Act
    const outcome = await fx.pipeline.run({ config });

    // Assess
    succeeded(outcome);
    const jobs = (await fx.personalize.send(new ListBatchSegmentJobsCommand({}))).batchSegmentJobs ?? [];
    expect(jobs).toHaveLength(1);
    const { batchSegmentJob } = await fx.personalize.send(
      new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: jobs[0]?.batchSegmentJobArn }),
    );
    expect(batchSegmentJob).toMatchObject({ status: 'ACTIVE', numResults: 20 });
    const outputPath = batchSegmentJob?.jobOutput?.s3DataDestination?.path ?? '';
    expect(outputPath).toMatch(new RegExp(`^s3://${fx.project.bucketName}/${prefixes.output}`));
    const outputKey = `${outputPath.replace(`s3://${fx.project.bucketName}/`, '')}input.json.out`;
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: fx.project.bucketName, Prefix: prefixes.output }),
    );
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([outputKey]);
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: fx.project.bucketName, Key: outputKey }))
    ).Body?.transformToString();
    const lines = (body ?? '')
      .trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { input: { itemId: string }; output: { recommendedUsers: string[] } },
      );
    expect(lines.map((l) => l.input.itemId)).toEqual(
      input
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { itemId: string }).itemId),
    );
    const answered = lines.filter((l) => l.output.recommendedUsers.length > 0);
    expect(answered.length).toBeGreaterThan(lines.length / 2);
    expect(answered.every((l) => l.output.recommendedUsers.length <= 20)).toBe(true);
    s3.destroy();
  },
  END_TO_END_TIMEOUT_MS,
);
