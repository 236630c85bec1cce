/**
 * The permissions map stays in sync with the code: for each handler, the IAM actions listed are the
 * commands its bundled source constructs, plus the actions those imply.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import {
  PIPELINE_PERMISSIONS,
  TAGGED_CREATE_COMMANDS,
  type PipelineStep,
} from '../../lambda/pipeline/permissions';

const ROOT = path.join(__dirname, '..', '..');
const PREFIX: Record<string, string> = {
  '@aws-sdk/client-personalize': 'personalize',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-eventbridge': 'events',
};
const RENAMED: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };
const IMPLIED: Record<string, string[]> = {
  's3:GetObject': ['kms:Decrypt'],
  'sns:Publish': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'personalize:CreateDatasetGroup': ['iam:PassRole'],
  'personalize:CreateDatasetImportJob': ['iam:PassRole'],
  'personalize:CreateBatchInferenceJob': ['iam:PassRole'],
  'personalize:CreateBatchSegmentJob': ['iam:PassRole'],
};
// A Create call that carries tags is also authorized as personalize:TagResource (the list is checked
// against the source by tagged-create-commands.test.ts).
for (const command of TAGGED_CREATE_COMMANDS) {
  const action = `personalize:${command}`;
  IMPLIED[action] = [...(IMPLIED[action] ?? []), 'personalize:TagResource'];
}

function actionsOf(step: string): string[] {
  const result = buildSync({
    entryPoints: [path.join(ROOT, 'lambda', 'pipeline', `${step}.ts`)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    logLevel: 'silent',
  });
  const actions = new Set<string>();
  for (const file of Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'))) {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    const packageOf = new Map<string, string>();
    for (const m of source.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    )) {
      for (const name of (m[1] ?? '').split(',').map((n) => n.trim())) packageOf.set(name, m[2] ?? '');
    }
    for (const m of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const pkg = packageOf.get(`${m[1]}Command`);
      if (pkg === undefined)
        throw new Error(`${file}: ${m[1]}Command is not imported from an AWS SDK client`);
      const raw = `${PREFIX[pkg]}:${m[1]}`;
      const action = RENAMED[raw] ?? raw;
      actions.add(action);
      for (const implied of IMPLIED[action] ?? []) actions.add(implied);
    }
  }
  return [...actions].sort();
}

describe('the permissions map', () => {
  test.each(Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[])(
    'lists exactly the actions the %s handler sends',
    (step) => {
      expect([...PIPELINE_PERMISSIONS[step]].sort()).toEqual(actionsOf(step));
    },
  );
});
