/**
 * Least-privilege statements from a list of IAM actions: each action is given the resources it may act on
 * from a scope table (per service, rules that pick a scope by operation), and actions with the same scope
 * share one statement. Every stack that turns an action list (core/pipeline-steps.ts, the serving API's) into
 * a role's policy uses this, so an action without a scope fails synthesis instead of being granted on `*`.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The actions IAM offers no resource-level permission for, so a policy may only grant them on `"*"`, each with
 * what it is for (the acknowledgement of a role's `Resource::*` finding lists them by this). Any other action
 * on `"*"` fails synthesis.
 */
export const UNSCOPED_ACTIONS: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray tracing',
  'xray:PutTelemetryRecords': 'X-Ray tracing',
  'xray:GetSamplingRules': 'X-Ray tracing',
  'xray:GetSamplingTargets': 'X-Ray tracing',
  'logs:CreateLogDelivery': 'execution logging to CloudWatch Logs',
  'logs:GetLogDelivery': 'execution logging to CloudWatch Logs',
  'logs:UpdateLogDelivery': 'execution logging to CloudWatch Logs',
  'logs:DeleteLogDelivery': 'execution logging to CloudWatch Logs',
  'logs:ListLogDeliveries': 'execution logging to CloudWatch Logs',
  'logs:PutResourcePolicy': 'execution logging to CloudWatch Logs',
  'logs:DescribeResourcePolicies': 'execution logging to CloudWatch Logs',
  'logs:DescribeLogGroups': 'execution logging to CloudWatch Logs',
  'personalize:ListBatchInferenceJobs': 'Personalize List calls',
  'personalize:ListBatchSegmentJobs': 'Personalize List calls',
  'personalize:ListCampaigns': 'Personalize List calls',
  'personalize:ListDatasetImportJobs': 'Personalize List calls',
  'personalize:ListDatasets': 'Personalize List calls',
  'personalize:ListEventTrackers': 'Personalize List calls',
  'personalize:ListFilters': 'Personalize List calls',
  'personalize:ListMetricAttributionMetrics': 'Personalize List calls',
  'personalize:ListMetricAttributions': 'Personalize List calls',
  'personalize:ListRecommenders': 'Personalize List calls',
  'personalize:ListSchemas': 'Personalize List calls',
  'personalize:ListSolutionVersions': 'Personalize List calls',
  'personalize:ListSolutions': 'Personalize List calls',
  'personalize:ListTagsForResource': 'Personalize List calls',
  'cloudwatch:PutMetricData': 'CloudWatch custom metrics',
  'ec2:DescribeNetworkInterfaces': "Lambda managing a VPC function's network interfaces",
  'ec2:DescribeSubnets': "Lambda managing a VPC function's network interfaces",
};

/** The resources (and conditions) a group of actions is granted on: one statement. */
export interface ResourceScope {
  /** The statement's id; the actions given this scope share the statement. */
  readonly sid: string;
  /** ARNs or ARN patterns. `"*"` only for actions in {@link UNSCOPED_ACTIONS}. */
  readonly resources: readonly string[];
  /** IAM conditions, e.g. `{ StringEquals: { 'cloudwatch:namespace': 'Ns' } }`. @default - none */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Why each pattern of {@link resources} with a `*` (other than `"*"` itself) matches only what the actions
   * need, keyed by the pattern as it is written in `resources`: the reason of its cdk-nag acknowledgement.
   * @default - none: a pattern with a `*` is refused
   */
  readonly wildcardReasons?: Readonly<Record<string, string>>;
}

/** One rule of a service's entry in a {@link ScopeTable}. */
export interface ScopeRule {
  /**
   * The operations (the part of the action after `service:`) the rule covers, by name or by pattern.
   * @default - every operation that no earlier rule of the service covers
   */
  readonly operations?: readonly string[] | RegExp;
  /** The scope of the actions the rule covers. */
  readonly scope: ResourceScope;
}

/** Resource scopes by IAM service prefix (`personalize`, `s3`, ...): the first rule that covers an operation wins. */
export type ScopeTable = Readonly<Record<string, readonly ScopeRule[]>>;

/** The scope `table` gives `action`; throws, naming the action and the missing entry, when it gives none. */
export function scopeOf(action: string, table: ScopeTable): ResourceScope {
  const [service = '', operation = ''] = action.split(':');
  const rules = table[service];
  if (!rules) {
    throw new Error(
      `No resource scope for ${action}: the scope table has no "${service}" entry. Add one that names the resources ${action} may act on.`,
    );
  }
  const rule = rules.find((r) => covers(r, operation));
  if (!rule) {
    throw new Error(
      `No resource scope for ${action}: no rule of the scope table's "${service}" entry covers ${operation}.`,
    );
  }
  return rule.scope;
}

function covers(rule: ScopeRule, operation: string): boolean {
  if (rule.operations === undefined) return true;
  if (rule.operations instanceof RegExp) return rule.operations.test(operation);
  return rule.operations.includes(operation);
}

/**
 * The statements that grant `actions`, each on the resources its scope in `table` names; actions with the
 * same scope share a statement, in the order the actions first name them. Throws for an action without a
 * scope, for an action on `"*"` that is not in {@link UNSCOPED_ACTIONS}, and for a pattern with a `*` whose
 * scope does not say why it is narrow enough.
 */
export function scopedStatements(actions: readonly string[], table: ScopeTable): iam.PolicyStatement[] {
  const grouped = new Map<string, { scope: ResourceScope; actions: string[] }>();
  for (const action of actions) {
    const scope = scopeOf(action, table);
    const group = grouped.get(scope.sid);
    if (group && group.scope !== scope) {
      throw new Error(`Two different scopes of the scope table share the statement id "${scope.sid}".`);
    }
    if (group) group.actions.push(action);
    else grouped.set(scope.sid, { scope, actions: [action] });
  }
  return [...grouped.values()].map(({ scope, actions: scoped }) => {
    checkScope(scope, scoped);
    return new iam.PolicyStatement({
      sid: scope.sid,
      actions: scoped,
      resources: [...scope.resources],
      ...(scope.conditions ? { conditions: { ...scope.conditions } } : {}),
    });
  });
}

function checkScope(scope: ResourceScope, actions: readonly string[]): void {
  for (const resource of scope.resources) {
    if (resource === '*') {
      const scopable = actions.filter((action) => UNSCOPED_ACTIONS[action] === undefined);
      if (scopable.length > 0) {
        throw new Error(
          `Scope "${scope.sid}" grants ${scopable.join(', ')} on "*", but only actions in UNSCOPED_ACTIONS (which IAM cannot scope to a resource) may be.`,
        );
      }
    } else if (resource.includes('*') && scope.wildcardReasons?.[resource] === undefined) {
      throw new Error(
        `Scope "${scope.sid}" has the pattern ${resource} without a wildcardReasons entry saying why it matches only what ${actions.join(', ')} need.`,
      );
    }
  }
}

/** Adds the statements of {@link scopedStatements} to the grantee's policy and returns them. */
export function grantScoped(
  grantee: iam.IGrantable,
  actions: readonly string[],
  table: ScopeTable,
): iam.PolicyStatement[] {
  const statements = scopedStatements(actions, table);
  for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  return statements;
}

/** Every `[pattern, reason]` of the table's {@link ResourceScope.wildcardReasons}. */
export function wildcardReasonsOf(table: ScopeTable): Array<[string, string]> {
  return Object.values(table).flatMap((rules) =>
    rules.flatMap((rule) => Object.entries(rule.scope.wildcardReasons ?? {})),
  );
}
