/**
 * Operable stacks, proven on the synthesized app: both state machines are named after the project and have an
 * execution timeout longer than every stage timeout a run can go through; the stacks output what a user needs
 * after `cdk deploy` (state machine ARNs, topic, bucket, key, API URL, and the next steps); the schedules and the
 * config-upload rule have the fixed names the teardown disables, and the teardown function may disable exactly
 * those; a redeploy with `existingDataBucket` reuses the retained bucket and key instead of creating them.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { configUploadRuleName, projectSchedules, scheduleGroupName } from '../../core/names';
import { runTimeoutSeconds } from '../../core/run-lease';
import { buildApp } from '../../lib/app';
import { pipelineTimeout } from '../../lib/constructs/pipeline-workflow';
import { teardownTimeout } from '../../lib/constructs/teardown-workflow';
import { testApp } from '../util/app';
import { TEST_ENV } from './iam';

const sample = loadConfig('personalize.config.json');
const env = { account: TEST_ENV.account, region: TEST_ENV.region };

function synth(config: PipelineConfig = sample) {
  const app = testApp();
  const stacks = buildApp(app, config, { env });
  return {
    stacks,
    pipeline: Template.fromStack(stacks.pipeline),
    data: Template.fromStack(stacks.data),
    serving: stacks.serving ? Template.fromStack(stacks.serving) : undefined,
  };
}

const { stacks, pipeline, data, serving } = synth();

/** The state machine's definition, with its `Fn::Join` tokens flattened to text. */
function definitionOf(resource: { Properties: { DefinitionString: unknown } }): { TimeoutSeconds?: number } {
  const definition = resource.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = definition['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'x')).join('');
  return JSON.parse(text) as { TimeoutSeconds?: number };
}

function stateMachine(name: string) {
  const found = Object.values(
    pipeline.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: name } }),
  )[0] as { Properties: { DefinitionString: unknown } } | undefined;
  if (!found) throw new Error(`no state machine named ${name}`);
  return found;
}

describe('operable stacks', () => {
  test('both state machines are named after the project', () => {
    // Assess
    pipeline.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    expect(stateMachine('shop-recs-pipeline')).toBeDefined();
    expect(stateMachine('shop-recs-teardown')).toBeDefined();
  });

  test('the pipeline times out only after a queued run and a run with every stage at its timeout', () => {
    // Act
    const timeout = definitionOf(stateMachine('shop-recs-pipeline')).TimeoutSeconds ?? 0;

    // Assess: 102 h 30 min with the default timeouts — a queued run waits at most one run timeout, then runs.
    const t = sample.timeouts;
    const everyStage = (t.other * 7 + t.import + t.training + t.campaign + t.batch) * 60;
    expect(timeout).toBe(102.5 * 3600);
    expect(timeout).toBeGreaterThan(runTimeoutSeconds(t) + everyStage);
  });

  test('the pipeline timeout counts each wave of solutions and batch jobs beyond their concurrency', () => {
    // Prepare
    const base = { timeouts: sample.timeouts, maxConcurrentSolutions: 4, maxConcurrentBatchJobs: 2 };

    // Act
    const one = pipelineTimeout({ ...base, solutions: 4, batchJobs: 2 }).toMinutes();
    const more = pipelineTimeout({ ...base, solutions: 5, batchJobs: 3 }).toMinutes();

    // Assess: a second wave of solutions (solution, training, campaign) and of batch jobs
    const t = sample.timeouts;
    expect(more - one).toBe(t.other + t.training + t.campaign + t.batch);
  });

  test('the pipeline timeout is capped at the one year a Standard workflow may run', () => {
    // Act
    const timeouts = { ...sample.timeouts, training: 525_600 };
    const timeout = pipelineTimeout({
      timeouts,
      solutions: 1,
      maxConcurrentSolutions: 4,
      batchJobs: 0,
      maxConcurrentBatchJobs: 2,
    });

    // Assess
    expect(timeout.toMinutes()).toBe(525_600);
  });

  test('the teardown times out after the longest job it cannot stop and the deletions', () => {
    // Act
    const timeout = definitionOf(stateMachine('shop-recs-teardown')).TimeoutSeconds ?? 0;

    // Assess: 15 h 15 min with the default timeouts (a 12 h batch job, campaigns, the rest, a margin)
    expect(timeout).toBe(teardownTimeout(sample.timeouts).toSeconds());
    expect(timeout).toBe((12 * 60 + 2 * 60 + 60 + 15) * 60);
  });

  test('the pipeline stack outputs both state machine ARNs, the topic and the next steps', () => {
    // Act
    const outputs = pipeline.findOutputs('*');

    // Assess
    const ref = (resource: object) => ({ Ref: stacks.pipeline.getLogicalId(resource as never) });
    expect(outputs.PipelineStateMachineArn).toMatchObject({
      Value: ref(stacks.pipeline.stateMachine.node.defaultChild as object),
      Description: expect.stringContaining('pipeline'),
    });
    expect(outputs.TeardownStateMachineArn).toMatchObject({
      Value: ref(stacks.pipeline.teardownStateMachine.node.defaultChild as object),
      Description: expect.stringContaining('"reenable": true'),
    });
    expect(outputs.NotificationTopicArn).toMatchObject({
      Value: ref(stacks.pipeline.topic.node.defaultChild as object),
    });
    const steps = JSON.stringify(outputs.NextSteps?.Value);
    expect(steps).toContain('aws s3 cp interactions.csv s3://shop-recs-');
    expect(steps).toContain('/datasets/interactions/interactions.csv');
    expect(steps).toContain('aws stepfunctions start-execution --state-machine-arn ');
    expect(steps).toContain(
      stacks.pipeline.getLogicalId(stacks.pipeline.stateMachine.node.defaultChild as never),
    );
  });

  test('the data stack outputs the bucket and the key, and the serving stack the API URL', () => {
    // Assess
    expect(Object.keys(data.findOutputs('*'))).toEqual(
      expect.arrayContaining(['DataBucketName', 'DataKeyArn']),
    );
    expect(Object.keys(serving?.findOutputs('*') ?? {})).toContain('ApiUrl');
    for (const template of [pipeline, data]) {
      for (const [name, output] of Object.entries(template.findOutputs('*'))) {
        if (!name.startsWith('ExportsOutput')) expect(output.Description).toEqual(expect.any(String));
      }
    }
  });

  test('the schedules are named in the project group and the config-upload rule has the name the teardown uses', () => {
    // Assess
    // Deleted with the stack: a retained group's name would block the next deploy.
    pipeline.hasResource('AWS::Scheduler::ScheduleGroup', {
      DeletionPolicy: 'Delete',
      Properties: { Name: scheduleGroupName('shop-recs') },
    });
    const names = projectSchedules(sample).map((s) => s.name);
    expect(names).toEqual([
      'retrain-user-personalization-full',
      'retrain-user-personalization-update',
      'batch-nightly-recs',
    ]);
    for (const name of names) {
      pipeline.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: name,
        GroupName: 'shop-recs-schedules',
        Target: Match.objectLike({
          RoleArn: {
            'Fn::GetAtt': [
              stacks.pipeline.getLogicalId(stacks.pipeline.scheduleRole.node.defaultChild as never),
              'Arn',
            ],
          },
        }),
      });
    }
    pipeline.hasResourceProperties('AWS::Events::Rule', { Name: configUploadRuleName('shop-recs') });
  });

  test('the teardown state machine hands the function the names of the triggers to disable', () => {
    // Act
    const definition = JSON.stringify(stateMachine('shop-recs-teardown').Properties.DefinitionString);

    // Assess
    expect(definition).toContain('shop-recs-schedules');
    expect(definition).toContain('retrain-user-personalization-full');
    expect(definition).toContain('batch-nightly-recs');
    expect(definition).toContain('shop-recs-config-upload');
    expect(definition).toContain('$$.Execution.Input');
  });

  test('a schedule name too long for Scheduler is shortened with a hash, and two such names stay apart', () => {
    // Act
    const long = 'x'.repeat(60);
    const [full, update] = projectSchedules({
      solutions: [{ name: long, schedule: { full: 'a', update: 'b' } }],
    });

    // Assess
    expect(full?.name.length).toBe(64);
    expect(update?.name.length).toBe(64);
    expect(full?.name).not.toBe(update?.name);
  });
});

