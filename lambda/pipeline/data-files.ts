/**
 * A dataset's data files in S3, shared by `validate` and `imports`; kept apart from validate.logic.ts so that
 * `imports` does not bundle the config parser (zod) it never uses.
 */
import type { _Object, S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../shared/s3';

/** Which objects under a data location are the dataset's data files: the object itself, or its `.csv` objects. */
export function dataFiles(dataLocation: string, keys: readonly string[]): string[] {
  if (keys.includes(dataLocation) && !dataLocation.endsWith('/')) return [dataLocation];
  const prefix = dataLocation.endsWith('/') ? dataLocation : `${dataLocation}/`;
  return keys.filter((key) => key.startsWith(prefix) && key.toLowerCase().endsWith('.csv')).sort();
}

/** The data files of a data location in a bucket, in key order. */
export async function listDataFiles(s3: S3Client, bucket: string, dataLocation: string): Promise<_Object[]> {
  const objects = await listObjects(s3, bucket, dataLocation);
  const byKey = new Map(objects.map((object) => [object.Key ?? '', object]));
  return dataFiles(dataLocation, [...byKey.keys()]).flatMap((key) => byKey.get(key) ?? []);
}
