import type { S3Client } from '@aws-sdk/client-s3';
import type { ArnScope } from './arn';
import type { ReportPublisher } from './attribution';
import type { FaultRegistry } from './faults';
import type { Lifecycle } from './lifecycle';
import type { ModelCache } from './model-cache';
import type { Store } from './store';
import type { TrainingWorkers } from './training-workers';
import type { RequestReader } from './validation';

/** Service quotas the emulator enforces (Personalize defaults). */
export interface Quotas {
  /** Dataset groups per region. */
  readonly datasetGroups: number;
  /** Dataset import jobs in CREATE PENDING / IN_PROGRESS per region. */
  readonly pendingImportJobs: number;
  /** Active campaigns per dataset group. */
  readonly campaignsPerGroup: number;
  /** Solutions per dataset group. */
  readonly solutionsPerGroup: number;
  /** Filters per dataset group. */
  readonly filtersPerGroup: number;
  /** Solution versions in CREATE PENDING / IN_PROGRESS per region. */
  readonly pendingSolutionVersions: number;
  /** Batch inference or segment jobs in progress per region. */
  readonly pendingBatchJobs: number;
  /** Schemas per region. */
  readonly schemas: number;
  /** Recommenders per dataset group. */
  readonly recommendersPerGroup: number;
}

/** Personalize's default quotas. */
export const DEFAULT_QUOTAS: Quotas = {
  datasetGroups: 5,
  pendingImportJobs: 5,
  campaignsPerGroup: 5,
  solutionsPerGroup: 10,
  filtersPerGroup: 10,
  pendingSolutionVersions: 20,
  pendingBatchJobs: 5,
  schemas: 500,
  recommendersPerGroup: 5,
};

/** Everything a request handler needs; one per emulator instance (no globals). */
export interface EmulatorContext {
  readonly store: Store;
  readonly scope: ArnScope;
  readonly quotas: Quotas;
  readonly lifecycle: Lifecycle;
  readonly faults: FaultRegistry;
  readonly models: ModelCache;
  /** Training threads (solution versions train off the serving thread). */
  readonly training: TrainingWorkers;
  /** Absolute path of the state directory (training threads read the database there). */
  readonly dataDir: string;
  /** S3 client for imports and batch jobs. */
  readonly s3: S3Client;
  /** Publishes metric attribution reports (CloudWatch, S3). */
  readonly reports: ReportPublisher;
  /** Whether GetRecommendations results are memoized (see runtime.ts). */
  readonly cacheResults: boolean;
  /** Current time in epoch seconds. */
  now(): number;
}

/** Per-request facts the server passes to handlers. */
export interface RequestInfo {
  readonly operation: string;
  /** Set by fault injection: the created resource must end in CREATE FAILED with this reason. */
  readonly failResource?: string;
}

/** A control-plane operation handler: validated input in, output shape out. */
export type Handler = (ctx: EmulatorContext, input: RequestReader, req: RequestInfo) => unknown;

/** Operation name → handler. */
export type HandlerTable = Readonly<Record<string, Handler>>;
