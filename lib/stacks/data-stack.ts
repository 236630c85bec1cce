import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { alarmsOfThisAccount } from '../constructs/alarm-access';
import { dataBucketName } from '../constructs/names';
import {
  asPrefixPattern,
  PERSONALIZE_SERVICE_PRINCIPAL,
  PersonalizeServiceRole,
} from '../constructs/personalize-service-role';

export interface DataStackProps extends StackProps {
  /** Prefix of every resource name; used in the key alias and descriptions. */
  readonly projectName: string;
  /** Bucket key prefixes Personalize imports from (dataset locations, batch inputs). */
  readonly readPrefixes: readonly string[];
  /** Bucket key prefixes Personalize writes to (batch outputs). @default - none */
  readonly writePrefixes?: readonly string[];
  /**
   * What happens to the key, the buckets and their objects when the stack is deleted.
   * @default RemovalPolicy.RETAIN — data outlives the stack
   */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /** Days noncurrent object versions are kept before they expire. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Days server access logs are kept. @default 365 */
  readonly accessLogRetentionDays?: number;
}

/**
 * The project's data layer: one customer-managed KMS key, the data bucket Personalize imports from
 * (and writes batch output to), its access-log bucket, and the role Personalize assumes.
 */
export class DataStack extends Stack {
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;
  public readonly personalizeRole: iam.Role;
  private readonly projectName: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.projectName = props.projectName;
    const removalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN;
    const writePrefixes = props.writePrefixes ?? [];

    this.key = this.createKey(props.projectName, removalPolicy);
    this.accessLogBucket = this.createAccessLogBucket(removalPolicy, props.accessLogRetentionDays ?? 365);
    this.bucket = this.createDataBucket(removalPolicy, props.noncurrentVersionRetentionDays ?? 30);
    this.allowPersonalizeOnBucket(props.readPrefixes, writePrefixes);
    this.allowPersonalizeOnKey();
    this.allowLogsOnKey();
    this.allowAlarmsOnKey();

    this.personalizeRole = new PersonalizeServiceRole(this, 'PersonalizeServiceRole', {
      bucket: this.bucket,
      key: this.key,
      readPrefixes: props.readPrefixes,
      writePrefixes,
    }).role;
  }

  private createKey(projectName: string, removalPolicy: RemovalPolicy): kms.Key {
    return new kms.Key(this, 'DataKey', {
      description: `${projectName}: encrypts datasets, batch files, the Personalize dataset group, topics, queues and logs`,
      alias: `alias/${projectName}-data`,
      enableKeyRotation: true,
      removalPolicy,
    });
  }

  private createAccessLogBucket(removalPolicy: RemovalPolicy, retentionDays: number): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogBucket', {
      // S3 server access logging can only deliver to buckets encrypted with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(retentionDays) },
        { id: 'expire-noncurrent-logs', noncurrentVersionExpiration: Duration.days(7) },
      ],
      removalPolicy,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: "This bucket receives the data bucket's server access logs; logging it into itself would loop.",
    });
    return bucket;
  }

  private createDataBucket(removalPolicy: RemovalPolicy, noncurrentDays: number): s3.Bucket {
    const bucket = new s3.Bucket(this, 'DataBucket', {
      bucketName: dataBucketName(this.projectName),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(noncurrentDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
    // Config uploads start the pipeline through EventBridge. Set natively on the bucket rather than with
    // `eventBridgeEnabled`, which adds a custom resource and a Lambda function to do the same.
    (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
      'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
      true,
    );
    return bucket;
  }

  /** Personalize may list and read only the dataset prefixes and write only batch outputs, for this account. */
  private allowPersonalizeOnBucket(readPrefixes: readonly string[], writePrefixes: readonly string[]): void {
    const principal = new iam.ServicePrincipal(PERSONALIZE_SERVICE_PRINCIPAL);
    const thisAccount = { StringEquals: { 'aws:SourceAccount': this.account } };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PersonalizeListDatasetPrefixes',
        principals: [principal],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { ...thisAccount, StringLike: { 's3:prefix': readPrefixes.map(asPrefixPattern) } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PersonalizeReadDatasets',
        principals: [principal],
        actions: ['s3:GetObject'],
        resources: readPrefixes.map((p) => this.bucket.arnForObjects(asPrefixPattern(p))),
        conditions: thisAccount,
      }),
    );
    if (writePrefixes.length > 0) {
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PersonalizeWriteBatchOutput',
          principals: [principal],
          actions: ['s3:PutObject'],
          resources: writePrefixes.map((p) => this.bucket.arnForObjects(asPrefixPattern(p))),
          conditions: thisAccount,
        }),
      );
    }
  }

  /** Personalize may use the key (for the dataset group, imports and batch jobs) only on this account's behalf. */
  private allowPersonalizeOnKey(): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowPersonalizeForThisAccount',
        principals: [new iam.ServicePrincipal(PERSONALIZE_SERVICE_PRINCIPAL)],
        actions: [
          'kms:Decrypt',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
          'kms:CreateGrant',
          'kms:ListGrants',
        ],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
  }

  /**
   * CloudWatch alarms of this account may publish to topics encrypted with the key (the notification topic);
   * without this, an alarm's notification is dropped silently.
   */
  private allowAlarmsOnKey(): void {
    this.key.addToResourcePolicy(alarmsOfThisAccount(this, ['kms:Decrypt', 'kms:GenerateDataKey*'], ['*']));
  }

  /** CloudWatch Logs may encrypt this account's log groups (pipeline, API and functions) with the key. */
  private allowLogsOnKey(): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
  }
}
