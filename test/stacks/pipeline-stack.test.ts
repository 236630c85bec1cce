import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { PIPELINE_ENVIRONMENT, PIPELINE_PERMISSIONS, type PipelineStep } from '../../core/pipeline-steps';
import { FIXED_ENVIRONMENT_VARIABLES } from '../../lib/constructs/handler-function';
import { stateMachinesOf, type CfnTemplate } from '../../local/harness/definitions';
import { validateDefinition } from '../../local/harness/runner';
import { testApp } from '../util/app';

const sample = loadConfig('personalize.config.json');

function synth(config: PipelineConfig = sample) {
  const app = testApp();
  const stacks = buildApp(app, config, { env: { account: '111122223333', region: 'eu-west-1' } });
  return { stacks, pipeline: Template.fromStack(stacks.pipeline), data: Template.fromStack(stacks.data) };
}

const { stacks, pipeline, data } = synth();

describe('PipelineStack', () => {
  test('both workflows are Standard state machines with tracing and logging of every event but no execution data', () => {
    const machines = pipeline.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(2);
    for (const machine of Object.values(machines)) {
      expect(machine.Properties.StateMachineType).toBe('STANDARD');
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(machine.Properties.LoggingConfiguration).toMatchObject({
        Level: 'ALL',
        IncludeExecutionData: false,
      });
    }
  });

  test('asl-validator accepts every state machine definition', () => {
    const machines = stateMachinesOf(pipeline.toJSON() as CfnTemplate);
    expect(machines.map((m) => m.logicalId).sort()).toEqual([
      expect.stringMatching(/^Pipeline/),
      expect.stringMatching(/^Teardown/),
    ]);
    for (const machine of machines) expect(() => validateDefinition(machine.definition)).not.toThrow();
  });

  test('the definitions use JSONPath only: no JSONata and no variables', () => {
    const json = JSON.stringify(pipeline.findResources('AWS::StepFunctions::StateMachine'));
    expect(json).not.toContain('JSONata');
    expect(json).not.toContain('\\"Assign\\"');
  });

  test('every function runs Node.js 22 on ARM64 with tracing and its own encrypted log group', () => {
    const functions = Object.values(pipeline.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(15);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } },
      });
    }
    for (const group of Object.values(pipeline.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId).toBeDefined();
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  test('the notification topic is encrypted with the project key and accepts TLS only', () => {
    pipeline.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    pipeline.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('a config uploaded under config/ in the data bucket starts a run with that config', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ wildcard: 'config/*.json' }] } },
      },
      Targets: [
        Match.objectLike({ InputTransformer: Match.objectLike({ InputPathsMap: Match.anyValue() }) }),
      ],
    });
  });

  test('each configured schedule becomes one EventBridge Scheduler schedule with the matching input', () => {
    const schedules = Object.values(pipeline.findResources('AWS::Scheduler::Schedule')).map((s) => ({
      expression: s.Properties.ScheduleExpression,
      input: JSON.parse(s.Properties.Target.Input as string) as unknown,
    }));
    expect(schedules).toEqual(
      expect.arrayContaining([
        {
          expression: 'cron(0 3 ? * SUN *)',
          input: { solutions: ['user-personalization'], trainingMode: 'FULL' },
        },
        {
          expression: 'cron(0 3 ? * MON-SAT *)',
          input: { solutions: ['user-personalization'], trainingMode: 'UPDATE' },
        },
        { expression: 'cron(0 2 * * ? *)', input: { solutions: [], batchJobs: ['nightly-recs'] } },
      ]),
    );
    expect(schedules).toHaveLength(3);
  });

  test('removing a schedule from the config removes it from the deployment', () => {
    const withoutUpdate: PipelineConfig = {
      ...sample,
      solutions: sample.solutions.map((s) =>
        s.schedule ? { ...s, schedule: { full: s.schedule.full } } : s,
      ),
    };
    const expressions = Object.values(
      synth(withoutUpdate).pipeline.findResources('AWS::Scheduler::Schedule'),
    ).map((s) => s.Properties.ScheduleExpression as string);
    expect(expressions).not.toContain('cron(0 3 ? * MON-SAT *)');
    expect(expressions).toHaveLength(2);
  });

  test('no IAM statement in the app grants Action "*" or "personalize:*"', () => {
    for (const template of [pipeline, data]) {
      const documents = [
        ...Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
        ...Object.values(template.findResources('AWS::IAM::Role')).map(
          (r) => r.Properties.AssumeRolePolicyDocument,
        ),
      ];
      for (const document of documents) {
        for (const statement of document.Statement as Array<{ Action: string | string[] }>) {
          for (const action of [statement.Action].flat())
            expect(['*', 'personalize:*']).not.toContain(action);
        }
      }
    }
  });

  test.each(Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[])(
    'the %s function is given only the variables its handler reads, besides the fixed ones',
    (step) => {
      // Prepare
      const fn = stacks.pipeline.functions[step].function;
      const logicalId = stacks.pipeline.getLogicalId(fn.node.defaultChild as never);

      // Act
      const resource = pipeline.toJSON().Resources[logicalId] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      };
      const variables = Object.keys(resource.Properties.Environment.Variables);

      // Assess
      expect(variables.sort()).toEqual(
        [...PIPELINE_ENVIRONMENT[step], ...FIXED_ENVIRONMENT_VARIABLES].sort(),
      );
    },
  );

  describe('the run lease', () => {
    const tableId = () => stacks.pipeline.getLogicalId(stacks.pipeline.leaseTable.node.defaultChild as never);
    const keyArn = () => stacks.pipeline.resolve(stacks.data.key.keyArn) as unknown;

    test('the lease table is encrypted with the project key, on demand, expires leases by TTL and has point-in-time recovery', () => {
      // Act
      const table = pipeline.toJSON().Resources[tableId()] as { Properties: Record<string, unknown> };

      // Assess
      expect(table.Properties).toMatchObject({
        KeySchema: [{ AttributeName: 'project', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn() },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    test('only the lease function may use DynamoDB, with exactly PutItem and DeleteItem on the lease table only', () => {
      // Prepare
      const statements = Object.values(pipeline.findResources('AWS::IAM::Policy')).flatMap((policy) =>
        (
          policy.Properties.PolicyDocument.Statement as Array<{
            Action: string | string[];
            Resource: unknown;
          }>
        ).map((statement) => ({ roles: policy.Properties.Roles as unknown, statement })),
      );
      const leaseRole = stacks.pipeline.getLogicalId(
        stacks.pipeline.functions.lease.role.node.defaultChild as never,
      );

      // Act
      const dynamodb = statements.filter(({ statement }) =>
        [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
      );

      // Assess
      expect(dynamodb).toEqual([
        {
          roles: [{ Ref: leaseRole }],
          statement: expect.objectContaining({
            Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
            Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] },
          }),
        },
      ]);
    });

    test('an execution that is aborted, times out or fails sends its status change to the lease function', () => {
      // Prepare
      const machine = stacks.pipeline.getLogicalId(stacks.pipeline.stateMachine.node.defaultChild as never);
      const fn = stacks.pipeline.getLogicalId(
        stacks.pipeline.functions.lease.function.node.defaultChild as never,
      );

      // Assess
      pipeline.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { stateMachineArn: [{ Ref: machine }], status: ['ABORTED', 'TIMED_OUT', 'FAILED'] },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] } })],
      });
      pipeline.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Principal: 'events.amazonaws.com',
      });
    });

    test('every run takes the lease first and releases it on success and on the failure path', () => {
      // Prepare
      const [machine] = stateMachinesOf(pipeline.toJSON() as CfnTemplate).filter((m) =>
        m.logicalId.startsWith('Pipeline'),
      );
      if (!machine) throw new Error('the template has no pipeline state machine');
      const states = machine.definition.States;

      // Assess
      expect(machine.definition.StartAt).toBe('AddDeployedConfig');
      expect(states.AddDeployedConfig?.Next).toBe('TakeRunLease');
      expect(states.TakeRunLease?.Next).toBe('RunLeaseTaken?');
      expect(states.PublishSummary?.Next).toBe('ReleaseRunLease');
      expect(states.NotifyFailure?.Next).toBe('ReleaseRunLeaseOfFailedRun');
      expect(states.ReleaseRunLeaseOfFailedRun?.Next).toBe('RunFailed');
    });
  });
});
