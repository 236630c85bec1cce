/**
 * ARNs exactly as Amazon Personalize builds them: `arn:aws:personalize:{region}:{account}:{suffix}`.
 * Service-owned resources (recipes, algorithms, feature transformations) have no region or account.
 */

/** Region, account and partition a running emulator pretends to be in. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Kinds of resources the emulator stores. */
export type ResourceKind =
  | 'schema'
  | 'datasetGroup'
  | 'dataset'
  | 'datasetImportJob'
  | 'solution'
  | 'solutionVersion'
  | 'campaign'
  | 'eventTracker'
  | 'filter'
  | 'batchInferenceJob'
  | 'batchSegmentJob'
  | 'campaignUpdate'
  | 'solutionUpdate'
  | 'datasetUpdate'
  | 'recommender'
  | 'recommenderUpdate'
  | 'metricAttribution';

/** Every resource kind (the object makes the compiler check the list is complete). */
export const RESOURCE_KINDS: readonly ResourceKind[] = Object.keys({
  schema: true,
  datasetGroup: true,
  dataset: true,
  datasetImportJob: true,
  solution: true,
  solutionVersion: true,
  campaign: true,
  eventTracker: true,
  filter: true,
  batchInferenceJob: true,
  batchSegmentJob: true,
  campaignUpdate: true,
  solutionUpdate: true,
  datasetUpdate: true,
  recommender: true,
  recommenderUpdate: true,
  metricAttribution: true,
} satisfies Record<ResourceKind, true>) as ResourceKind[];

/** The ARN path segment of each named resource kind. */
const SEGMENT: Partial<Record<ResourceKind, string>> = {
  schema: 'schema',
  datasetGroup: 'dataset-group',
  datasetImportJob: 'dataset-import-job',
  solution: 'solution',
  campaign: 'campaign',
  eventTracker: 'event-tracker',
  filter: 'filter',
  batchInferenceJob: 'batch-inference-job',
  batchSegmentJob: 'batch-segment-job',
  recommender: 'recommender',
  metricAttribution: 'metric-attribution',
};

function prefix(scope: ArnScope): string {
  return `arn:${scope.partition}:personalize:${scope.region}:${scope.account}:`;
}

/** ARN of a resource addressed by its name (schema, dataset group, solution, campaign, ...). */
export function namedArn(scope: ArnScope, kind: ResourceKind, name: string): string {
  const segment = SEGMENT[kind];
  if (!segment) throw new Error(`resource kind ${kind} is not addressed by name`);
  return `${prefix(scope)}${segment}/${name}`;
}

/** `dataset/{datasetGroupName}/{TYPE}`: the dataset's own name is not part of its ARN. */
export function datasetArn(scope: ArnScope, datasetGroupName: string, datasetType: string): string {
  return `${prefix(scope)}dataset/${datasetGroupName}/${datasetType.toUpperCase()}`;
}

/** `solution/{solutionName}/{versionId}`. */
export function solutionVersionArn(solutionArn: string, versionId: string): string {
  return `${solutionArn}/${versionId}`;
}

/** A short opaque id like the ones Personalize uses for solution versions (8 hex chars). */
export function shortId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 8; i += 1) id += Math.floor(random() * 16).toString(16);
  return id;
}

/** Suffix Personalize accepts in place of a version id to mean "the newest ACTIVE version". */
export const LATEST_SUFFIX = '/$LATEST';
