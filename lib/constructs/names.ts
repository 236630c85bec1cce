import { Aws } from 'aws-cdk-lib';
import { type NamedConfig, personalizeResourcePatterns } from '../../core/names';

/**
 * The data bucket's name: `<projectName>-<account>-<region>`, at most 60 characters. A known name tells users
 * where to put their data, and lets the pipeline stack scope its policies to the bucket without a cross-stack
 * reference.
 */
export function dataBucketName(projectName: string): string {
  return `${projectName}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** `arn:<partition>:personalize:<region>:<account>:` of the stack's account and region. */
export const PERSONALIZE_ARN_PREFIX = `arn:${Aws.PARTITION}:personalize:${Aws.REGION}:${Aws.ACCOUNT_ID}:`;

/**
 * The project's Personalize resources as IAM resource ARNs: {@link personalizeResourcePatterns} (exact names
 * where the config knows them, `?` per generated character, `/` after the names that have children) in the
 * stack's account and region. None of them matches a resource of another project, even one whose name starts
 * with this project's name.
 */
export function personalizeResourceArns(config: NamedConfig): string[] {
  return personalizeResourcePatterns(config).map((pattern) => `${PERSONALIZE_ARN_PREFIX}${pattern}`);
}

/** A name as a construct or output id: `event-consumer` → `EventConsumer`, `catalog_sync` → `CatalogSync`. */
export function pascalCase(name: string): string {
  return name.replace(/(^|[-_])(\w)/g, (_match, _separator: string, char: string) => char.toUpperCase());
}
