/**
 * The events and results of every pipeline handler: the contract between the Step Functions state
 * machine (JSONPath; it passes exactly these events and stores exactly these results) and the code.
 */
import type { ResolvedConfig, ResolvedDataset } from './config/resolved';
import type { BatchJobDefinition, RecommenderDefinition, SolutionDefinition } from './config/schema';
import type { DatasetKey } from './names';

export type { DatasetKey, ResolvedConfig, ResolvedDataset };
export type TrainingMode = 'FULL' | 'UPDATE';

/**
 * What a step that starts or ensures resources hands to the following Wait → poll → Choice loop:
 * the resources to wait for and when the stage started (epoch seconds).
 */
export interface Pollable {
  readonly targets: PollTarget[];
  readonly startedAt: number;
}

/**
 * The run a step's event belongs to, for the correlation of its log lines and trace: the pipeline's run id
 * (RunState.runId), or the teardown execution's name. Every task of the workflows passes it; tests may not.
 */
export interface InRun {
  readonly runId?: string;
}

/** Input of a pipeline execution (all optional: `{}` runs the deployed config). */
export interface RunInput {
  /** An inline config; each dataset must carry its Avro schema as `schema` (string or object). */
  readonly config?: object;
  /** A config object in S3; `schemaFile` paths resolve relative to its folder in the same bucket. */
  readonly configLocation?: { readonly bucket: string; readonly key: string };
  /** Import and train even when nothing changed. */
  readonly force?: boolean;
  /** Train this way (set by schedules); also forces training of the selected solutions. */
  readonly trainingMode?: TrainingMode;
  /** Solution names to force/schedule; default (absent) all; `[]` trains none. */
  readonly solutions?: readonly string[];
  /** Batch job names to run even without a new version (set by batch job schedules); default none. */
  readonly batchJobs?: readonly string[];
}

/** The execution a run is, from the context object (`$$.Execution`). */
export interface ExecutionRef {
  /** `$$.Execution.Name`: unique per state machine. */
  readonly name: string;
  /** `$$.Execution.StartTime`, ISO 8601. */
  readonly startTime: string;
}

export interface ValidateEvent {
  readonly input: RunInput;
  readonly deployedConfig: ResolvedConfig;
  /** The execution, from which the run id is derived. @default - a run id from the current time (tests) */
  readonly execution?: ExecutionRef;
  /** The run lease this execution took before validation. @default - none (tests) */
  readonly lease?: LeaseResult;
}

export interface RunOptions {
  readonly force: boolean;
  readonly trainingMode?: TrainingMode;
  /** Names of the selected solutions (all by default). */
  readonly solutions: string[];
  /** Names of the batch jobs the run input asks for (none by default). */
  readonly batchJobs: string[];
}

/** Result of `validate`, the state every later step reads. */
export interface RunState {
  readonly config: ResolvedConfig;
  readonly options: RunOptions;
  /** Unique per execution (core/names.ts `executionRunId`); also the suffix of job names. */
  readonly runId: string;
  /** Run start, epoch seconds. */
  readonly startedAt: number;
  /** How the run took the project's run lease (whether it waited for another run). @default - no lease (tests) */
  readonly lease?: LeaseResult;
}

export type ArnsByDataset = Partial<Record<DatasetKey, string>>;

export interface DatasetGroupResult extends Pollable {
  readonly datasetGroupArn: string;
  readonly schemaArns: ArnsByDataset;
  /** ARNs created by this call. */
  readonly created: string[];
}

export interface DatasetsEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly datasetGroupArn: string;
  readonly schemaArns: ArnsByDataset;
}

export interface DatasetsResult extends Pollable {
  readonly datasetArns: ArnsByDataset;
  /** ARNs created (or whose schema was replaced) by this call. */
  readonly created: string[];
}

export interface ImportsEvent {
  readonly config: ResolvedConfig;
  readonly options: RunOptions;
  readonly datasetArns: ArnsByDataset;
  readonly runId: string;
}

