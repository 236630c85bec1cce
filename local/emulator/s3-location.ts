import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';

/** A parsed `s3://bucket/key` location. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** Thrown when a data location cannot be read; the message is a Personalize-style failure reason. */
export class DataLocationError extends Error {
  override readonly name = 'DataLocationError';

  /** @param missing the bucket or the data does not exist (as opposed to being unreadable or malformed) */
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
  }
}

/** Parses `s3://bucket/key`; anything else is "Invalid Data location." */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1])
    throw new DataLocationError(`Invalid Data location. ${url} is not an s3://bucket/key location.`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** Formats a location as `s3://bucket/key`. */
export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error
    ? String((error as { name: unknown }).name)
    : '';
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? [])
      if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/**
 * Resolves a data location to the objects it names: the object itself, or every object under the
 * folder when the location ends with `/` (or names no object but is a prefix of some).
 */
export async function resolveObjects(s3: S3Client, url: string): Promise<S3Location[]> {
  const { bucket, key } = parseS3Url(url);
  try {
    if (key === '' || key.endsWith('/')) {
      const keys = await listKeys(s3, bucket, key);
      if (keys.length === 0)
        throw new DataLocationError(`Invalid Data location. No files found under ${url}.`, true);
      return keys.map((k) => ({ bucket, key: k }));
    }
    const exact = await listKeys(s3, bucket, key);
    if (exact.includes(key)) return [{ bucket, key }];
    const folder = exact.filter((k) => k.startsWith(`${key}/`));
    if (folder.length > 0) return folder.map((k) => ({ bucket, key: k }));
    throw new DataLocationError(`Invalid Data location. ${url} does not exist.`, true);
  } catch (error) {
    if (error instanceof DataLocationError) throw error;
    const name = errorName(error);
    if (name === 'NoSuchBucket')
      throw new DataLocationError(`Invalid Data location. Bucket ${bucket} does not exist.`, true);
    if (name === 'AccessDenied')
      throw new DataLocationError('Insufficient privileges for accessing data in Amazon S3.');
    throw new DataLocationError(`Could not read ${url}: ${(error as Error).message}`);
  }
}

/** Opens an object as a stream. */
export async function openObject(s3: S3Client, location: S3Location): Promise<Readable> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return response.Body as Readable;
  } catch (error) {
    if (errorName(error) === 'AccessDenied')
      throw new DataLocationError('Insufficient privileges for accessing data in Amazon S3.');
    throw new DataLocationError(`Could not read ${s3Url(location)}: ${(error as Error).message}`);
  }
}

/** Reads an object fully as UTF-8 text. */
export async function readObjectText(s3: S3Client, location: S3Location): Promise<string> {
  const stream = await openObject(s3, location);
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
