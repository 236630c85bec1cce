/**
 * S3 reads shared by the handlers. The List command is sent here, so every handler that imports this
 * module holds `s3:ListBucket` on the data bucket.
 */
import { ListObjectsV2Command, type _Object, type S3Client } from '@aws-sdk/client-s3';

/** Every object under a prefix, following ListObjectsV2's continuation tokens to the last page. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<_Object[]> {
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects;
}
