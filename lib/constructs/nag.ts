/**
 * cdk-nag acknowledgements of wildcard resources (`AwsSolutions-IAM5`), one per finding, each with a reason
 * that is true of exactly what the finding covers. They are derived from the policy as it is, so a grant
 * added later is either acknowledged by a later call or fails synthesis; nothing is acknowledged in advance.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { renderCfnReference } from './cfn-reference';
import { UNSCOPED_ACTIONS } from './permissions';

/** The finding id cdk-nag reports for a wildcard resource, rendered as cdk-nag renders it. */
export function wildcardFindingId(renderedResource: string): string {
  return `AwsSolutions-IAM5[Resource::${renderedResource}]`;
}

interface StatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Acknowledges `AwsSolutions-IAM5` for each wildcard resource of `document`, on `scope`:
 *
 * - `Resource::*`: one acknowledgement whose reason lists every action the document grants on `"*"`, what it
 *   is for (from {@link UNSCOPED_ACTIONS}) and its conditions. An action on `"*"` that is not in
 *   UNSCOPED_ACTIONS throws.
 * - any other pattern with a `*`: one acknowledgement each, with the reason `reasons` gives for that pattern
 *   (`[pattern as written, reason]` pairs; the pattern is resolved and rendered to match). A pattern without a
 *   reason throws.
 *
 * Wildcard actions are never acknowledged: a statement with one throws. Returns the acknowledged ids.
 */
export function acknowledgeWildcardFindings(
  scope: IConstruct,
  document: iam.PolicyDocument,
  reasons: Iterable<readonly [string, string]> = [],
): string[] {
  const stack = Stack.of(scope);
  const reasonOf = new Map<string, string>();
  for (const [pattern, reason] of reasons) reasonOf.set(renderCfnReference(stack.resolve(pattern)), reason);

  const resolved = stack.resolve(document) as { Statement?: StatementJson[] } | undefined;
  const unscoped: UnscopedGrant[] = [];
  const findings = new Map<string, string>();
  for (const statement of resolved?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    const actions = [statement.Action ?? []].flat();
    const wildcardAction = actions.find((action) => action.includes('*'));
    if (wildcardAction)
      throw new Error(`${scope.node.path}: refusing to acknowledge the action ${wildcardAction}`);
    for (const resource of [statement.Resource].flat().map(renderCfnReference)) {
      if (resource === '*')
        unscoped.push(...actions.map((action) => unscopedGrant(scope, action, statement)));
      else if (resource.includes('*')) {
        const reason = reasonOf.get(resource);
        if (!reason)
          throw new Error(`${scope.node.path}: no reason is recorded for the wildcard resource ${resource}`);
        findings.set(wildcardFindingId(resource), reason);
      }
    }
  }
  if (unscoped.length > 0) findings.set(wildcardFindingId('*'), unscopedReason(unscoped));
  for (const [id, reason] of findings) Validations.of(scope).acknowledge({ id, reason });
  return [...findings.keys()];
}

/**
 * {@link acknowledgeWildcardFindings} for everything a role's default policy grants so far, acknowledged on the
 * role. Call it once per role, after the role's last grant.
 */
export function acknowledgeRoleWildcards(
  role: iam.IRole,
  reasons: Iterable<readonly [string, string]> = [],
): string[] {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return [];
  return acknowledgeWildcardFindings(role, policy.document, reasons);
}

interface UnscopedGrant {
  /** What the action is for, from UNSCOPED_ACTIONS. */
  readonly purpose: string;
  /** The action, with the conditions it is granted under. */
  readonly grant: string;
}

/** `cloudwatch:PutMetricData` → `{ purpose: 'CloudWatch custom metrics', grant: 'cloudwatch:PutMetricData only where ...' }`. */
function unscopedGrant(scope: IConstruct, action: string, statement: StatementJson): UnscopedGrant {
  const purpose = UNSCOPED_ACTIONS[action];
  if (!purpose) {
    throw new Error(
      `${scope.node.path} holds ${action} on "*", which is not in UNSCOPED_ACTIONS: scope it to its resources, or add it there if IAM offers no resource-level permission for it.`,
    );
  }
  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => `${key} ${operator} ${renderCfnReference(value)}`),
  );
  return {
    purpose,
    grant: conditions.length > 0 ? `${action} only where ${conditions.join(' and ')}` : action,
  };
}

/** "IAM offers no resource-level permission for ...: X-Ray tracing (a, b); CloudWatch custom metrics (c only where ...)." */
function unscopedReason(grants: readonly UnscopedGrant[]): string {
  const byPurpose = new Map<string, Set<string>>();
  for (const { purpose, grant } of grants)
    byPurpose.set(purpose, (byPurpose.get(purpose) ?? new Set()).add(grant));
  const groups = [...byPurpose]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([purpose, granted]) => `${purpose} (${[...granted].sort().join(', ')})`);
  return `IAM offers no resource-level permission for these actions, so they are granted on "*": ${groups.join('; ')}.`;
}
