/**
 * CloudFormation values as text, the way cdk-nag writes them into finding ids such as
 * `AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/*]`. An acknowledgement names one finding, so the
 * project renders the resources it acknowledges exactly like cdk-nag renders the ones it reports.
 */

/**
 * Renders a resolved CloudFormation value (`Stack.resolve` output) as cdk-nag does: `{ Ref: X }` → `<X>`,
 * `{ 'Fn::GetAtt': [X, Y] }` → `<X.Y>`, `{ 'Fn::Join': [d, parts] }` → the parts rendered and joined with `d`,
 * `{ 'Fn::Sub': X }` and `{ 'Fn::ImportValue': X }` → X rendered; `${` and `}` in strings become `<` and `>`. Any other value is
 * rendered as its JSON, which is what cdk-nag falls back to.
 */
export function renderCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (isIntrinsic(value, 'Fn::Join')) {
    const [delimiter, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map(renderCfnReference).join(delimiter);
  }
  if (isIntrinsic(value, 'Fn::Sub')) return renderCfnReference(value['Fn::Sub']);
  if (isIntrinsic(value, 'Fn::GetAtt')) {
    const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
    return `<${renderCfnReference(resource)}.${renderCfnReference(attribute)}>`;
  }
  if (isIntrinsic(value, 'Fn::ImportValue')) return renderCfnReference(value['Fn::ImportValue']);
  if (isIntrinsic(value, 'Ref')) return `<${renderCfnReference(value.Ref)}>`;
  return JSON.stringify(value);
}

function isIntrinsic<K extends string>(value: unknown, name: K): value is Record<K, unknown> {
  return typeof value === 'object' && value !== null && name in value;
}
