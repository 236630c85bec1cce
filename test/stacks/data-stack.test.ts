import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DataStack, type DataStackProps } from '../../lib/stacks/data-stack';
import { testApp } from '../util/app';

const ACCOUNT = '111122223333';

function synth(overrides: Partial<DataStackProps> = {}): Template {
  const app = testApp();
  const stack = new DataStack(app, 'Data', {
    env: { account: ACCOUNT, region: 'eu-west-1' },
    projectName: 'shop-recs',
    readPrefixes: ['datasets/interactions/', 'datasets/items/', 'batch/nightly/input/'],
    writePrefixes: ['batch/nightly/output/'],
    ...overrides,
  });
  return Template.fromStack(stack);
}

function dataBucket(template: Template): { id: string; props: Record<string, unknown> } {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })] },
    },
  });
  const [id, resource] = Object.entries(buckets)[0] ?? [];
  if (!id) throw new Error('no KMS-encrypted data bucket in the template');
  return { id, props: (resource as { Properties: Record<string, unknown> }).Properties };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: { Service?: string };
  Condition?: unknown;
}

function personalizeBucketStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => s.Principal?.Service === 'personalize.amazonaws.com');
}

/** `{ Fn::Join: ['', [bucketArn, '/datasets/items/*']] }` → `/datasets/items/*` */
function objectSuffixes(resource: unknown): string[] {
  return [resource].flat().map((r) => {
    const parts = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return String(parts[parts.length - 1]);
  });
}

describe('DataStack', () => {
  const template = synth();

  test('the KMS key rotates automatically', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the data bucket is encrypted with the project key and uses a bucket key', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
    });
  });

  test('every bucket blocks all public access', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  test('every bucket denies requests that do not use TLS', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  test('the data bucket requires TLS 1.2 or newer', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('the data bucket is versioned, logs access to the log bucket and expires old versions', () => {
    const { props } = dataBucket(template);
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogBucket/) },
      LogFilePrefix: 'data-bucket/',
    });
    expect(props.LifecycleConfiguration).toEqual({
      Rules: [
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
      ],
    });
  });

  test('the data bucket sends events to EventBridge so config uploads can start the pipeline', () => {
    const { props } = dataBucket(template);
    expect(props.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
  });

  test('the key and the buckets are retained when the stack is deleted', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
  });

  test('data can be made disposable on request', () => {
    const disposable = synth({ dataRemovalPolicy: RemovalPolicy.DESTROY });
    disposable.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('the bucket policy lets Personalize only read the dataset prefixes for this account', () => {
    const statement = personalizeBucketStatements(template).find((s) => s.Sid === 'PersonalizeReadDatasets');
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    });
    expect(objectSuffixes(statement?.Resource).sort()).toEqual([
      '/batch/nightly/input/*',
      '/datasets/interactions/*',
      '/datasets/items/*',
    ]);
  });

  test('the bucket policy lets Personalize list only the dataset prefixes and write only batch output', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'PersonalizeListDatasetPrefixes',
            Action: 's3:ListBucket',
            Condition: {
              StringEquals: { 'aws:SourceAccount': ACCOUNT },
              StringLike: {
                's3:prefix': ['datasets/interactions/*', 'datasets/items/*', 'batch/nightly/input/*'],
              },
            },
          }),
          Match.objectLike({
            Sid: 'PersonalizeWriteBatchOutput',
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/batch/nightly/output/*']],
            },
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          }),
        ]),
      },
    });
  });

  test('no Personalize statement in the bucket policy grants a wildcard action', () => {
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Effect: string; Action: string | string[] }>,
    );
    for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
      for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
    }
  });

  test('the key policy lets Personalize use the key only on behalf of this account', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowPersonalizeForThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'personalize.amazonaws.com' },
            Action: [
              'kms:CreateGrant',
              'kms:Decrypt',
              'kms:DescribeKey',
              'kms:GenerateDataKey',
              'kms:ListGrants',
            ],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          },
        ]),
      },
    });
  });

  test('the Personalize role trusts only Personalize acting for this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'personalize.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          },
        ],
      },
    });
  });

  test('the Personalize role may read the dataset prefixes, write batch output and use only the project key', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ReadDatasets', Action: 's3:GetObject' }),
          Match.objectLike({ Sid: 'WriteBatchOutput', Action: 's3:PutObject' }),
          Match.objectLike({
            Sid: 'UseProjectKey',
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
          }),
        ]),
      },
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const actions = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((s) =>
        [s.Action].flat(),
      ),
    );
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  test('a stack without batch jobs grants Personalize no write access', () => {
    const readOnly = synth({ writePrefixes: [] });
    const actions = personalizeBucketStatements(readOnly).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(['s3:ListBucket', 's3:GetObject']);
    expect(JSON.stringify(readOnly.findResources('AWS::IAM::Policy'))).not.toContain('s3:PutObject');
  });

  test('a role without any dataset prefix is rejected with a message naming the prop', () => {
    expect(() => synth({ readPrefixes: [] })).toThrow(/readPrefixes must name at least one prefix/);
  });
});

describe('DataStack key policy for CloudWatch Logs', () => {
  test('lets CloudWatch Logs use the key only for log groups of this account and region', () => {
    synth().hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsForThisAccount',
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111122223333:log-group:*',
              },
            },
          }),
        ]),
      },
    });
  });
});
