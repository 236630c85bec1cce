/**
 * What each pipeline step's handler needs from its function: the IAM actions it sends (for least-privilege
 * roles, one role per function) and the environment variables it reads.
 *
 * `PIPELINE_PERMISSIONS` lists, per handler file, exactly the API calls in the source it bundles
 * (each SDK command as its IAM action; `ListObjectsV2` is `s3:ListBucket`), plus the actions those
 * calls imply: `kms:Decrypt` to read SSE-KMS objects, `kms:GenerateDataKey` + `kms:Decrypt` to
 * publish to the KMS-encrypted topic, `kms:Decrypt` to use the KMS-encrypted lease table, and `iam:PassRole` where a call hands PERSONALIZE_ROLE_ARN to
 * Personalize (or, in teardown, a schedule's role back to EventBridge Scheduler). A test derives the commands from the source and compares.
 *
 * `TAGGED_CREATE_COMMANDS` names the Create commands the code sends with `tags` (the config's tags;
 * import jobs also carry their data fingerprint): in AWS, a Create call that carries tags is also
 * authorized as `personalize:TagResource`, so every handler that sends one of them holds that action.
 * A test checks the list against the source.
 */

export type PipelineStep =
  | 'validate'
  | 'dataset-group'
  | 'datasets'
  | 'imports'
  | 'filters'
  | 'recommenders'
  | 'metric-attribution'
  | 'solution'
  | 'solution-version'
  | 'evaluate'
  | 'campaign'
  | 'poll'
  | 'event-tracker'
  | 'batch-job'
  | 'summary'
  | 'notify-failure'
  | 'lease'
  | 'teardown';

export const PIPELINE_PERMISSIONS: Readonly<Record<PipelineStep, readonly string[]>> = {
  validate: ['kms:Decrypt', 's3:GetObject', 's3:ListBucket'],
  'dataset-group': [
    'iam:PassRole',
    'personalize:CreateDatasetGroup',
    'personalize:CreateSchema',
    'personalize:DescribeDatasetGroup',
    'personalize:DescribeSchema',
    'personalize:TagResource',
  ],
  datasets: [
    'personalize:CreateDataset',
    'personalize:DescribeDataset',
    'personalize:TagResource',
    'personalize:UpdateDataset',
  ],
  imports: [
    'iam:PassRole',
    'kms:Decrypt',
    'personalize:CreateDatasetImportJob',
    'personalize:ListDatasetImportJobs',
    'personalize:ListTagsForResource',
    'personalize:TagResource',
    's3:GetObject',
    's3:ListBucket',
  ],
  filters: [
    'personalize:CreateFilter',
    'personalize:DeleteFilter',
    'personalize:ListFilters',
    'personalize:TagResource',
  ],
  recommenders: [
    'personalize:CreateRecommender',
    'personalize:DeleteRecommender',
    'personalize:DescribeRecommender',
    'personalize:StartRecommender',
    'personalize:StopRecommender',
    'personalize:TagResource',
    'personalize:UpdateRecommender',
  ],
  // CreateMetricAttribution and UpdateMetricAttribution hand PERSONALIZE_ROLE_ARN to Personalize (metricsOutputConfig).
  'metric-attribution': [
    'iam:PassRole',
    'personalize:CreateMetricAttribution',
    'personalize:DeleteMetricAttribution',
    'personalize:DescribeMetricAttribution',
    'personalize:ListMetricAttributionMetrics',
    'personalize:ListMetricAttributions',
    'personalize:UpdateMetricAttribution',
  ],
  solution: ['personalize:CreateSolution', 'personalize:DescribeSolution', 'personalize:TagResource'],
  'solution-version': [
    'personalize:CreateSolutionVersion',
    'personalize:DescribeCampaign',
    'personalize:DescribeSolution',
    'personalize:ListBatchInferenceJobs',
    'personalize:ListBatchSegmentJobs',
    'personalize:ListDatasetImportJobs',
    'personalize:ListDatasets',
    'personalize:ListSolutionVersions',
    'personalize:TagResource',
  ],
  evaluate: ['personalize:DescribeCampaign', 'personalize:GetSolutionMetrics'],
  campaign: [
    'personalize:CreateCampaign',
    'personalize:DescribeCampaign',
    'personalize:TagResource',
    'personalize:UpdateCampaign',
  ],
  poll: [
    'events:PutEvents',
    'personalize:DescribeBatchInferenceJob',
    'personalize:DescribeBatchSegmentJob',
    'personalize:DescribeCampaign',
    'personalize:DescribeDataset',
    'personalize:DescribeDatasetGroup',
    'personalize:DescribeDatasetImportJob',
    'personalize:DescribeEventTracker',
    'personalize:DescribeFilter',
    'personalize:DescribeMetricAttribution',
    'personalize:DescribeRecommender',
    'personalize:DescribeSchema',
    'personalize:DescribeSolution',
    'personalize:DescribeSolutionVersion',
  ],
  'event-tracker': [
    'personalize:CreateEventTracker',
    'personalize:DescribeEventTracker',
    'personalize:ListEventTrackers',
    'personalize:TagResource',
    'ssm:PutParameter',
  ],
  'batch-job': [
    'iam:PassRole',
    'personalize:CreateBatchInferenceJob',
    'personalize:CreateBatchSegmentJob',
    'personalize:DescribeBatchInferenceJob',
    'personalize:DescribeBatchSegmentJob',
    'personalize:ListBatchInferenceJobs',
    'personalize:ListBatchSegmentJobs',
    'personalize:ListSolutionVersions',
    'personalize:TagResource',
  ],
  summary: [
    'cloudwatch:PutMetricData',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'events:PutEvents',
    'personalize:DescribeCampaign',
    'sns:Publish',
    'ssm:PutParameter',
  ],
  'notify-failure': ['events:PutEvents', 'kms:Decrypt', 'kms:GenerateDataKey', 'sns:Publish'],
  // The lease table is encrypted with the project key: DynamoDB decrypts its table key as the caller.
  lease: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'kms:Decrypt'],
  // UpdateSchedule hands the schedule's own role back to Scheduler (the call replaces the whole schedule).
  teardown: [
    'events:DescribeRule',
    'events:DisableRule',
    'events:EnableRule',
    'iam:PassRole',
    'personalize:DeleteCampaign',
    'personalize:DeleteDataset',
    'personalize:DeleteDatasetGroup',
    'personalize:DeleteEventTracker',
    'personalize:DeleteFilter',
    'personalize:DeleteMetricAttribution',
    'personalize:DeleteRecommender',
    'personalize:DeleteSchema',
    'personalize:DeleteSolution',
    'personalize:DescribeDatasetGroup',
    'personalize:ListCampaigns',
    'personalize:ListDatasets',
    'personalize:ListEventTrackers',
    'personalize:ListFilters',
    'personalize:ListMetricAttributions',
    'personalize:ListRecommenders',
    'personalize:ListSchemas',
    'personalize:ListSolutionVersions',
    'personalize:ListSolutions',
    'personalize:StopSolutionVersionCreation',
    'scheduler:GetSchedule',
    'scheduler:UpdateSchedule',
    'ssm:DeleteParameters',
    'ssm:GetParameters',
  ],
};

