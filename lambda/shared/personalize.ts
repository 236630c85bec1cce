/**
 * Helpers around the Personalize control plane: describe-or-undefined, pagination, ARNs built from
 * names, tags, timestamps and status sets. Throttling and quota errors are never caught here.
 */
import type { PersonalizeClient, Tag } from '@aws-sdk/client-personalize';
import { requireEnv } from './env';

/** What a step that only calls the Personalize control plane works with. */
export interface PersonalizeDeps {
  readonly personalize: PersonalizeClient;
}

/** Personalize statuses in which a resource is still being created. */
export const CREATING_STATUSES: ReadonlySet<string> = new Set([
  'CREATE PENDING',
  'CREATE IN_PROGRESS',
  'CREATE STOPPING',
]);
/** Personalize statuses in which a resource is being deleted. */
export const DELETING_STATUSES: ReadonlySet<string> = new Set(['DELETE PENDING', 'DELETE IN_PROGRESS']);
/** Terminal failure statuses. */
export const FAILED_STATUSES: ReadonlySet<string> = new Set(['CREATE FAILED', 'CREATE STOPPED']);

/** True for the SDK's ResourceNotFoundException. */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

/** True for the SDK's ResourceAlreadyExistsException. */
export function isAlreadyExists(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceAlreadyExistsException';
}

/** True for the SDK's ResourceInUseException. */
export function isInUse(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceInUseException';
}

/** Runs a Describe call; `undefined` when the resource does not exist. Other errors propagate. */
export async function describeOrUndefined<T>(describe: () => Promise<T>): Promise<T | undefined> {
  try {
    return await describe();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** One page of a List call: its items and the token of the next page. */
export interface Page<Item> {
  readonly items: readonly Item[] | undefined;
  readonly nextToken?: string | undefined;
}

/**
 * Collects every item of a paginated List call. The List command is constructed at the call site,
 * not here, so the IAM actions a handler sends can be read from its own source.
 */
export async function listAll<Item>(
  fetchPage: (nextToken: string | undefined) => Promise<Page<Item>>,
): Promise<Item[]> {
  const items: Item[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    items.push(...(page.items ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return items;
}

/** Partition, region and account of Personalize ARNs. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** The scope of any regional Personalize ARN, e.g. a dataset group ARN passed in the event. */
export function scopeOfArn(arn: string): ArnScope {
  const [prefix, partition, service, region, account] = arn.split(':');
  if (prefix !== 'arn' || service !== 'personalize' || !partition || !region || !account) {
    throw new Error(`"${arn}" is not a regional Amazon Personalize ARN.`);
  }
  return { partition, region, account };
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The scope of the function itself: the region from `AWS_REGION` (set by Lambda) and the account from `ACCOUNT_ID`. */
export function scopeFromEnv(env: NodeJS.ProcessEnv = process.env): ArnScope {
  const region = requireEnv('AWS_REGION', env);
  const account = requireEnv('ACCOUNT_ID', env);
  return { partition: partitionOf(region), region, account };
}

/** Builds the ARN of a resource addressed by name, e.g. `personalizeArn(scope, 'campaign', 'shop-recs-sims')`. */
export function personalizeArn(scope: ArnScope, segment: ArnSegment, name: string): string {
  return `arn:${scope.partition}:personalize:${scope.region}:${scope.account}:${segment}/${name}`;
}

/** ARN path segments of resources addressed by name. */
export type ArnSegment =
  | 'schema'
  | 'dataset-group'
  | 'dataset-import-job'
  | 'solution'
  | 'campaign'
  | 'event-tracker'
  | 'filter'
  | 'batch-inference-job'
  | 'batch-segment-job'
  | 'recommender'
  | 'metric-attribution';

/** `dataset/{datasetGroupName}/{TYPE}`: datasets are addressed by group and type, not by name. */
export function datasetArnOf(datasetGroupArn: string, datasetType: string): string {
  const groupName = datasetGroupArn.slice(datasetGroupArn.lastIndexOf('/') + 1);
  const scope = scopeOfArn(datasetGroupArn);
  return `arn:${scope.partition}:personalize:${scope.region}:${scope.account}:dataset/${groupName}/${datasetType.toUpperCase()}`;
}

/** Config tags as Personalize tags. */
export function toTags(tags: Readonly<Record<string, string>> | undefined): Tag[] {
  return Object.entries(tags ?? {}).map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
}

/** A `Date` (as the SDK returns timestamps) in epoch seconds; 0 when absent. */
export function epochSeconds(date: Date | undefined): number {
  return date === undefined ? 0 : date.getTime() / 1000;
}

/** The `tags` member of a Create request: present only when the config has tags. */
export function tagged(tags: Readonly<Record<string, string>> | undefined): { tags?: Tag[] } {
  const list = toTags(tags);
  return list.length > 0 ? { tags: list } : {};
}
