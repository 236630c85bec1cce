/** The S3 listing every handler uses, against moto. */
import { listObjects } from '../../../lambda/shared/s3';
import { BUCKET, putObjects, s3 } from '../helpers';

describe('listObjects', () => {
  test('follows continuation tokens past the first page of 1000 keys', async () => {
    // Prepare: 1001 keys under the prefix and one beside it
    const objects: Record<string, string> = { 'paged-other/x': 'x' };
    for (let i = 0; i < 1001; i += 1) objects[`paged/${String(i).padStart(4, '0')}`] = '';
    await putObjects(objects);
    const client = s3();
    // Act
    const listed = await listObjects(client, BUCKET, 'paged/');
    client.destroy();
    // Assess
    expect(listed).toHaveLength(1001);
    expect(listed.at(-1)?.Key).toBe('paged/1000');
    expect(listed.some((o) => o.Key === 'paged-other/x')).toBe(false);
  });

  test('lists nothing under a prefix without objects', async () => {
    // Prepare
    await putObjects({});
    const client = s3();
    // Act
    const listed = await listObjects(client, BUCKET, 'nothing-here/');
    client.destroy();
    // Assess
    expect(listed).toEqual([]);
  });
});
