import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { renderCfnReference } from '../../lib/constructs/cfn-reference';
import { acknowledgeRoleWildcards } from '../../lib/constructs/nag';
import {
  grantScoped,
  scopedStatements,
  type ScopeTable,
  wildcardReasonsOf,
} from '../../lib/constructs/permissions';

const TABLE: ScopeTable = {
  personalize: [
    { operations: /^List/, scope: { sid: 'PersonalizeList', resources: ['*'] } },
    {
      scope: {
        sid: 'Personalize',
        resources: [
          'arn:aws:personalize:eu-west-1:1:dataset-group/p',
          'arn:aws:personalize:eu-west-1:1:dataset/p/*',
        ],
        wildcardReasons: { 'arn:aws:personalize:eu-west-1:1:dataset/p/*': 'The datasets of group p.' },
      },
    },
  ],
  s3: [
    { operations: ['ListBucket'], scope: { sid: 'S3Bucket', resources: ['arn:aws:s3:::b'] } },
    { scope: { sid: 'S3Objects', resources: ['arn:aws:s3:::b/*'] } },
  ],
  cloudwatch: [
    {
      operations: ['PutMetricData'],
      scope: {
        sid: 'Metrics',
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'N' } },
      },
    },
  ],
};

function roleIn(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('scopedStatements', () => {
  test('gives each action the scope of the first rule of its service that covers it, one statement per scope', () => {
    // Act
    const statements = scopedStatements(
      [
        'personalize:ListFilters',
        'personalize:CreateFilter',
        'personalize:ListSchemas',
        'cloudwatch:PutMetricData',
      ],
      TABLE,
    ).map((s) => s.toStatementJson() as Record<string, unknown>);

    // Assess
    expect(statements).toEqual([
      {
        Sid: 'PersonalizeList',
        Effect: 'Allow',
        Action: ['personalize:ListFilters', 'personalize:ListSchemas'],
        Resource: '*',
      },
      {
        Sid: 'Personalize',
        Effect: 'Allow',
        Action: 'personalize:CreateFilter',
        Resource: [
          'arn:aws:personalize:eu-west-1:1:dataset-group/p',
          'arn:aws:personalize:eu-west-1:1:dataset/p/*',
        ],
      },
      {
        Sid: 'Metrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'N' } },
      },
    ]);
  });

  test('fails for an action of a service the table has no entry for, naming the action and the service', () => {
    expect(() => scopedStatements(['sqs:SendMessage'], TABLE)).toThrow(
      /No resource scope for sqs:SendMessage: the scope table has no "sqs" entry/,
    );
  });

  test('fails for an action no rule of its service covers', () => {
    expect(() => scopedStatements(['cloudwatch:GetMetricData'], TABLE)).toThrow(
      /No resource scope for cloudwatch:GetMetricData: no rule of the scope table's "cloudwatch" entry covers GetMetricData/,
    );
  });

  test('refuses "*" for an action IAM can scope to a resource', () => {
    const table: ScopeTable = { sns: [{ scope: { sid: 'Sns', resources: ['*'] } }] };

    expect(() => scopedStatements(['sns:Publish'], table)).toThrow(/grants sns:Publish on "\*"/);
  });

  test('refuses a pattern with a "*" whose scope does not say why it is narrow enough', () => {
    expect(() => scopedStatements(['s3:GetObject'], TABLE)).toThrow(
      /"S3Objects" has the pattern arn:aws:s3:::b\/\* without a wildcardReasons entry/,
    );
  });
});

describe('acknowledgeRoleWildcards', () => {
  test('acknowledges each wildcard finding once: "*" with every action on it, patterns with their reason', () => {
    // Prepare
    const stack = new Stack(new App(), 'S');
    const role = roleIn(stack);
    grantScoped(
      role,
      ['personalize:ListFilters', 'personalize:DeleteFilter', 'cloudwatch:PutMetricData'],
      TABLE,
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }),
    );

    // Act
    const ids = acknowledgeRoleWildcards(role, wildcardReasonsOf(TABLE));

    // Assess
    expect(ids.sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:aws:personalize:eu-west-1:1:dataset/p/*]',
    ]);
    const reasons = role.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(reasons).toEqual(
      expect.arrayContaining([
        'The datasets of group p.',
        'IAM offers no resource-level permission for these actions, so they are granted on "*": ' +
          'CloudWatch custom metrics (cloudwatch:PutMetricData only where cloudwatch:namespace StringEquals N); ' +
          'Personalize List calls (personalize:ListFilters); X-Ray tracing (xray:PutTraceSegments).',
      ]),
    );
  });

  test('refuses an action on "*" that is not in UNSCOPED_ACTIONS', () => {
    const stack = new Stack(new App(), 'S');
    const role = roleIn(stack);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));

    expect(() => acknowledgeRoleWildcards(role)).toThrow(
      /holds sqs:SendMessage on "\*", which is not in UNSCOPED_ACTIONS/,
    );
  });

  test('refuses a wildcard pattern nobody gave a reason for', () => {
    const stack = new Stack(new App(), 'S');
    const role = roleIn(stack);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }),
    );

    expect(() => acknowledgeRoleWildcards(role)).toThrow(
      /no reason is recorded for the wildcard resource arn:aws:s3:::b\/\*/,
    );
  });

  test('refuses to acknowledge a wildcard action', () => {
    const stack = new Stack(new App(), 'S');
    const role = roleIn(stack);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['arn:aws:s3:::b'] }),
    );

    expect(() => acknowledgeRoleWildcards(role)).toThrow(/refusing to acknowledge the action s3:Get\*/);
  });
});

describe('renderCfnReference', () => {
  test.each([
    [{ Ref: 'AWS::Region' }, '<AWS::Region>'],
    [{ 'Fn::GetAtt': ['Fn1234', 'Arn'] }, '<Fn1234.Arn>'],
    [
      {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::GetAtt': ['B', 'Arn'] }, '/*']],
      },
      'arn:<AWS::Partition>:s3:::<B.Arn>/*',
    ],
    [{ 'Fn::ImportValue': 'data:Key' }, 'data:Key'],
    ['arn:aws:s3:::${aws:username}/*', 'arn:aws:s3:::<aws:username>/*'],
    [{ 'Fn::Select': [0, ['a']] }, '{"Fn::Select":[0,["a"]]}'],
  ])('renders %j as cdk-nag names it: %s', (value, rendered) => {
    expect(renderCfnReference(value)).toBe(rendered);
  });
});