export interface ImportEntry {
  readonly datasetType: DatasetKey;
  readonly datasetArn: string;
  /** The import job started (or already running) for this dataset. */
  readonly jobArn?: string;
  /** Why no job runs for this dataset. */
  readonly skipped?: string;
}

export interface ImportsResult extends Pollable {
  readonly imports: ImportEntry[];
  /** ARNs of the jobs to wait for (the state machine polls these as `datasetImportJob`). */
  readonly jobArns: string[];
}

export interface FiltersEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly datasetGroupArn: string;
}

export interface FiltersResult extends Pollable {
  /** Config filter name → ARN of the filter for its current expression. */
  readonly filters: Record<string, string>;
  readonly created: string[];
  readonly deleted: string[];
  /** Superseded filters kept until their replacement is ACTIVE; call again after polling. */
  readonly pendingDeletion: string[];
}

export interface RecommendersEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly datasetGroupArn: string;
  /**
   * The outcomes of this run's earlier call (the workflow calls the step again once the first call's
   * recommenders are ACTIVE, to update those it had to start first): kept where the second call changes nothing.
   * @default - none: the first call
   */
  readonly earlier?: readonly RecommenderOutcome[];
}

/** What the recommenders step did to one config recommender. */
export interface RecommenderOutcome {
  /** The config name. */
  readonly name: string;
  readonly recommenderArn: string;
  /**
   * created; updated (its recommenderConfig changed); started (it was INACTIVE); stopped (it was ACTIVE and its
   * config says `stopped`); unchanged.
   */
  readonly action: 'created' | 'updated' | 'started' | 'stopped' | 'unchanged';
  /** The recommenderConfig members an update changed. */
  readonly changes?: readonly string[];
}

export interface RecommendersResult extends Pollable {
  /** Config recommender name → ARN. */
  readonly recommenders: Record<string, string>;
  readonly outcomes: RecommenderOutcome[];
}

export interface MetricAttributionEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly datasetGroupArn: string;
}

export interface MetricAttributionResult extends Pollable {
  /** Absent when the config has no metricAttribution. */
  readonly metricAttributionArn?: string;
  /** none: the config has no metricAttribution (an existing one is left alone). */
  readonly action: 'created' | 'updated' | 'unchanged' | 'none';
  /** Metric names an update added and removed (a changed metric is removed and added again). */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

export interface SolutionEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly options: RunOptions;
  readonly datasetGroupArn: string;
  readonly solution: SolutionDefinition;
}

export interface SolutionResult extends Pollable {
  readonly solutionArn: string;
  readonly created: boolean;
}

export interface SolutionVersionEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly options: RunOptions;
  readonly solutionArn: string;
  readonly solution: SolutionDefinition;
}

export interface SolutionVersionResult extends Pollable {
  readonly solutionVersionArn: string;
  /** True when a version is being trained (new, or an in-progress one reused): poll it. */
  readonly trained: boolean;
  readonly reason: string;
  readonly trainingMode?: TrainingMode;
}

export interface EvaluateEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly solution: SolutionDefinition;
  readonly solutionVersionArn: string;
  /** Name of the campaign whose live version is the baseline. @default `<project>-<solution>` */
  readonly campaignName?: string;
}

export interface EvaluateResult {
  readonly passed: boolean;
  readonly reason: string;
  readonly metric: string;
  readonly value?: number;
  readonly baseline?: { readonly solutionVersionArn: string; readonly value?: number };
  readonly metrics: Record<string, number>;
}

export interface CampaignEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly solution: SolutionDefinition;
  readonly solutionVersionArn: string;
}

export interface CampaignResult extends Pollable {
  readonly campaignArn: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  /** The version served before this call (for rollback); absent for a new campaign. */
  readonly previousSolutionVersionArn?: string;
}

