import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { attachNag, buildApp } from '../lib/app';
import { loadConfig } from '../core/config';
import { testApp } from './util/app';

const config = loadConfig('personalize.config.json');
const env = { account: '111122223333', region: 'eu-west-1' };

function synthesizedApp(outdir?: string) {
  const app = testApp(outdir ? { outdir } : {});
  const stacks = buildApp(app, config, { env });
  attachNag(app);
  return { app, stacks };
}

describe('the CDK app', () => {
  test('synthesizes with the AwsSolutions checks and no unacknowledged finding', () => {
    const { app } = synthesizedApp();
    expect(() => app.synth()).not.toThrow();
  });

  test('the AwsSolutions checks fail synthesis on a non-compliant resource', () => {
    const { app } = synthesizedApp();
    const rogue = new Stack(app, 'Rogue', { env });
    new s3.Bucket(rogue, 'Unencrypted', { enforceSSL: false });
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  test('cfn-lint finds nothing but W3005 in any synthesized template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    synthesizedApp(outdir).app.synth();
    const templates = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outdir, f));
    expect(templates.length).toBeGreaterThan(0);
    const lint = spawnSync('cfn-lint', [...templates, '--ignore-checks', 'W3005'], { encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });

  test('every taggable resource carries the project tag and the configured tags', () => {
    const { stacks } = synthesizedApp();
    const template = Template.fromStack(stacks.data);
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    for (const bucket of buckets) {
      expect(bucket.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'project', Value: config.projectName },
          ...Object.entries(config.tags).map(([Key, Value]) => ({ Key, Value })),
        ]),
      );
    }
  });

  test.each(['data', 'network', 'pipeline', 'serving'] as const)(
    'the %s stack matches its snapshot',
    (name) => {
      const { stacks } = synthesizedApp();
      const stack = stacks[name];
      if (!stack) throw new Error(`The sample config deploys no ${name} stack`);
      expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
    },
  );
});
