/**
 * Least privilege, proven: for every pipeline function, the IAM actions its role holds are exactly the actions
 * its handler's code sends (derived from the `new XCommand(` calls in every source file the handler bundles),
 * plus the ones those calls imply (KMS for encrypted objects and topics, iam:PassRole for jobs Personalize runs
 * as the service role), plus the platform actions every function needs (its own logs, X-Ray, and in the private
 * network what Lambda needs to manage the function's network interfaces).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { VPC_ACCESS_ACTIONS } from '../../lib/constructs/handler-function';
import { loadConfig } from '../../core/config';
import { personalizeResourcePatterns } from '../../core/names';
import { PIPELINE_PERMISSIONS, TAGGED_CREATE_COMMANDS, type PipelineStep } from '../../core/pipeline-steps';
import { testApp } from '../util/app';
import { ROOT, sourcesOf } from '../util/bundle-sources';

/** SDK package → IAM service prefix. */
const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-personalize': 'personalize',
  '@aws-sdk/client-personalize-runtime': 'personalize',
  '@aws-sdk/client-personalize-events': 'personalize',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-dynamodb': 'dynamodb',
};

/** Commands whose IAM action is not named after them. */
const ACTION_OF_COMMAND: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  'personalize:GetRecommendations': 'personalize:GetRecommendations',
};

/** Actions a call needs besides its own. */
const IMPLIED: Record<string, string[]> = {
  's3:GetObject': ['kms:Decrypt'],
  's3:PutObject': ['kms:GenerateDataKey'],
  'sns:Publish': ['kms:GenerateDataKey', 'kms:Decrypt'],
  // The lease table is encrypted with the project key: DynamoDB decrypts its table key as the caller.
  'dynamodb:PutItem': ['kms:Decrypt'],
  'dynamodb:DeleteItem': ['kms:Decrypt'],
  'personalize:CreateDatasetGroup': ['iam:PassRole'],
  'personalize:CreateDatasetImportJob': ['iam:PassRole'],
  'personalize:CreateBatchInferenceJob': ['iam:PassRole'],
  'personalize:CreateBatchSegmentJob': ['iam:PassRole'],
  // Their metricsOutputConfig hands the Personalize role to Personalize.
  'personalize:CreateMetricAttribution': ['iam:PassRole'],
  'personalize:UpdateMetricAttribution': ['iam:PassRole'],
  // UpdateSchedule replaces the whole schedule, its target's role included.
  'scheduler:UpdateSchedule': ['iam:PassRole'],
};
// A Create call that carries tags is also authorized as personalize:TagResource (the list is checked
// against the source by tagged-create-commands.test.ts).
for (const command of TAGGED_CREATE_COMMANDS) {
  const action = `personalize:${command}`;
  IMPLIED[action] = [...(IMPLIED[action] ?? []), 'personalize:TagResource'];
}

/** What every function's role holds regardless of its code (in the private network: its network interfaces). */
const PLATFORM = new Set<string>([
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  ...VPC_ACCESS_ACTIONS,
]);

/** `personalize:CreateSchema`, ... for every `new XCommand(` in the files, by the package X is imported from. */
function actionsSentBy(files: string[]): Set<string> {
  const actions = new Set<string>();
  for (const file of files) {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    const packageOf = new Map<string, string>();
    for (const match of source.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    )) {
      for (const name of (match[1] ?? '').split(',').map((n) => n.trim().split(/\s+as\s+/)[0] ?? '')) {
        if (name.endsWith('Command')) packageOf.set(name, match[2] ?? '');
      }
    }
    for (const match of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const command = `${match[1]}Command`;
      const pkg = packageOf.get(command);
      if (!pkg) throw new Error(`${file}: ${command} is not imported from an AWS SDK client`);
      const prefix = SERVICE_PREFIX[pkg];
      if (!prefix) throw new Error(`${file}: no IAM prefix known for ${pkg}`);
      const raw = `${prefix}:${match[1]}`;
      const action = ACTION_OF_COMMAND[raw] ?? raw;
      actions.add(action);
      for (const implied of IMPLIED[action] ?? []) actions.add(implied);
    }
  }
  return actions;
}

const config = loadConfig('personalize.config.json');
const app = testApp();
const { pipeline } = buildApp(app, config, { env: { account: '111122223333', region: 'eu-west-1' } });
const template = Template.fromStack(pipeline);

function grantedActions(step: PipelineStep): {
  actions: Set<string>;
  statements: Array<{ Action: unknown; Resource: unknown }>;
} {
  const roleId = pipeline.getLogicalId(pipeline.functions[step].role.node.defaultChild as never);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  const statements = policies.flatMap(
    (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
  );
  const actions = new Set(
    statements.flatMap((s) => [s.Action].flat() as string[]).filter((a) => !PLATFORM.has(a)),
  );
  return { actions, statements };
}

const steps = Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[];

describe('least privilege', () => {
  test.each(steps)('the %s function holds exactly the actions its handler sends', (step) => {
    const derived = actionsSentBy(sourcesOf(`lambda/pipeline/${step}.ts`));
    expect([...PIPELINE_PERMISSIONS[step]].sort()).toEqual([...derived].sort());
    expect([...grantedActions(step).actions].sort()).toEqual([...derived].sort());
  });

  test('no statement of any pipeline role grants a wildcard action', () => {
    for (const step of steps) {
      for (const statement of grantedActions(step).statements) {
        for (const action of [statement.Action].flat() as string[]) {
          expect(action).not.toContain('*');
        }
      }
    }
  });

  test("Personalize actions other than List* are scoped to exactly the project's resource patterns", () => {
    const expected = personalizeResourcePatterns(config).map(
      (p) => `arn:<partition>:personalize:<region>:<account>:${p}`,
    );
    for (const step of steps) {
      for (const statement of grantedActions(step).statements) {
        const actions = [statement.Action].flat() as string[];
        if (!actions.some((a) => a.startsWith('personalize:') && !a.startsWith('personalize:List'))) continue;
        const resources = ([statement.Resource].flat() as unknown[]).map(renderArn);
        expect(resources.sort()).toEqual([...expected].sort());
      }
    }
  });
});

/** An ARN joined from text and pseudo parameters, as `arn:<partition>:personalize:<region>:<account>:x`. */
function renderArn(resource: unknown): string {
  const parts = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const pseudo: Record<string, string> = {
    'AWS::Partition': '<partition>',
    'AWS::Region': '<region>',
    'AWS::AccountId': '<account>',
  };
  return parts
    .map((part) => (typeof part === 'string' ? part : pseudo[(part as { Ref: string }).Ref]))
    .join('');
}