describe('redeploying over the retained bucket and key (existingDataBucket)', () => {
  const keyArn = `arn:aws:kms:${TEST_ENV.region}:${TEST_ENV.account}:key/11111111-2222-3333-4444-555555555555`;
  const redeployed = synth({ ...sample, existingDataBucket: { keyArn } });

  test('creates no bucket and no key, and gives the existing bucket its policy again', () => {
    // Assess
    redeployed.data.resourceCountIs('AWS::S3::Bucket', 0);
    redeployed.data.resourceCountIs('AWS::KMS::Key', 0);
    redeployed.data.resourceCountIs('AWS::KMS::Alias', 0);
    const policy = Object.values(redeployed.data.findResources('AWS::S3::BucketPolicy'))[0] as {
      Properties: {
        Bucket: unknown;
        PolicyDocument: { Statement: Array<{ Sid?: string; Condition?: object }> };
      };
    };
    expect(JSON.stringify(policy.Properties.Bucket)).toContain('shop-recs-');
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.map((s) => s.Sid).filter(Boolean)).toEqual(
      expect.arrayContaining(['PersonalizeListDatasetPrefixes', 'PersonalizeReadDatasets']),
    );
    expect(JSON.stringify(statements)).toContain('aws:SecureTransport');
  });

  test('uses the retained key everywhere the project key is used', () => {
    // Assess
    expect(redeployed.data.findOutputs('DataKeyArn').DataKeyArn?.Value).toBe(keyArn);
    redeployed.pipeline.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
  });

  test('without keyArn, an environment-agnostic app is refused with a message naming the field', () => {
    // Act
    const act = () => buildApp(testApp(), { ...sample, existingDataBucket: {} });

    // Assess
    expect(act).toThrow(/existingDataBucket: the key of alias\/shop-recs-data can only be looked up/);
  });

  test('a first deployment retains the key alias with the key, so the redeploy can look the key up by it', () => {
    // Assess
    data.hasResource('AWS::KMS::Alias', {
      DeletionPolicy: 'Retain',
      Properties: { AliasName: 'alias/shop-recs-data' },
    });
  });
});