export type PollKind =
  | 'datasetGroup'
  | 'dataset'
  | 'datasetImportJob'
  | 'filter'
  | 'solution'
  | 'solutionVersion'
  | 'campaign'
  | 'eventTracker'
  | 'batchInferenceJob'
  | 'batchSegmentJob'
  | 'recommender'
  /** A recommender the config has stopped: done once INACTIVE. */
  | 'stoppedRecommender'
  | 'metricAttribution'
  | 'deleted';

export interface PollTarget {
  readonly kind: PollKind;
  readonly arn: string;
}

export interface PollEvent extends InRun {
  readonly stage: string;
  readonly targets: readonly PollTarget[];
  /** Stage start, epoch seconds. */
  readonly startedAt: number;
  /** Stage timeout in seconds; or give `timeoutMinutes` (the config's `timeouts` unit). */
  readonly timeoutSeconds?: number;
  readonly timeoutMinutes?: number;
}

export interface PollResult {
  readonly done: boolean;
  readonly waitSeconds: number;
  readonly elapsedSeconds: number;
  readonly statuses: Array<{ readonly arn: string; readonly status: string }>;
}

export interface EventTrackerEvent extends InRun {
  readonly config: ResolvedConfig;
  readonly datasetGroupArn: string;
}

export interface EventTrackerResult extends Pollable {
  readonly eventTrackerArn: string;
  readonly trackingId: string;
}

export interface BatchJobEvent {
  readonly config: ResolvedConfig;
  readonly job: BatchJobDefinition;
  readonly options: RunOptions;
  /** The Solutions map's results of this run: whether the job's solution got a new version. */
  readonly solutionResults: readonly SolutionRunResult[];
  /**
   * The version to run; @default the version this run trained and passed for the job's solution, else
   * the newest ACTIVE version of the solution
   */
  readonly solutionVersionArn?: string;
  readonly runId: string;
}

/** A batch job started (or already started by this run). */
export interface BatchJobStarted extends Pollable {
  readonly jobArn: string;
  readonly kind: 'batchInferenceJob' | 'batchSegmentJob';
  /** Why it runs. */
  readonly reason: string;
}

/** A batch job not run: nothing new for it. `targets` is empty, so the wait loop has nothing to wait for. */
export interface BatchJobSkipped extends Pollable {
  readonly skipped: string;
}

export type BatchJobResult = BatchJobStarted | BatchJobSkipped;

/** One solution's outcome as the state machine's Map collects it (or the error it caught). */
export interface SolutionRunResult {
  readonly name: string;
  /** DEPLOYED, TRAINED (no campaign), GATED_OUT, SKIPPED (not selected) or FAILED. */
  readonly status?: 'DEPLOYED' | 'TRAINED' | 'GATED_OUT' | 'SKIPPED' | 'FAILED';
  readonly solutionVersionArn?: string;
  readonly trained?: boolean;
  /** The quality gate's verdict (`evaluate` result). */
  readonly gate?: EvaluateResult;
  readonly campaign?: CampaignResult;
  /** Error name caught by the Map iteration's Catch. */
  readonly error?: string;
  /** Error cause caught by the Map iteration's Catch (verbatim). */
  readonly cause?: string;
}

