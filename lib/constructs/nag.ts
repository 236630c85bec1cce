import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
// cdk-nag's own rendering of CloudFormation references, so acknowledgements name findings exactly as it reports them.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

/**
 * Acknowledges `AwsSolutions-IAM5` for each wildcard resource of `statements`, one finding at a time, with
 * the reason `reasonFor` gives for it. Wildcard actions are never acknowledged: a statement with one throws.
 * The resources must reference only the stack's own resources and pseudo parameters (a cross-stack reference
 * is rendered differently once CDK turns it into an import).
 */
export function acknowledgeWildcardResources(
  scope: IConstruct,
  statements: readonly iam.PolicyStatement[],
  reasonFor: (resource: string) => string,
): string[] {
  const stack = Stack.of(scope);
  const findings: string[] = [];
  for (const statement of statements) {
    const json = stack.resolve(statement.toStatementJson()) as { Action?: unknown; Resource?: unknown };
    const wildcardAction = [json.Action].flat().find((a) => String(a).includes('*'));
    if (wildcardAction)
      throw new Error(`Refusing to acknowledge the wildcard action ${String(wildcardAction)}`);
    for (const resource of [json.Resource].flat()) {
      const flat = flattenCfnReference(resource);
      if (!flat.includes('*')) continue;
      const id = `AwsSolutions-IAM5[Resource::${flat}]`;
      Validations.of(scope).acknowledge({ id, reason: reasonFor(flat) });
      findings.push(id);
    }
  }
  return findings;
}
