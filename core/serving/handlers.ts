/**
 * What each serving handler needs from its function, for the ServingStack to build one least-privilege
 * function per handler (as core/pipeline-steps.ts does for the pipeline):
 *
 * - `entry`: the handler file, bundled by esbuild like the pipeline handlers (lib/constructs/bundling.ts);
 * - `permissions`: the IAM actions the handler's code sends, directly or through Powertools, plus the ones
 *   those calls imply (KMS for the SSE-KMS queue and bucket). A test derives them from the source;
 * - `environment`: the variables the handler reads (Lambda itself sets `AWS_REGION`). A test derives them
 *   from the bundle;
 * - `routes`: the API routes it serves (API Gateway proxies each to its function);
 * - `eventSource`: for the queue consumer, what its SQS event source mapping needs (granted by the
 *   event source itself, not sent by the code).
 *
 * Resources the ServingStack scopes the actions to (names from core/names.ts, ending at a name boundary):
 * Personalize runtime actions to the exact campaigns of the solutions the routes use and the project's filters
 * (`filter/<project>-<filter>-????????`), PutItems/PutUsers to `dataset/<project>/ITEMS|USERS`,
 * ssm:GetParameter to `parameter/<project>/serving` and `parameter/<project>/event-tracker`, PutEvents to the
 * event tracker `event-tracker/<project>-tracker`, the DynamoDB actions to the idempotency table, s3:PutObject
 * to `events-archive/*` of the data bucket, KMS to the project key.
 */
import type { ServingRoute } from '../config/serving-routes';
import { routesOf } from './routes';

/** A serving handler: the three API handlers and the queue consumer. */
export type ServingHandler = 'recommendations' | 'events' | 'catalog' | 'event-consumer';

/** A variable the project sets on a serving function. */
export type ServingVariable =
  /** The account of the Personalize ARNs (dataset ARNs of PutItems / PutUsers). */
  | 'ACCOUNT_ID'
  /** JSON array of the origins a browser may call the API from (CORS), e.g. `["https://shop.example.com"]`. */
  | 'ALLOWED_ORIGINS'
  /** JSON map of API key id → `{ client, routes }` (core/serving/access.ts `apiClientsVariable`). */
  | 'API_CLIENTS'
  /** The data bucket, where accepted events are archived under `events-archive/`. */
  | 'BUCKET_NAME'
  /** JSON array of the config's `serving.experiments` (core/experiments/serving.ts). */
  | 'EXPERIMENTS'
  /** The DynamoDB table of the idempotency records (partition key `id`, TTL attribute `expiration`). */
  | 'IDEMPOTENCY_TABLE'
  /** The namespace of the function's metrics (core/monitoring.ts). */
  | 'METRICS_NAMESPACE'
  /** Prefix of the pipeline's SSM parameters, `/<projectName>` (`<prefix>/serving`, `<prefix>/event-tracker`). */
  | 'PARAMETER_PREFIX'
  /** The project name: the dataset group's name, and the `Project` dimension of the function's metrics. */
  | 'PROJECT_NAME'
  /** The URL of the encrypted event queue. */
  | 'QUEUE_URL'
  /** JSON map of read route → solution name, i.e. `serving.campaigns` of the config. */
  | 'ROUTE_SOLUTIONS';

/** One serving handler's needs. */
export interface ServingHandlerSpec {
  /** The handler file, relative to the project root. */
  readonly entry: string;
  /** IAM actions the code sends (directly or through Powertools), and those they imply. */
  readonly permissions: readonly string[];
  /** Variables the handler reads, and so the only ones its function is given. */
  readonly environment: readonly ServingVariable[];
  /** The API routes it serves (none for the consumer). */
  readonly routes: readonly ServingRoute[];
  /** What its SQS event source mapping needs (granted by the event source, not sent by the code). */
  readonly eventSource?: readonly string[];
}

/**
 * The variables every handler reads through lambda/shared/observability.ts: its metrics' namespace and
 * `Project` dimension.
 */
const OBSERVABILITY = ['METRICS_NAMESPACE', 'PROJECT_NAME'] as const satisfies readonly ServingVariable[];

/** Every serving handler. */
export const SERVING_HANDLERS: Readonly<Record<ServingHandler, ServingHandlerSpec>> = {
  recommendations: {
    entry: 'lambda/serving/recommendations.ts',
    permissions: ['personalize:GetPersonalizedRanking', 'personalize:GetRecommendations', 'ssm:GetParameter'],
    environment: [
      'ALLOWED_ORIGINS',
      'API_CLIENTS',
      'EXPERIMENTS',
      'PARAMETER_PREFIX',
      'ROUTE_SOLUTIONS',
      ...OBSERVABILITY,
    ],
    routes: routesOf('recommendations').map((spec) => spec.route),
  },
  events: {
    entry: 'lambda/serving/events.ts',
    // SendMessageBatch is authorized as sqs:SendMessage; the queue is SSE-KMS with the data key.
    permissions: ['kms:Decrypt', 'kms:GenerateDataKey', 'sqs:SendMessage'],
    environment: ['ALLOWED_ORIGINS', 'API_CLIENTS', 'EXPERIMENTS', 'QUEUE_URL', ...OBSERVABILITY],
    routes: routesOf('events').map((spec) => spec.route),
  },
  catalog: {
    entry: 'lambda/serving/catalog.ts',
    permissions: ['personalize:PutItems', 'personalize:PutUsers'],
    environment: ['ACCOUNT_ID', 'ALLOWED_ORIGINS', 'API_CLIENTS', ...OBSERVABILITY],
    routes: routesOf('catalog').map((spec) => spec.route),
  },
  'event-consumer': {
    entry: 'lambda/serving/event-consumer.ts',
    // DynamoDB through Powertools idempotency; the archive is written SSE-KMS (the bucket's default key).
    // Reading the SSE-KMS queue (kms:Decrypt) is the event source's, below.
    permissions: [
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:GenerateDataKey',
      'personalize:PutEvents',
      's3:PutObject',
      'ssm:GetParameter',
    ],
    environment: ['BUCKET_NAME', 'IDEMPOTENCY_TABLE', 'PARAMETER_PREFIX', ...OBSERVABILITY],
    routes: [],
    eventSource: [
      'kms:Decrypt',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ],
  },
};

/** Settings of the event queue and its consumer that the ServingStack and the local server share. */
export const EVENT_QUEUE_SETTINGS = {
  /** Deliveries of a message before SQS moves it to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Messages per consumer invocation (records per SQS event). */
  batchSize: 10,
  /** How long an idempotency record keeps an eventId from being delivered again: 14 days, the DLQ's retention. */
  idempotencyExpirySeconds: 14 * 24 * 60 * 60,
  /** The idempotency records' key prefix: fixed, so renaming the function does not forget delivered events. */
  idempotencyKeyPrefix: 'serving-events',
} as const;
