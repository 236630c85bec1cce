/**
 * cdk-nag acknowledgements that say exactly what they cover: every wildcard finding of every policy in the
 * app is acknowledged once (no finding shares an acknowledgement, none is acknowledged twice, none that does
 * not occur), the `Resource::*` reason of each role names exactly the actions it holds on "*", and those
 * actions are all ones IAM cannot scope to a resource.
 */
import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance, rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { loadConfig } from '../../core/config';
import { attachNag, buildApp } from '../../lib/app';
import { testApp } from '../util/app';
import { policiesOf, TEST_ENV } from './iam';

/**
 * The actions any role of the app may hold on "*": those for which IAM offers no resource-level permission
 * (Service Authorization Reference: no resource type). Adding one here needs that evidence.
 */
const ALLOWED_ON_ANY_RESOURCE = new Set([
  // X-Ray: functions and state machines with tracing
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // CloudWatch Logs vended log delivery: state machine execution logging
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  // Personalize List calls
  'personalize:ListBatchInferenceJobs',
  'personalize:ListBatchSegmentJobs',
  'personalize:ListCampaigns',
  'personalize:ListDatasetImportJobs',
  'personalize:ListDatasets',
  'personalize:ListEventTrackers',
  'personalize:ListFilters',
  'personalize:ListMetricAttributionMetrics',
  'personalize:ListMetricAttributions',
  'personalize:ListRecommenders',
  'personalize:ListSchemas',
  'personalize:ListSolutionVersions',
  'personalize:ListSolutions',
  'personalize:ListTagsForResource',
  // CloudWatch custom metrics (limited by the cloudwatch:namespace condition, checked below)
  'cloudwatch:PutMetricData',
  // EC2 Describe calls: Lambda managing the network interfaces of the functions in the private network
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
]);

const config = loadConfig('personalize.config.json');
const app = testApp();
const stacks = buildApp(app, config, { env: { account: TEST_ENV.account, region: TEST_ENV.region } });
attachNag(app);
const policies = policiesOf(app, [
  stacks.data,
  ...(stacks.network ? [stacks.network] : []),
  stacks.pipeline,
  ...(stacks.serving ? [stacks.serving] : []),
]);

/** Each IAM5 acknowledgement that applies to `construct` (its own and its ancestors'), with its reason. */
function iam5Acknowledgements(construct: IConstruct): Array<{ id: string; reason: string }> {
  return construct.node.scopes.flatMap((scope) =>
    scope.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason }))
      .filter(({ id }) => id.startsWith('AwsSolutions-IAM5')),
  );
}

const cfnPolicies = app.node.findAll().filter((c): c is iam.CfnPolicy => c instanceof iam.CfnPolicy);

describe('cdk-nag acknowledgements', () => {
  test.each(cfnPolicies.map((policy) => [policy.node.path, policy] as const))(
    '%s: every wildcard finding is acknowledged exactly once, and nothing else',
    (_path, policy) => {
      // Act
      const result = rules.iam.IAMNoWildcardPermissions(policy);
      const findings = Array.isArray(result) ? result.map((f) => `AwsSolutions-IAM5[${f}]`) : [];
      const acknowledged = iam5Acknowledgements(policy).map(({ id }) => id);

      // Assess
      expect(result === NagRuleCompliance.NON_COMPLIANT).toBe(false);
      expect([...acknowledged].sort()).toEqual([...findings].sort());
    },
  );

  test.each(cfnPolicies.map((policy) => [policy.node.path, policy] as const))(
    '%s: the Resource::* acknowledgement names exactly the actions held on "*"',
    (_path, policy) => {
      // Prepare
      const logicalId = policy.stack.getLogicalId(policy);
      const statements = policies.find((p) => p.logicalId === logicalId)?.statements ?? [];
      const onAny = statements.filter((s) => s.resources.includes('*')).flatMap((s) => s.actions);

      // Act
      const reason = iam5Acknowledgements(policy).find(
        ({ id }) => id === 'AwsSolutions-IAM5[Resource::*]',
      )?.reason;
      const named = [...(reason ?? '').matchAll(/\b[a-z0-9-]+:[A-Z][A-Za-z]*/g)].map((m) => m[0]);

      // Assess
      expect([...new Set(named)].sort()).toEqual([...new Set(onAny)].sort());
    },
  );

  test('every action any role holds on "*" is one IAM offers no resource-level permission for', () => {
    // Act
    const onAny = policies.flatMap((policy) =>
      policy.statements
        .filter((s) => s.resources.includes('*'))
        .flatMap((s) => s.actions.map((action) => `${policy.logicalId}: ${action}`)),
    );

    // Assess
    expect(onAny.length).toBeGreaterThan(0);
    expect(onAny.filter((entry) => !ALLOWED_ON_ANY_RESOURCE.has(entry.split(': ')[1] ?? ''))).toEqual([]);
  });

  test('cloudwatch:PutMetricData is only granted for the pipeline namespace', () => {
    const statements = policies
      .flatMap((policy) => policy.statements)
      .filter((s) => s.actions.includes('cloudwatch:PutMetricData'));

    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.condition).toEqual({
        StringEquals: { 'cloudwatch:namespace': 'PersonalizePipeline' },
      });
    }
  });
});
