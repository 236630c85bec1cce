import type { DatasetType, Domain } from '../../core/schema-rules';

/**
 * The stored document of each resource kind: the members of its Describe shape as the emulator keeps
 * them in the `doc` column (JSON). Status and timestamps live in their own columns; members whose name
 * starts with `_` are hidden and never rendered. The member names are the wire names, so a document is
 * rendered as it is stored, and state written by earlier versions loads unchanged.
 */

/** Members any document may carry once its lifecycle has run. */
export interface LifecycleMembers {
  /** Why the resource ended in `CREATE FAILED`. */
  readonly failureReason?: string;
  /** Hidden: a fault-injected failure reason; the lifecycle fails the resource with it instead of doing the work. */
  readonly _failResource?: string;
}

/** `datasetType` as stored and rendered: the canonical type in upper case, e.g. `INTERACTIONS`. */
export type StoredDatasetType = Uppercase<DatasetType>;

/** The stored form of a dataset type. */
export function storedDatasetType(type: DatasetType): StoredDatasetType {
  return type.toUpperCase() as StoredDatasetType;
}

/** A schema (no lifecycle: it exists once created). */
export interface SchemaDoc extends LifecycleMembers {
  readonly name: string;
  readonly schemaArn: string;
  /** The Avro schema JSON as sent. */
  readonly schema: string;
  readonly domain?: Domain;
}

/** A dataset group. */
export interface DatasetGroupDoc extends LifecycleMembers {
  readonly name: string;
  readonly datasetGroupArn: string;
  readonly roleArn?: string;
  readonly kmsKeyArn?: string;
  readonly domain?: Domain;
}

/** A dataset. */
export interface DatasetDoc extends LifecycleMembers {
  readonly name: string;
  readonly datasetArn: string;
  readonly datasetGroupArn: string;
  readonly datasetType: StoredDatasetType;
  /** Replaced when a dataset update becomes ACTIVE. */
  readonly schemaArn: string;
  /** Action interactions datasets only. */
  readonly trackingId?: string;
}

/** A pending or finished UpdateDataset (served as `latestDatasetUpdate`). */
export interface DatasetUpdateDoc extends LifecycleMembers {
  readonly schemaArn: string;
}

/** A dataset import job. */
export interface DatasetImportJobDoc extends LifecycleMembers {
  readonly jobName: string;
  readonly datasetImportJobArn: string;
  readonly datasetArn: string;
  readonly dataSource: { readonly dataLocation: string };
  readonly roleArn?: string;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  readonly publishAttributionMetricsToS3: boolean;
}

/**
 * `solutionConfig`: the members the emulator reads. Other members (e.g. `hpoConfig`) are stored and
 * rendered as they were sent.
 */
export interface SolutionConfig {
  readonly algorithmHyperParameters?: Readonly<Record<string, string>>;
  readonly featureTransformationParameters?: Readonly<Record<string, string>>;
  /** A number written as a string. */
  readonly eventValueThreshold?: string;
  readonly autoTrainingConfig?: { readonly schedulingExpression?: string };
}

/** A solution. */
export interface SolutionDoc extends LifecycleMembers {
  readonly name: string;
  readonly solutionArn: string;
  readonly performHPO: boolean;
  readonly performAutoML: boolean;
  readonly performAutoTraining: boolean;
  readonly performIncrementalUpdate?: boolean;
  readonly recipeArn: string;
  readonly datasetGroupArn: string;
  readonly eventType?: string;
  readonly solutionConfig?: SolutionConfig;
}

/** A pending or finished UpdateSolution (served as `latestSolutionUpdate`). */
export interface SolutionUpdateDoc extends LifecycleMembers {
  readonly solutionUpdateConfig?: SolutionConfig;
  readonly performAutoTraining: boolean;
  readonly performIncrementalUpdate?: boolean;
}

/** Training modes of CreateSolutionVersion. */
export type TrainingMode = 'FULL' | 'UPDATE' | 'AUTOTRAIN';

