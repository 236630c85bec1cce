import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
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
  /**
   * Use the data bucket and key a destroyed deployment retained instead of creating them (config
   * `existingDataBucket`): the bucket `<projectName>-<account>-<region>` and the key `keyArn`, or the key of the
   * alias `alias/<projectName>-data` (retained with the key), looked up at synth.
   * @default - create the key, the data bucket and its access-log bucket
   */
  readonly existingDataBucket?: { readonly keyArn?: string | undefined };
}

/**
 * The project's data layer: one customer-managed KMS key, the data bucket Personalize imports from
 * (and writes batch output to), its access-log bucket, and the role Personalize assumes. The key and the
 * buckets outlive the stack (RETAIN); with `existingDataBucket` a new deployment uses the retained bucket and
 * key, and gives the bucket its policy again.
 */
export class DataStack extends Stack {
  public readonly key: kms.IKey;
  public readonly bucket: s3.IBucket;
  /** The bucket the data bucket's access logs go to; none when the data bucket is an existing one. */
  public readonly accessLogBucket?: s3.Bucket;
  public readonly personalizeRole: iam.Role;
  private readonly projectName: string;
  /** The data bucket's policy: the bucket's own, or one made here for an existing bucket. */
  private readonly addToBucketPolicy: (statement: iam.PolicyStatement) => void;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.projectName = props.projectName;
    const removalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN;
    const writePrefixes = props.writePrefixes ?? [];

    if (props.existingDataBucket) {
      // The retained key keeps the key policy the first deployment gave it; the retained bucket keeps its
      // encryption, versioning, access logging and EventBridge notifications, but its policy went with the stack.
      this.key = this.existingKey(props.existingDataBucket.keyArn);
      this.bucket = s3.Bucket.fromBucketAttributes(this, 'DataBucket', {
        bucketName: dataBucketName(props.projectName),
        encryptionKey: this.key,
      });
      // Deleted with the stack, as the bucket's own policy is: a later redeploy makes it again.
      const policy = new s3.BucketPolicy(this, 'DataBucketPolicy', { bucket: this.bucket });
      this.addToBucketPolicy = (statement) => policy.document.addStatements(statement);
      this.enforceTls();
    } else {
      const key = this.createKey(props.projectName, removalPolicy);
      this.key = key;
      this.accessLogBucket = this.createAccessLogBucket(removalPolicy, props.accessLogRetentionDays ?? 365);
      const bucket = this.createDataBucket(
        key,
        this.accessLogBucket,
        removalPolicy,
        props.noncurrentVersionRetentionDays ?? 30,
      );
      this.bucket = bucket;
      this.addToBucketPolicy = (statement) => bucket.addToResourcePolicy(statement);
      this.allowPersonalizeOnKey(key);
      this.allowLogsOnKey(key);
      this.allowAlarmsOnKey(key);
    }
    this.allowPersonalizeOnBucket(props.readPrefixes, writePrefixes);

    this.personalizeRole = new PersonalizeServiceRole(this, 'PersonalizeServiceRole', {
      bucket: this.bucket,
      key: this.key,
      readPrefixes: props.readPrefixes,
      writePrefixes,
    }).role;

    new CfnOutput(this, 'DataBucketName', {
      description:
        'The data bucket: datasets under their dataLocation, configs under config/, batch files under batch/',
      value: this.bucket.bucketName,
    });
    new CfnOutput(this, 'DataKeyArn', {
      description:
        'The project key; retained with the bucket by cdk destroy (see existingDataBucket to reuse both)',
      value: this.key.keyArn,
    });
  }

  /**
   * The retained key: by its ARN, or looked up by its alias (which needs the stack's account and region, so that
   * `cdk synth` can ask KMS).
   */
  private existingKey(keyArn: string | undefined): kms.IKey {
    if (keyArn !== undefined) return kms.Key.fromKeyArn(this, 'DataKey', keyArn);
    if (Token.isUnresolved(this.account) || Token.isUnresolved(this.region)) {
      throw new Error(
        `existingDataBucket: the key of alias/${this.projectName}-data can only be looked up for a known account and region; deploy with credentials (CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION) or set existingDataBucket.keyArn.`,
      );
    }
    return kms.Key.fromLookup(this, 'DataKey', { aliasName: `alias/${this.projectName}-data` });
  }

  /** What `enforceSSL` and `minimumTLSVersion` add to a bucket's policy, for the existing bucket's new policy. */
  private enforceTls(): void {
    const everyone = [new iam.AnyPrincipal()];
    const resources = [this.bucket.bucketArn, this.bucket.arnForObjects('*')];
    this.addToBucketPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: ['s3:*'],
        resources,
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    this.addToBucketPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: ['s3:*'],
        resources,
        conditions: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
    );
  }

  private createKey(projectName: string, removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'DataKey', {
      description: `${projectName}: encrypts datasets, batch files, the Personalize dataset group, topics, queues and logs`,
      alias: `alias/${projectName}-data`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // The alias goes (or stays) with the key, so a redeploy with `existingDataBucket` finds the retained key by it.
    for (const alias of key.node.children.filter((child) => child instanceof kms.Alias))
      alias.applyRemovalPolicy(removalPolicy);
    return key;
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

  private createDataBucket(
    key: kms.IKey,
    accessLogBucket: s3.IBucket,
    removalPolicy: RemovalPolicy,
    noncurrentDays: number,
  ): s3.Bucket {
    const bucket = new s3.Bucket(this, 'DataBucket', {
      bucketName: dataBucketName(this.projectName),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogBucket,
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
    this.addToBucketPolicy(
      new iam.PolicyStatement({
        sid: 'PersonalizeListDatasetPrefixes',
        principals: [principal],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { ...thisAccount, StringLike: { 's3:prefix': readPrefixes.map(asPrefixPattern) } },
      }),
    );
    this.addToBucketPolicy(
      new iam.PolicyStatement({
        sid: 'PersonalizeReadDatasets',
        principals: [principal],
        actions: ['s3:GetObject'],
        resources: readPrefixes.map((p) => this.bucket.arnForObjects(asPrefixPattern(p))),
        conditions: thisAccount,
      }),
    );
    if (writePrefixes.length > 0) {
      this.addToBucketPolicy(
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
  private allowPersonalizeOnKey(key: kms.Key): void {
    key.addToResourcePolicy(
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
  private allowAlarmsOnKey(key: kms.Key): void {
    key.addToResourcePolicy(alarmsOfThisAccount(this, ['kms:Decrypt', 'kms:GenerateDataKey*'], ['*']));
  }

  /** CloudWatch Logs may encrypt this account's log groups (pipeline, API and functions) with the key. */
  private allowLogsOnKey(key: kms.Key): void {
    key.addToResourcePolicy(
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
