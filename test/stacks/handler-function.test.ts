import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  HandlerFunction,
  type HandlerFunctionProps,
  VPC_ACCESS_ACTIONS,
} from '../../lib/constructs/handler-function';
import { testApp } from '../util/app';

function build(overrides: Partial<HandlerFunctionProps> = {}): { stack: Stack; fn: HandlerFunction } {
  const stack = new Stack(testApp(), 'Functions');
  const fn = new HandlerFunction(stack, 'Poll', {
    entry: 'lambda/pipeline/poll.ts',
    description: 'poll',
    encryptionKey: new kms.Key(stack, 'Key'),
    ...overrides,
  });
  return { stack, fn };
}

describe('HandlerFunction', () => {
  test('is one new away from Node.js 22 on ARM64, JSON logs, tracing, source maps and its own role', () => {
    // Act
    const { stack, fn } = build({ environment: { PROJECT_NAME: 'p' } });
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 300,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'personalize-pipeline',
          PROJECT_NAME: 'p',
        },
      },
    });
    template.resourceCountIs('AWS::IAM::Role', 1);
    expect(fn.grantPrincipal).toBe(fn.role);
  });

  test('names its Powertools service after serviceName', () => {
    const template = Template.fromStack(build({ serviceName: 'personalize-serving' }).stack);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'personalize-serving' } },
    });
  });

  test('with a network, runs in its subnets and security group, and lets Lambda manage only its interfaces there', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Functions');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const securityGroup = new ec2.SecurityGroup(stack, 'Group', { vpc, allowAllOutbound: false });

    // Act
    const fn = new HandlerFunction(stack, 'Poll', {
      entry: 'lambda/pipeline/poll.ts',
      description: 'poll',
      encryptionKey: new kms.Key(stack, 'Key'),
      network: { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroup },
    });
    const template = Template.fromStack(stack);
    const id = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as never);
    const policy = fn.networkPolicy;

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: id(subnet) })),
        SecurityGroupIds: [{ 'Fn::GetAtt': [id(securityGroup), 'GroupId'] }],
      },
    });
    expect(policy).toBeDefined();
    const statements = stack.resolve(policy?.document.toJSON()).Statement as Array<{
      Action: string | string[];
      Resource: unknown;
    }>;
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([...VPC_ACCESS_ACTIONS].sort());
    const onAny = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(onAny.sort()).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions[0]?.DependsOn).toContain(id(policy as never));
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.map((role) => role.Properties.ManagedPolicyArns)).toEqual([undefined]);
  });

  test('without a network, is in no VPC and holds no EC2 permission', () => {
    // Act
    const { stack, fn } = build();
    const template = Template.fromStack(stack);

    // Assess
    expect(fn.networkPolicy).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toMatch(/VpcConfig|ec2:/);
  });

  test.each([
    [{ entry: '/abs/lambda/pipeline/poll.ts' }, /entry must be a \.ts file relative to the project root/],
    [{ entry: 'lambda/pipeline/poll.js' }, /entry must be a \.ts file relative to the project root/],
    [{ environment: { NODE_OPTIONS: '' } }, /environment may not set NODE_OPTIONS/],
    [{ memorySize: 64 }, /memorySize must be a whole number of MB from 128 to 10240, got 64/],
  ] as Array<[Partial<HandlerFunctionProps>, RegExp]>)('refuses %j, naming the prop', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
