/**
 * The IAM actions each pipeline handler needs, for least-privilege roles (one role per function).
 *
 * `PIPELINE_PERMISSIONS` lists, per handler file, exactly the API calls in the source it bundles
 * (each SDK command as its IAM action; `ListObjectsV2` is `s3:ListBucket`), plus the actions those
 * calls imply: `kms:Decrypt` to read SSE-KMS objects, `kms:GenerateDataKey` + `kms:Decrypt` to
 * publish to the KMS-encrypted topic, and `iam:PassRole` where a call hands PERSONALIZE_ROLE_ARN to
 * Personalize. A test derives the commands from the source and compares.
 *
 * `TAG_ON_CREATE` names the handlers whose Create calls carry the config's tags: in AWS, tagging at
 * creation is also authorized as `personalize:TagResource` when the config has tags.
 */

export type PipelineStep =
  | 'validate'
  | 'dataset-group'
  | 'datasets'
  | 'imports'
  | 'filters'
  | 'solution'
  | 'solution-version'
  | 'evaluate'
  | 'campaign'
  | 'poll'
  | 'event-tracker'
  | 'batch-job'
  | 'summary'
  | 'notify-failure'
  | 'teardown';

export const PIPELINE_PERMISSIONS: Readonly<Record<PipelineStep, readonly string[]>> = {
  validate: ['kms:Decrypt', 's3:GetObject', 's3:ListBucket'],
  'dataset-group': [
    'iam:PassRole',
    'personalize:CreateDatasetGroup',
    'personalize:CreateSchema',
    'personalize:DescribeDatasetGroup',
    'personalize:DescribeSchema',
  ],
  datasets: ['personalize:CreateDataset', 'personalize:DescribeDataset', 'personalize:UpdateDataset'],
  imports: [
    'iam:PassRole',
    'personalize:CreateDatasetImportJob',
    'personalize:ListDatasetImportJobs',
    's3:ListBucket',
  ],
  filters: ['personalize:CreateFilter', 'personalize:DeleteFilter', 'personalize:ListFilters'],
  solution: ['personalize:CreateSolution', 'personalize:DescribeSolution'],
  'solution-version': [
    'personalize:CreateSolutionVersion',
    'personalize:DescribeSolution',
    'personalize:ListDatasetImportJobs',
    'personalize:ListDatasets',
    'personalize:ListSolutionVersions',
  ],
  evaluate: ['personalize:DescribeCampaign', 'personalize:GetSolutionMetrics'],
  campaign: ['personalize:CreateCampaign', 'personalize:DescribeCampaign', 'personalize:UpdateCampaign'],
  poll: [
    'personalize:DescribeBatchInferenceJob',
    'personalize:DescribeBatchSegmentJob',
    'personalize:DescribeCampaign',
    'personalize:DescribeDataset',
    'personalize:DescribeDatasetGroup',
    'personalize:DescribeDatasetImportJob',
    'personalize:DescribeEventTracker',
    'personalize:DescribeFilter',
    'personalize:DescribeSchema',
    'personalize:DescribeSolution',
    'personalize:DescribeSolutionVersion',
  ],
  'event-tracker': [
    'personalize:CreateEventTracker',
    'personalize:DescribeEventTracker',
    'personalize:ListEventTrackers',
    'ssm:PutParameter',
  ],
  'batch-job': [
    'iam:PassRole',
    'personalize:CreateBatchInferenceJob',
    'personalize:CreateBatchSegmentJob',
    'personalize:ListSolutionVersions',
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
  teardown: [
    'personalize:DeleteCampaign',
    'personalize:DeleteDataset',
    'personalize:DeleteDatasetGroup',
    'personalize:DeleteEventTracker',
    'personalize:DeleteFilter',
    'personalize:DeleteSchema',
    'personalize:DeleteSolution',
    'personalize:DescribeDatasetGroup',
    'personalize:ListCampaigns',
    'personalize:ListDatasets',
    'personalize:ListEventTrackers',
    'personalize:ListFilters',
    'personalize:ListSchemas',
    'personalize:ListSolutions',
    'ssm:DeleteParameters',
    'ssm:GetParameters',
  ],
};

/** Handlers whose Create calls carry the config's tags (see the file comment). */
export const TAG_ON_CREATE: readonly PipelineStep[] = [
  'dataset-group',
  'datasets',
  'imports',
  'filters',
  'solution',
  'solution-version',
  'campaign',
  'event-tracker',
  'batch-job',
];
