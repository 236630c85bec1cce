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

/** `hpoConfig.hpoObjective`. */
export interface HPOObjective {
  readonly type?: string;
  readonly metricName?: string;
  readonly metricRegex?: string;
}

/** `hpoConfig.hpoResourceConfig`: numbers written as strings. */
export interface HPOResourceConfig {
  readonly maxNumberOfTrainingJobs?: string;
  readonly maxParallelTrainingJobs?: string;
}

/** One `integerHyperParameterRanges` entry. */
export interface IntegerHyperParameterRange {
  readonly name?: string;
  readonly minValue?: number;
  readonly maxValue?: number;
}

/** One `continuousHyperParameterRanges` entry. */
export interface ContinuousHyperParameterRange {
  readonly name?: string;
  readonly minValue?: number;
  readonly maxValue?: number;
}

/** One `categoricalHyperParameterRanges` entry. */
export interface CategoricalHyperParameterRange {
  readonly name?: string;
  readonly values?: readonly string[];
}

/** `hpoConfig.algorithmHyperParameterRanges`. */
export interface HyperParameterRanges {
  readonly integerHyperParameterRanges?: readonly IntegerHyperParameterRange[];
  readonly continuousHyperParameterRanges?: readonly ContinuousHyperParameterRange[];
  readonly categoricalHyperParameterRanges?: readonly CategoricalHyperParameterRange[];
}

/** `solutionConfig.hpoConfig` (stored and rendered; the engine does not tune). */
export interface HPOConfig {
  readonly hpoObjective?: HPOObjective;
  readonly hpoResourceConfig?: HPOResourceConfig;
  readonly algorithmHyperParameterRanges?: HyperParameterRanges;
}

/** `solutionConfig.autoMLConfig`. */
export interface AutoMLConfig {
  readonly metricName?: string;
  readonly recipeList?: readonly string[];
}

/** One `eventsConfig.eventParametersList` entry. */
export interface EventParameters {
  readonly eventType?: string;
  readonly eventValueThreshold?: number;
  /** From 0 to 1. */
  readonly weight?: number;
}

/** `eventsConfig`. */
export interface EventsConfig {
  readonly eventParametersList?: readonly EventParameters[];
}

/** `solutionConfig.optimizationObjective`. */
export interface OptimizationObjective {
  readonly itemAttribute?: string;
  readonly objectiveSensitivity?: 'LOW' | 'MEDIUM' | 'HIGH' | 'OFF';
}

/** `solutionConfig.trainingDataConfig`: dataset type → column names. */
export interface TrainingDataConfig {
  readonly excludedDatasetColumns?: Readonly<Record<string, readonly string[]>>;
  readonly includedDatasetColumns?: Readonly<Record<string, readonly string[]>>;
}

/** `autoTrainingConfig`. */
export interface AutoTrainingConfig {
  /** `rate(N days)`, N from 1 to 30. */
  readonly schedulingExpression?: string;
}

/**
 * `solutionConfig`: the model's `SolutionConfig`, checked member by member on the way in (see
 * model-shapes.ts). The engine reads `algorithmHyperParameters`, `featureTransformationParameters` and
 * `eventValueThreshold`; the other members are stored and rendered.
 */
export interface SolutionConfig {
  readonly algorithmHyperParameters?: Readonly<Record<string, string>>;
  readonly featureTransformationParameters?: Readonly<Record<string, string>>;
  /** A number written as a string. */
  readonly eventValueThreshold?: string;
  readonly hpoConfig?: HPOConfig;
  readonly autoMLConfig?: AutoMLConfig;
  readonly eventsConfig?: EventsConfig;
  readonly optimizationObjective?: OptimizationObjective;
  readonly trainingDataConfig?: TrainingDataConfig;
  readonly autoTrainingConfig?: AutoTrainingConfig;
}

/** `solutionUpdateConfig` of UpdateSolution: the model's `SolutionUpdateConfig`. */
export interface SolutionUpdateConfig {
  readonly autoTrainingConfig?: AutoTrainingConfig;
  readonly eventsConfig?: EventsConfig;
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
  readonly solutionUpdateConfig?: SolutionUpdateConfig;
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

/** `rankingInfluence`: weights from 0 to 1 (stored and rendered; the engine does not use them). */
export type RankingInfluence = Readonly<Partial<Record<'POPULARITY' | 'FRESHNESS', number>>>;

/** `campaignConfig`: the model's `CampaignConfig`, checked member by member on the way in. */
export interface CampaignConfig {
  readonly itemExplorationConfig?: ItemExplorationConfig;
  readonly enableMetadataWithRecommendations?: boolean;
  readonly syncWithLatestSolutionVersion?: boolean;
  readonly rankingInfluence?: RankingInfluence;
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

/** `batchInferenceJobConfig`: the model's `BatchInferenceJobConfig`, checked member by member on the way in. */
export interface BatchInferenceJobConfig {
  readonly itemExplorationConfig?: ItemExplorationConfig;
  readonly rankingInfluence?: RankingInfluence;
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

/** `recommenderConfig`: the model's `RecommenderConfig`, checked member by member on the way in. */
export interface RecommenderConfig {
  readonly itemExplorationConfig?: ItemExplorationConfig;
  /** At least 1; 1 when not given. */
  readonly minRecommendationRequestsPerSecond?: number;
  readonly trainingDataConfig?: TrainingDataConfig;
  readonly enableMetadataWithRecommendations?: boolean;
}

/** A recommender of a domain dataset group: a use case (domain recipe) trained and served as one. */
export interface RecommenderDoc extends LifecycleMembers {
  readonly name: string;
  readonly recommenderArn: string;
  readonly datasetGroupArn: string;
  /** The use case, `arn:aws:personalize:::recipe/aws-ecomm-...`. */
  readonly recipeArn: string;
  readonly recommenderConfig: RecommenderConfig;
  /** Hidden: the key of the model that serves now (the recommender's ARN, or the newest ACTIVE update's). */
  readonly _modelArn?: string;
  /** Hidden: id of the newest interaction row the serving model was trained on. */
  readonly _interactionWatermark?: number;
}

/** A pending or finished UpdateRecommender (served as `latestRecommenderUpdate`); it trains its own model. */
export interface RecommenderUpdateDoc extends LifecycleMembers {
  readonly recommenderConfig: RecommenderConfig;
  /** Hidden: set when its training succeeds. */
  readonly _interactionWatermark?: number;
}

/** One metric of a metric attribution (`MetricAttribute`). */
export interface MetricAttribute {
  readonly eventType: string;
  readonly metricName: string;
  /** `SUM(Items.COLUMN)`, `SUM(Interactions.COLUMN)` or `SAMPLECOUNT()`. */
  readonly expression: string;
}

/** `metricsOutputConfig` (`MetricAttributionOutput`). */
export interface MetricAttributionOutput {
  readonly s3DataDestination?: S3DataConfig;
  readonly roleArn: string;
}

/** A metric attribution (one per dataset group). */
export interface MetricAttributionDoc extends LifecycleMembers {
  readonly name: string;
  readonly metricAttributionArn: string;
  readonly datasetGroupArn: string;
  readonly metricsOutputConfig: MetricAttributionOutput;
  /** Hidden: the metrics (served by ListMetricAttributionMetrics, not by Describe). */
  readonly _metrics: readonly MetricAttribute[];
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
  recommender: RecommenderDoc;
  recommenderUpdate: RecommenderUpdateDoc;
  metricAttribution: MetricAttributionDoc;
}
