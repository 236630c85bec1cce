import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A resource-policy statement that lets the CloudWatch alarms of the stack's account and region, and only
 * those, take `actions` on `resources`. An alarm notifies an encrypted topic only when both the topic's
 * policy (`sns:Publish`) and its key's policy (`kms:Decrypt`, `kms:GenerateDataKey*`) allow it; without
 * them the notification is dropped silently.
 */
export function alarmsOfThisAccount(
  stack: Stack,
  actions: readonly string[],
  resources: readonly string[],
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsOfThisAccount',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: [...actions],
    resources: [...resources],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
      },
    },
  });
}
