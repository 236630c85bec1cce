import { parseSchema, type SchemaField } from '../../core/schema-rules';
import type { ResourceKind } from './arn';
import type { EmulatorContext, Quotas, RequestInfo } from './context';
import type { ResourceDocuments, StoredDatasetType } from './documents';
import {
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from './errors';
import { CREATING, DELETING, Status } from './lifecycle';
import type { ResourceOf } from './store';
import { listingOf, paginate, type RequestReader, type Tag } from './validation';

/** Human-readable resource labels used in error messages. */
export const LABELS: Record<ResourceKind, string> = {
  schema: 'Schema',
  datasetGroup: 'Dataset group',
  dataset: 'Dataset',
  datasetImportJob: 'Dataset import job',
  solution: 'Solution',
  solutionVersion: 'Solution version',
  campaign: 'Campaign',
  eventTracker: 'Event tracker',
  filter: 'Filter',
  batchInferenceJob: 'Batch inference job',
  batchSegmentJob: 'Batch segment job',
  campaignUpdate: 'Campaign update',
  solutionUpdate: 'Solution update',
  datasetUpdate: 'Dataset update',
  recommender: 'Recommender',
  recommenderUpdate: 'Recommender update',
  metricAttribution: 'Metric attribution',
};

/** A word with its indefinite article: `an Interactions`, `a Users`. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/**
 * The LimitExceededException for a quota that is reached, naming the quota so it can be raised
 * (`--quota name=value`, or `quotas` in code).
 * @param noun the resource being created, singular (`campaign`)
 * @param scope what the quota counts beyond the noun, e.g. ` in dataset group arn:...`
 */
export function quotaReached(
  ctx: EmulatorContext,
  quota: keyof Quotas,
  noun: string,
  scope = '',
): LimitExceededException {
  const limit = ctx.quotas[quota];
  return new LimitExceededException(
    `Cannot create ${withArticle(noun)}: the limit of ${limit} ${limit === 1 ? noun : `${noun}s`}${scope} is reached (quota ${quota}).`,
  );
}

/** The public view of a stored resource: its doc without hidden members, plus status and timestamps. */
export function render(row: ResourceOf<ResourceKind>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.doc))
    if (!key.startsWith('_') && value !== undefined) out[key] = value;
  if (row.status !== null) out.status = row.status;
  out.creationDateTime = row.createdAt;
  out.lastUpdatedDateTime = row.updatedAt;
  return out;
}

/** Picks members of a rendered resource (for list summaries). */
export function pick(view: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (view[key] !== undefined) out[key] = view[key];
  return out;
}

/** Loads a resource of a given kind or throws ResourceNotFoundException. */
export function requireResource<K extends ResourceKind>(
  ctx: EmulatorContext,
  arn: string,
  kind: K,
): ResourceOf<K> {
  const row = ctx.store.getResource(arn, kind);
  if (!row) throw new ResourceNotFoundException(`${LABELS[kind]} ${arn} does not exist.`);
  return row;
}

/** Throws ResourceInUseException unless the resource is ACTIVE. */
export function requireActive<K extends ResourceKind>(row: ResourceOf<K>): ResourceOf<K> {
  if (row.status !== Status.ACTIVE) {
    throw new ResourceInUseException(
      `${LABELS[row.kind]} ${row.arn} is not in ACTIVE state (current status: ${row.status}).`,
    );
  }
  return row;
}

/** Throws ResourceAlreadyExistsException when the ARN is taken. */
export function requireFreeArn(ctx: EmulatorContext, arn: string, kind: ResourceKind, name: string): void {
  if (ctx.store.getResource(arn))
    throw new ResourceAlreadyExistsException(`${LABELS[kind]} with name ${name} already exists (${arn}).`);
}

/** What to create. */
export interface NewResourceSpec<K extends ResourceKind> {
  readonly kind: K;
  readonly arn: string;
  readonly name: string;
  readonly parentArn?: string | null;
  readonly groupArn?: string | null;
  readonly doc: ResourceDocuments[K];
  readonly tags?: readonly Tag[];
  /** Whether the resource goes through CREATE PENDING → ... → ACTIVE. @default true */
  readonly lifecycle?: boolean;
}

