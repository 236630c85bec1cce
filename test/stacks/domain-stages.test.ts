/**
 * The domain stages in the templates: a config with recommenders and a metric attribution (the ECOMMERCE example)
 * gets the metric attribution and recommenders states after the imports, under a lease renewal of their own
 * that the queue bound and the execution timeout count too, passes their results to the summary, and grants exactly the calls they send on exactly its recommenders and
 * attribution; the Personalize role may write the attribution's reports and put its metrics in AWS/Personalize
 * only. The sample (custom) config has none of it. Both pass cdk-nag and cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { domainStages, runTimeoutSeconds } from '../../core/run-lease';
import { attachNag, buildApp } from '../../lib/app';
import { pipelineTimeout } from '../../lib/constructs/pipeline-workflow';
import { stateMachinesOf, type AslDefinition, type CfnTemplate } from '../../local/harness/definitions';
import { validateDefinition } from '../../local/harness/runner';
import { testApp } from '../util/app';
import { personalizeArn, policiesOf } from './iam';

const env = { account: '111122223333', region: 'eu-west-1' };
const EXAMPLE_DIR = 'examples/ecommerce';
// The pipeline only: the example's serving section is the serving stack's concern.
const domain: PipelineConfig = {
  ...loadConfig(join(EXAMPLE_DIR, 'personalize.config.json')),
  serving: undefined,
};
const sample = loadConfig('personalize.config.json');

function synth(config: PipelineConfig, configDir: string, outdir?: string) {
  const app = testApp(outdir ? { outdir } : {});
  const stacks = buildApp(app, config, { env, configDir });
  return { app, stacks };
}

function pipelineDefinition(template: Template): AslDefinition {
  const machines = stateMachinesOf(template.toJSON() as CfnTemplate);
  const pipeline = machines.find((m) => m.logicalId.startsWith('Pipeline'));
  if (!pipeline) throw new Error('no pipeline state machine');
  return pipeline.definition;
}

const domainApp = synth(domain, EXAMPLE_DIR);
const domainPipeline = Template.fromStack(domainApp.stacks.pipeline);
const domainStates = pipelineDefinition(domainPipeline).States;
const sampleApp = synth(sample, '.');
const sampleStates = pipelineDefinition(Template.fromStack(sampleApp.stacks.pipeline)).States;

const DOMAIN_STATES = [
  'RenewRunLeaseForDomainStages',
  'EnsureMetricAttribution',
  'CheckMetricAttribution',
  'EnsureRecommenders',
  'CheckRecommenders',
  'UpdateStartedRecommenders',
  'CheckRecommenderUpdates',
];

describe('the domain stages of the pipeline', () => {
  test('run after the imports, metric attribution first, then the recommenders, before the filters', () => {
    for (const state of DOMAIN_STATES) expect(Object.keys(domainStates)).toContain(state);
    expect(domainStates.ImportsReady?.Next).toBe('RenewRunLeaseForDomainStages');
    expect(domainStates.RenewRunLeaseForDomainStages?.Next).toBe('EnsureMetricAttribution');
    expect(domainStates.MetricAttributionReady?.Next).toBe('EnsureRecommenders');
    expect(domainStates.RecommendersReady?.Next).toBe('UpdateStartedRecommenders');
    expect(domainStates.RecommenderUpdatesReady?.Next).toBe('RenewRunLeaseAfterImports');
    expect(() => validateDefinition(pipelineDefinition(domainPipeline))).not.toThrow();
  });

  test('hold the run lease for their timeouts, and a queued run waits for a run timeout that counts them', () => {
    const stages = ['other', 'training', 'training'];
    expect(domainStates.RenewRunLeaseForDomainStages?.Parameters).toMatchObject({
      holdFor: stages,
    });
    expect(domainStates.TakeRunLease?.Parameters).toMatchObject({ domainStages: stages });
    expect(JSON.stringify(sampleStates.TakeRunLease?.Parameters)).not.toContain('domainStages');
  });

  test('lengthen the execution timeout by their stage timeouts, for the queued wait and for the run', () => {
    const base = {
      timeouts: domain.timeouts,
      solutions: 1,
      maxConcurrentSolutions: 4,
      batchJobs: 0,
      maxConcurrentBatchJobs: 2,
    };
    const stages = domainStages(domain);
    const minutes = domain.timeouts.other + 2 * domain.timeouts.training;
    const added =
      pipelineTimeout({ ...base, domainStages: stages }).toMinutes() - pipelineTimeout(base).toMinutes();
    expect(stages).toEqual(['other', 'training', 'training']);
    expect(added).toBe(2 * minutes);
    expect(runTimeoutSeconds(domain.timeouts, stages) - runTimeoutSeconds(domain.timeouts)).toBe(
      minutes * 60,
    );
  });

  test('wait for the recommenders with the training timeout and pass both results to the summary', () => {
    expect(JSON.stringify(domainStates.CheckRecommenders?.Parameters)).toContain(
      '$.config.timeouts.training',
    );
    const summary = JSON.stringify(domainStates.PublishSummary?.Parameters);
    expect(summary).toContain('"recommenders.$":"$.recommenders"');
    expect(summary).toContain('"metricAttribution.$":"$.metricAttribution"');
  });

  test('the recommenders step retries busy resources and throttling, and fails the run otherwise', () => {
    const state = domainStates.EnsureRecommenders as unknown as {
      Retry: Array<{ ErrorEquals: string[] }>;
      Catch: Array<{ Next: string }>;
    };
    expect(state.Retry.flatMap((r) => r.ErrorEquals)).toEqual(
      expect.arrayContaining(['ResourceBusy', 'ThrottlingException']),
    );
    expect(state.Catch.map((c) => c.Next)).toEqual(['NotifyFailure']);
  });

  test('are absent from the definition of a config without recommenders or metric attribution', () => {
    for (const state of DOMAIN_STATES) expect(Object.keys(sampleStates)).not.toContain(state);
    expect(sampleStates.ImportsReady?.Next).toBe('RenewRunLeaseAfterImports');
    expect(JSON.stringify(sampleStates.PublishSummary?.Parameters)).not.toContain('recommenders');
  });
});

describe('the permissions of the domain stages', () => {
  const policies = policiesOf(domainApp.app, [domainApp.stacks.pipeline, domainApp.stacks.data]);
  const roleOf = (step: 'recommenders' | 'metric-attribution') =>
    domainApp.stacks.pipeline.getLogicalId(
      domainApp.stacks.pipeline.functions[step].role.node.defaultChild as never,
    );
  const statementsOf = (roleId: string) =>
    policies.filter((p) => p.roles.includes(roleId)).flatMap((p) => p.statements);

  test("the recommenders function changes exactly the config's recommenders", () => {
    const statement = statementsOf(roleOf('recommenders')).find((s) =>
      s.actions.includes('personalize:CreateRecommender'),
    );
    expect(statement?.actions).toEqual(
      expect.arrayContaining([
        'personalize:CreateRecommender',
        'personalize:DescribeRecommender',
        'personalize:UpdateRecommender',
        'personalize:StartRecommender',
        'personalize:StopRecommender',
        'personalize:DeleteRecommender',
      ]),
    );
    for (const { name } of domain.recommenders)
      expect(statement?.resources).toContain(personalizeArn(`recommender/shop-domain-${name}`));
    expect(statement?.resources).not.toContain(personalizeArn('recommender/*'));
  });

  test('the metric attribution function may pass only the Personalize role, only to Personalize', () => {
    const statements = statementsOf(roleOf('metric-attribution'));
    const create = statements.find((s) => s.actions.includes('personalize:CreateMetricAttribution'));
    expect(create?.resources).toContain(personalizeArn('metric-attribution/shop-domain-attribution'));
    const passRole = statements.find((s) => s.actions.includes('iam:PassRole'));
    expect(passRole?.resources).toHaveLength(1);
    expect(passRole?.condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' },
    });
  });

  test('the Personalize role writes the reports under metric-attribution/ and metrics to AWS/Personalize only', () => {
    const data = Template.fromStack(domainApp.stacks.data);
    const role = Object.values(data.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p).includes('PublishAttributionMetrics'),
    );
    const statements = (role?.Properties.PolicyDocument.Statement ?? []) as Array<Record<string, unknown>>;
    expect(statements.find((s) => s.Sid === 'PublishAttributionMetrics')).toMatchObject({
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'AWS/Personalize' } },
    });
    expect(JSON.stringify(statements.find((s) => s.Sid === 'WriteBatchOutput'))).toContain(
      '/metric-attribution/*',
    );
    const sampleData = JSON.stringify(Template.fromStack(sampleApp.stacks.data).toJSON());
    expect(sampleData).not.toContain('PublishAttributionMetrics');
    expect(sampleData).not.toContain('metric-attribution/');
  });
});

describe('the domain config app', () => {
  test('synthesizes with the AwsSolutions checks and no unacknowledged finding', () => {
    const { app } = synth(domain, EXAMPLE_DIR);
    attachNag(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('cfn-lint finds nothing but W3005 in its templates', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    synth(domain, EXAMPLE_DIR, outdir).app.synth();
    const templates = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outdir, f));
    const lint = spawnSync('cfn-lint', [...templates, '--ignore-checks', 'W3005'], { encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });
});
