import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HandlerFunction, type HandlerFunctionProps } from '../../lib/constructs/handler-function';
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

  test.each([
    [{ entry: '/abs/lambda/pipeline/poll.ts' }, /entry must be a \.ts file relative to the project root/],
    [{ entry: 'lambda/pipeline/poll.js' }, /entry must be a \.ts file relative to the project root/],
    [{ environment: { NODE_OPTIONS: '' } }, /environment may not set NODE_OPTIONS/],
    [{ memorySize: 64 }, /memorySize must be a whole number of MB from 128 to 10240, got 64/],
  ] as Array<[Partial<HandlerFunctionProps>, RegExp]>)('refuses %j, naming the prop', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
