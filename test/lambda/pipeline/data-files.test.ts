/**
 * A dataset's data files: which keys under a data location are data (pure), and the listing of them in a
 * bucket (against moto).
 */
import { dataFiles, listDataFiles } from '../../../lambda/pipeline/data-files';
import { BUCKET, putObjects, s3 } from '../helpers';

describe('the data files of a data location', () => {
  test('takes a single key, or the CSV files under a folder', () => {
    const keys = ['d/a.csv', 'd/b.CSV', 'd/readme.txt', 'd2/c.csv', 'file.csv'];
    expect(dataFiles('d/', keys)).toEqual(['d/a.csv', 'd/b.CSV']);
    expect(dataFiles('d', keys)).toEqual(['d/a.csv', 'd/b.CSV']);
    expect(dataFiles('file.csv', keys)).toEqual(['file.csv']);
    expect(dataFiles('missing/', keys)).toEqual([]);
  });

  test('are listed from the bucket in key order, with their sizes, without the other objects under the prefix', async () => {
    // Prepare
    await putObjects({
      'listing/b.csv': 'b,b\n',
      'listing/a.csv': 'a\n',
      'listing/notes.txt': 'not data',
      'listing-other/c.csv': 'c\n',
    });
    const client = s3();
    // Act
    const files = await listDataFiles(client, BUCKET, 'listing/');
    client.destroy();
    // Assess
    expect(files.map((f) => [f.Key, f.Size])).toEqual([
      ['listing/a.csv', 2],
      ['listing/b.csv', 4],
    ]);
  });
});