/** One batch job's outcome as the state machine's Map collects it. */
export interface BatchJobRunResult {
  readonly name: string;
  readonly status: 'COMPLETED' | 'SKIPPED' | 'FAILED';
  readonly jobArn?: string;
  /** Why a SKIPPED job did not run. */
  readonly reason?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface SummaryEvent extends RunState {
  readonly results: {
    readonly solutions: readonly SolutionRunResult[];
    readonly imports?: ImportsResult;
    /** The `filters` step result. */
    readonly filters?: FiltersResult;
    /** Empty when the event tracker is disabled. */
    readonly eventTracker?: Partial<EventTrackerResult>;
    readonly batchJobs?: readonly BatchJobRunResult[];
    /** The `recommenders` step result (a config with recommenders). */
    readonly recommenders?: RecommendersResult;
    /** The `metric-attribution` step result (a config with a metricAttribution). */
    readonly metricAttribution?: MetricAttributionResult;
  };
}

export interface SummaryResult {
  readonly status: 'SUCCEEDED' | 'PARTIAL';
  readonly summary: string;
}

export interface NotifyFailureEvent {
  readonly runId?: string;
  readonly Error: string;
  readonly Cause: string;
}

export interface NotifyFailureResult {
  readonly runId?: string;
  readonly error: string;
  readonly cause: string;
}

/** What a run does when another run of the project holds the run lease (config `runs.overlap`). */
export type RunOverlap = 'queue' | 'reject';

/**
 * A `lease` step: take the project's run lease (`acquire`, first state of every run), extend it (`renew`, at
 * stage boundaries) or give it back (`release`, on every way out). The lease holds the execution ARN and an
 * expiry; `timeouts` and `holdFor` say how long the run may hold it until its next renewal.
 */
export interface LeaseEvent extends InRun {
  readonly action: 'acquire' | 'renew' | 'release';
  /** `$$.Execution.Id`: the execution ARN. */
  readonly executionArn: string;
  /** `$$.Execution.StartTime`, ISO 8601: a queued run gives up once it has waited the run timeout. */
  readonly executionStartTime?: string;
  /** What `acquire` does when another execution holds the lease. @default 'queue' */
  readonly overlap?: RunOverlap;
  /** The stage timeouts (config `timeouts`, minutes) the hold and the queue bound are computed from; `acquire` and `renew` need them. */
  readonly timeouts?: Readonly<Record<LeaseStage, number>>;
  /** The stages until the next renewal (each counted with its timeout). @default every stage of a run */
  readonly holdFor?: readonly LeaseStage[];
  /**
   * The domain stages of the run's definition (core/run-lease.ts `domainStages`): the queue bound of `acquire`
   * and a `renew` without `holdFor` count them. @default none: a definition without recommenders or a metric
   * attribution
   */
  readonly domainStages?: readonly LeaseStage[];
  /** The result of this execution's previous `acquire` (a queued run's last try). */
  readonly previous?: LeaseResult;
  /** The execution's input: `acquire` checks its shape (core/run-input.ts) before taking the lease. */
  readonly input?: unknown;
}

/** A stage timeout key (config `timeouts`). */
export type LeaseStage = 'import' | 'training' | 'campaign' | 'batch' | 'other';

/** The lease after a `lease` step. */
export interface LeaseResult {
  /** Whether this execution holds the lease. */
  readonly acquired: boolean;
  /** `release`: whether this execution held the lease and gave it back. */
  readonly released?: boolean;
  /** The execution holding the lease when `acquired` is false. */
  readonly holder?: string;
  /** Epoch seconds when the lease expires unless renewed. */
  readonly expiresAt?: number;
  /** How long to wait before trying again (a queued `acquire`). */
  readonly waitSeconds: number;
  /** Seconds this execution has waited for the lease so far. */
  readonly waitedSeconds: number;
  /** The execution this one waited for, once it took the lease after waiting. */
  readonly queuedBehind?: string;
}

/**
 * The event EventBridge sends when an execution ends other than through the workflow's own states
 * (`Step Functions Execution Status Change`: ABORTED, TIMED_OUT, FAILED); the lease handler releases that
 * execution's lease.
 */
export interface ExecutionStatusChange {
  readonly source: 'aws.states';
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name?: string;
    readonly status: string;
  };
}

/** The project's triggers: what starts a pipeline run without anyone asking (names from core/names.ts). */
export interface ProjectTriggers {
  /** The EventBridge Scheduler group of the project's schedules. */
  readonly scheduleGroup: string;
  /** The schedules in that group: retraining and batch job schedules. */
  readonly schedules: readonly string[];
  /** The EventBridge rule (default bus) that starts a run when a config is uploaded. */
  readonly configUploadRule: string;
}