/**
 * The Create commands the handlers send with `tags` (see the file comment): each implies
 * `personalize:TagResource`. CreateSchema and CreateMetricAttribution take no tags.
 */
export const TAGGED_CREATE_COMMANDS: readonly string[] = [
  'CreateBatchInferenceJob',
  'CreateBatchSegmentJob',
  'CreateCampaign',
  'CreateDataset',
  'CreateDatasetGroup',
  'CreateDatasetImportJob',
  'CreateEventTracker',
  'CreateFilter',
  'CreateRecommender',
  'CreateSolution',
  'CreateSolutionVersion',
];

/** An environment variable the project sets on a pipeline function (Lambda itself sets `AWS_REGION`). */
export type StepVariable =
  | 'ACCOUNT_ID'
  | 'BUCKET_NAME'
  | 'EVENT_BUS_NAME'
  | 'KMS_KEY_ARN'
  | 'LEASE_TABLE_NAME'
  | 'METRICS_NAMESPACE'
  | 'PARAMETER_PREFIX'
  | 'PERSONALIZE_ROLE_ARN'
  | 'PROJECT_NAME'
  | 'TOPIC_ARN';

/**
 * The variables every handler reads through lambda/shared/observability.ts: its metrics' namespace and
 * `Project` dimension.
 */
const OBSERVABILITY = ['METRICS_NAMESPACE', 'PROJECT_NAME'] as const satisfies readonly StepVariable[];

/**
 * The environment variables each pipeline handler reads, and so the only ones its function is given. A test
 * derives the variables from the source each handler bundles and compares.
 */
export const PIPELINE_ENVIRONMENT: Readonly<Record<PipelineStep, readonly StepVariable[]>> = {
  validate: ['BUCKET_NAME', ...OBSERVABILITY],
  'dataset-group': ['ACCOUNT_ID', 'KMS_KEY_ARN', 'PERSONALIZE_ROLE_ARN', ...OBSERVABILITY],
  datasets: [...OBSERVABILITY],
  imports: ['BUCKET_NAME', 'PERSONALIZE_ROLE_ARN', ...OBSERVABILITY],
  filters: [...OBSERVABILITY],
  recommenders: [...OBSERVABILITY],
  'metric-attribution': ['BUCKET_NAME', 'KMS_KEY_ARN', 'PERSONALIZE_ROLE_ARN', ...OBSERVABILITY],
  solution: [...OBSERVABILITY],
  'solution-version': [...OBSERVABILITY],
  evaluate: [...OBSERVABILITY],
  campaign: [...OBSERVABILITY],
  poll: ['EVENT_BUS_NAME', ...OBSERVABILITY],
  'event-tracker': ['PARAMETER_PREFIX', ...OBSERVABILITY],
  'batch-job': ['ACCOUNT_ID', 'BUCKET_NAME', 'KMS_KEY_ARN', 'PERSONALIZE_ROLE_ARN', ...OBSERVABILITY],
  summary: ['ACCOUNT_ID', 'EVENT_BUS_NAME', 'PARAMETER_PREFIX', 'TOPIC_ARN', ...OBSERVABILITY],
  'notify-failure': ['EVENT_BUS_NAME', 'TOPIC_ARN', ...OBSERVABILITY],
  lease: ['LEASE_TABLE_NAME', ...OBSERVABILITY],
  teardown: ['ACCOUNT_ID', 'PARAMETER_PREFIX', ...OBSERVABILITY],
};