/** Creates a resource (status CREATE PENDING unless it has no lifecycle) and schedules its progress. */
export function createResource<K extends ResourceKind>(
  ctx: EmulatorContext,
  req: RequestInfo,
  spec: NewResourceSpec<K>,
): ResourceOf<K> {
  const now = ctx.now();
  const lifecycle = spec.lifecycle ?? true;
  const doc: ResourceDocuments[K] =
    req.failResource !== undefined && lifecycle ? { ...spec.doc, _failResource: req.failResource } : spec.doc;
  const row = ctx.store.transaction(() => {
    const inserted = ctx.store.insertResource({
      kind: spec.kind,
      arn: spec.arn,
      name: spec.name,
      parentArn: spec.parentArn ?? null,
      groupArn: spec.groupArn ?? null,
      status: lifecycle ? Status.CREATE_PENDING : null,
      doc,
      createdAt: now,
      updatedAt: now,
      nextAt: lifecycle ? ctx.lifecycle.pendingUntil(spec.kind) : null,
    });
    if (spec.tags && spec.tags.length > 0) ctx.store.putTags(spec.arn, spec.tags);
    return inserted;
  });
  if (lifecycle) ctx.lifecycle.wake();
  return row;
}

/** Moves a resource to DELETE PENDING; the lifecycle removes it. */
export function beginDelete<K extends ResourceKind>(ctx: EmulatorContext, row: ResourceOf<K>): void {
  if (row.status !== null && DELETING.has(row.status)) return;
  ctx.store.updateResource(row, {
    status: Status.DELETE_PENDING,
    updatedAt: ctx.now(),
    nextAt: ctx.lifecycle.pendingUntil(row.kind),
  });
  ctx.lifecycle.wake();
}

/** Whether a resource is still being created (CREATE PENDING, CREATE IN_PROGRESS or CREATE STOPPING). */
export function isCreating(row: ResourceOf<ResourceKind>): boolean {
  return row.status !== null && CREATING.has(row.status);
}

/** Throws ResourceInUseException while a resource is being created (it cannot be deleted yet). */
export function requireCreated(row: ResourceOf<ResourceKind>): void {
  if (isCreating(row))
    throw new ResourceInUseException(
      `${LABELS[row.kind]} ${row.arn} is being created (status: ${row.status}).`,
    );
}

/** Whether a resource counts as existing for quotas and child checks (not being deleted). */
export function isLive(row: ResourceOf<ResourceKind>): boolean {
  return row.status === null || !DELETING.has(row.status);
}

/**
 * One page of a List operation: `{ [key]: summaries, nextToken? }`. Its `nextToken` is valid only for the
 * same listing: the same result key and the same `selectors` (the request members that choose the rows,
 * e.g. the dataset group ARN), so a token from one listing is InvalidNextTokenException in another.
 */
export function listPage<K extends ResourceKind>(
  input: RequestReader,
  rows: readonly ResourceOf<K>[],
  key: string,
  summary: (row: ResourceOf<K>) => Record<string, unknown>,
  selectors: readonly (string | undefined)[] = [],
): Record<string, unknown> {
  const maxResults = input.maxResults();
  const listing = listingOf(key, selectors);
  const offset = input.offset(listing);
  const { page, nextToken } = paginate(rows, offset, maxResults, listing);
  return { [key]: page.map(summary), ...(nextToken ? { nextToken } : {}) };
}

/** The datasets of a dataset group by type (`INTERACTIONS`, `ITEMS`, `USERS`). */
export function groupDatasets(
  ctx: EmulatorContext,
  groupArn: string,
): Map<StoredDatasetType, ResourceOf<'dataset'>> {
  const map = new Map<StoredDatasetType, ResourceOf<'dataset'>>();
  for (const d of ctx.store.listResources('dataset', { groupArn })) map.set(d.doc.datasetType, d);
  return map;
}

/** The fields of a dataset's current schema, or undefined when the schema no longer exists. */
export function schemaFieldsOf(
  ctx: EmulatorContext,
  dataset: ResourceOf<'dataset'>,
): readonly SchemaField[] | undefined {
  const schema = ctx.store.getResource(dataset.doc.schemaArn, 'schema');
  return schema ? parseSchema(schema.doc.schema).fields : undefined;
}
