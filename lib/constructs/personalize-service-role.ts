import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { METRIC_ATTRIBUTION_PREFIX } from '../../core/names';
import { acknowledgeWildcardFindings } from './nag';
import { PERSONALIZE_NAMESPACE } from './personalize-metrics';

/** The service principal Amazon Personalize uses to read data and write batch output. */
export const PERSONALIZE_SERVICE_PRINCIPAL = 'personalize.amazonaws.com';

export interface PersonalizeServiceRoleProps {
  /** The bucket that holds datasets and batch job files. */
  readonly bucket: s3.IBucket;
  /** The key the bucket and the dataset group are encrypted with. */
  readonly key: kms.IKey;
  /** Key prefixes Personalize may read (datasets, batch inputs), each ending in `/` or naming one object. */
  readonly readPrefixes: readonly string[];
  /**
   * Key prefixes Personalize may write (batch outputs, and the metric attribution's reports under
   * `metric-attribution/`: with that prefix the role may also publish the attribution's metrics to CloudWatch).
   * @default - none
   */
  readonly writePrefixes?: readonly string[];
}

/**
 * The role Amazon Personalize assumes to import datasets, run batch jobs and report metric attribution: it
 * trusts only `personalize.amazonaws.com` acting for this account, and may only read the dataset prefixes, write
 * the batch output (and metric attribution report) prefixes, use the project's key and, for a metric
 * attribution, put metric data into the `AWS/Personalize` namespace.
 */
export class PersonalizeServiceRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PersonalizeServiceRoleProps) {
    super(scope, id);
    if (props.readPrefixes.length === 0) {
      throw new Error(
        'PersonalizeServiceRole: readPrefixes must name at least one prefix Personalize imports from.',
      );
    }
    const account = Stack.of(this).account;

    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by Amazon Personalize to import datasets and run batch jobs for this project.',
      assumedBy: new iam.ServicePrincipal(PERSONALIZE_SERVICE_PRINCIPAL, {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    });

    const statements = [
      new iam.PolicyStatement({
        sid: 'ListDatasetPrefixes',
        actions: ['s3:ListBucket'],
        resources: [props.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': props.readPrefixes.map(asPrefixPattern) } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadDatasets',
        actions: ['s3:GetObject'],
        resources: props.readPrefixes.map((p) => props.bucket.arnForObjects(asPrefixPattern(p))),
      }),
      ...(props.writePrefixes && props.writePrefixes.length > 0
        ? [
            new iam.PolicyStatement({
              sid: 'WriteBatchOutput',
              actions: ['s3:PutObject'],
              resources: props.writePrefixes.map((p) => props.bucket.arnForObjects(asPrefixPattern(p))),
            }),
          ]
        : []),
      ...(props.writePrefixes?.includes(METRIC_ATTRIBUTION_PREFIX)
        ? [
            new iam.PolicyStatement({
              sid: 'PublishAttributionMetrics',
              actions: ['cloudwatch:PutMetricData'],
              resources: ['*'],
              conditions: { StringEquals: { 'cloudwatch:namespace': PERSONALIZE_NAMESPACE } },
            }),
          ]
        : []),
      new iam.PolicyStatement({
        sid: 'UseProjectKey',
        actions: [
          'kms:Decrypt',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
          'kms:CreateGrant',
          'kms:ListGrants',
        ],
        resources: [props.key.keyArn],
      }),
    ];
    const policy = new iam.Policy(this, 'Policy', { statements });
    policy.attachToRole(this.role);
    // Prefixes are the narrowest scope the import and batch APIs accept: they take a folder, not a file list.
    const reasons = (prefixes: readonly string[], does: string) =>
      prefixes
        .filter((prefix) => prefix.endsWith('/'))
        .map(
          (prefix) =>
            [props.bucket.arnForObjects(asPrefixPattern(prefix)), `Personalize ${does} ${prefix}*.`] as const,
        );
    acknowledgeWildcardFindings(policy, policy.document, [
      ...reasons(props.readPrefixes, 'reads the objects (datasets or batch input) under'),
      ...reasons(props.writePrefixes ?? [], 'writes batch output (or metric attribution reports) under'),
    ]);
  }
}

/** `datasets/interactions/` → `datasets/interactions/*`; a single object key stays as it is. */
export function asPrefixPattern(prefix: string): string {
  return prefix.endsWith('/') ? `${prefix}*` : prefix;
}