/** The teardown execution's input: `{}` tears down, `{"dryRun": true}` lists, `{"reenable": true}` re-enables. */
export interface TeardownRequest {
  /** Only list what would be disabled, stopped and deleted. */
  readonly dryRun?: boolean;
  /** Only enable the project's schedules and config-upload rule again (after a teardown disabled them). */
  readonly reenable?: boolean;
}

export interface TeardownEvent extends InRun {
  readonly projectName: string;
  /** Only list what would be deleted. */
  readonly dryRun?: boolean;
  /** The triggers to disable first (or to enable again with `reenable`). @default - none */
  readonly triggers?: ProjectTriggers;
  /** The teardown execution's input, e.g. `{ "dryRun": true }` (the state machine passes it as is). */
  readonly request?: TeardownRequest;
}

export type TeardownPhase =
  | 'campaigns'
  | 'recommenders'
  | 'eventTrackers'
  | 'filters'
  | 'metricAttributions'
  | 'solutions'
  | 'datasets'
  | 'datasetGroup'
  | 'schemas'
  | 'parameters';

export interface TeardownResult {
  readonly done: boolean;
  readonly waitSeconds: number;
  readonly phase?: TeardownPhase;
  readonly deleting: string[];
  readonly remaining: Partial<Record<TeardownPhase, string[]>>;
  /** Triggers this call disabled (or, with `reenable`, enabled): `schedule <group>/<name>`, `rule <name>`. */
  readonly disabled?: string[];
  readonly enabled?: string[];
  /** Solution versions whose training this call stopped, or that are still stopping. */
  readonly stopping?: string[];
  /** Dry run: the triggers that would be disabled, the trainings stopped and the resources deleted. */
  readonly wouldDisable?: string[];
  readonly wouldStop?: string[];
  readonly wouldDelete?: string[];
}

export type { BatchJobDefinition, RecommenderDefinition, SolutionDefinition };

/**
 * What each pipeline step's handler takes (`event`) and returns (`result`), by step: the state machine builds
 * each step's payload from `event` and stores `result` (lib/ types its definition against this table), and
 * each handler in lambda/pipeline/ is typed with the same pair (a type test compares them).
 */
export interface PipelineStepContract {
  readonly validate: { readonly event: ValidateEvent; readonly result: RunState };
  readonly 'dataset-group': { readonly event: RunState; readonly result: DatasetGroupResult };
  readonly datasets: { readonly event: DatasetsEvent; readonly result: DatasetsResult };
  readonly imports: { readonly event: ImportsEvent; readonly result: ImportsResult };
  readonly filters: { readonly event: FiltersEvent; readonly result: FiltersResult };
  readonly recommenders: { readonly event: RecommendersEvent; readonly result: RecommendersResult };
  readonly 'metric-attribution': {
    readonly event: MetricAttributionEvent;
    readonly result: MetricAttributionResult;
  };
  readonly solution: { readonly event: SolutionEvent; readonly result: SolutionResult };
  readonly 'solution-version': {
    readonly event: SolutionVersionEvent;
    readonly result: SolutionVersionResult;
  };
  readonly evaluate: { readonly event: EvaluateEvent; readonly result: EvaluateResult };
  readonly campaign: { readonly event: CampaignEvent; readonly result: CampaignResult };
  readonly poll: { readonly event: PollEvent; readonly result: PollResult };
  readonly 'event-tracker': { readonly event: EventTrackerEvent; readonly result: EventTrackerResult };
  readonly 'batch-job': { readonly event: BatchJobEvent; readonly result: BatchJobResult };
  readonly summary: { readonly event: SummaryEvent; readonly result: SummaryResult };
  readonly 'notify-failure': { readonly event: NotifyFailureEvent; readonly result: NotifyFailureResult };
  readonly teardown: { readonly event: TeardownEvent; readonly result: TeardownResult };
  /** Sent by the workflow (LeaseEvent) and by the EventBridge rule on an execution's end (ExecutionStatusChange). */
  readonly lease: { readonly event: LeaseEvent | ExecutionStatusChange; readonly result: LeaseResult };
}
