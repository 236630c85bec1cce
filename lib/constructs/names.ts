import { Aws } from 'aws-cdk-lib';

/**
 * The data bucket's name: `<projectName>-<account>-<region>`, at most 60 characters. A known name tells users
 * where to put their data, and lets the pipeline stack scope its policies to the bucket without a cross-stack
 * reference.
 */
export function dataBucketName(projectName: string): string {
  return `${projectName}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** ARN pattern of every Personalize resource of the project: all their names start with the project name. */
export function projectPersonalizeArn(projectName: string): string {
  return `arn:${Aws.PARTITION}:personalize:${Aws.REGION}:${Aws.ACCOUNT_ID}:*/${projectName}*`;
}