/** A solution version: the solution's configuration copied at creation, plus the training result. */
export interface SolutionVersionDoc extends LifecycleMembers {
  readonly name?: string;
  readonly solutionVersionArn: string;
  readonly solutionArn: string;
  readonly performHPO: boolean;
  readonly performAutoML: boolean;
  readonly performIncrementalUpdate?: boolean;
  readonly recipeArn: string;
  readonly eventType?: string;
  readonly datasetGroupArn: string;
  readonly solutionConfig?: SolutionConfig;
  readonly trainingMode: TrainingMode;
  readonly trainingType: 'AUTOMATIC' | 'MANUAL';
  /** Set when training succeeds. */
  readonly trainingHours?: number;
  /**
   * Hidden: id of the newest interaction row the model was trained on; events stored after it are
   * passed to the model as recent history.
   */
  readonly _interactionWatermark?: number;
}

/** `itemExplorationConfig`: numbers written as strings, as the API takes them. */
export interface ItemExplorationConfig {
  readonly explorationWeight?: string;
  readonly explorationItemAgeCutOff?: string;
}

/** `campaignConfig`: the members the emulator reads; others are stored and rendered as sent. */
export interface CampaignConfig {
  readonly itemExplorationConfig?: ItemExplorationConfig;
  readonly enableMetadataWithRecommendations?: boolean;
  readonly syncWithLatestSolutionVersion?: boolean;
}

/** A campaign. */
export interface CampaignDoc extends LifecycleMembers {
  readonly name: string;
  readonly campaignArn: string;
  /** A solution version ARN, or `{solutionArn}/$LATEST`. */
  readonly solutionVersionArn: string;
  readonly minProvisionedTPS: number;
  readonly campaignConfig?: CampaignConfig;
}

/** A pending or finished UpdateCampaign (served as `latestCampaignUpdate`): the configuration to apply. */
export interface CampaignUpdateDoc extends LifecycleMembers {
  readonly solutionVersionArn: string;
  readonly minProvisionedTPS: number;
  readonly campaignConfig?: CampaignConfig;
}

/** An event tracker. */
export interface EventTrackerDoc extends LifecycleMembers {
  readonly name: string;
  readonly eventTrackerArn: string;
  readonly accountId: string;
  readonly trackingId: string;
  readonly datasetGroupArn: string;
}

/** A filter. */
export interface FilterDoc extends LifecycleMembers {
  readonly name: string;
  readonly filterArn: string;
  readonly datasetGroupArn: string;
  readonly filterExpression: string;
}

/** An S3 location of a batch job. */
export interface S3DataConfig {
  readonly path: string;
  readonly kmsKeyArn?: string;
}

/** Members shared by batch inference and batch segment jobs. */
interface BatchJobMembers extends LifecycleMembers {
  readonly jobName: string;
  readonly solutionVersionArn: string;
  readonly filterArn?: string;
  readonly numResults: number;
  readonly jobInput: { readonly s3DataSource: S3DataConfig };
  readonly jobOutput: { readonly s3DataDestination: S3DataConfig };
  readonly roleArn: string;
}

/** `batchInferenceJobConfig`: the members the emulator reads; others are stored and rendered as sent. */
export interface BatchInferenceJobConfig {
  readonly itemExplorationConfig?: ItemExplorationConfig;
}

/** A batch inference job. */
export interface BatchInferenceJobDoc extends BatchJobMembers {
  readonly batchInferenceJobArn: string;
  readonly batchInferenceJobConfig?: BatchInferenceJobConfig;
  readonly batchInferenceJobMode?: 'BATCH_INFERENCE';
}

/** A batch segment job. */
export interface BatchSegmentJobDoc extends BatchJobMembers {
  readonly batchSegmentJobArn: string;
}

/** The document type of each resource kind (keys are the `ResourceKind`s). */
export interface ResourceDocuments {
  schema: SchemaDoc;
  datasetGroup: DatasetGroupDoc;
  dataset: DatasetDoc;
  datasetUpdate: DatasetUpdateDoc;
  datasetImportJob: DatasetImportJobDoc;
  solution: SolutionDoc;
  solutionUpdate: SolutionUpdateDoc;
  solutionVersion: SolutionVersionDoc;
  campaign: CampaignDoc;
  campaignUpdate: CampaignUpdateDoc;
  eventTracker: EventTrackerDoc;
  filter: FilterDoc;
  batchInferenceJob: BatchInferenceJobDoc;
  batchSegmentJob: BatchSegmentJobDoc;
}
