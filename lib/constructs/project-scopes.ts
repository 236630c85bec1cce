/**
 * The resource scopes of the project's resources, one builder per service, to assemble a {@link ScopeTable}
 * from: the pipeline's functions use them, and so can any other stack's (the serving API's) that calls the
 * same services on the same resources.
 */
import { Aws } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  configUploadRuleName,
  datasetGroupName,
  type NamedConfig,
  personalizeResourcePatterns,
  scheduleGroupName,
} from '../../core/names';
import { PERSONALIZE_ARN_PREFIX } from './names';
import type { ScopeRule, ScopeTable } from './permissions';

/** The project's resources a function may be granted actions on. */
export interface ProjectResources {
  /** The config: its names give the project's Personalize resources. */
  readonly config: NamedConfig;
  /** The data bucket. */
  readonly bucket: s3.IBucket;
  /** The project key. */
  readonly key: kms.IKey;
  /** The role Personalize assumes, the only one that may be passed (to Personalize only). */
  readonly personalizeRole: iam.IRole;
  /** The notification topic. */
  readonly topic: sns.ITopic;
  /** The event bus events go to. @default 'default' */
  readonly eventBusName?: string;
  /** The only CloudWatch namespace metrics may be published to. */
  readonly metricsNamespace: string;
  /** The run lease table. @default - none: no function may use DynamoDB */
  readonly leaseTable?: dynamodb.ITable;
}

/**
 * The scope table of the project's resources: Personalize, the data bucket, the key, PassRole of the
 * Personalize role, the topic, the project's parameters, the event bus and the config-upload rule, the project's
 * schedules, the metrics namespace and the run lease table. An action of any other service has no scope, and
 * granting it fails.
 */
export function projectScopeTable(resources: ProjectResources): ScopeTable {
  return {
    personalize: personalizeScopeRules(resources.config),
    s3: bucketScopeRules(resources.bucket),
    kms: keyScopeRules(resources.key),
    iam: passRoleScopeRules(resources.personalizeRole),
    sns: topicScopeRules(resources.topic),
    ssm: parameterScopeRules(resources.config.projectName),
    events: [
      ...configUploadRuleScopeRules(resources.config.projectName),
      ...eventBusScopeRules(resources.eventBusName ?? 'default'),
    ],
    scheduler: scheduleScopeRules(resources.config.projectName),
    cloudwatch: metricsScopeRules(resources.metricsNamespace),
    ...(resources.leaseTable
      ? { dynamodb: [{ scope: { sid: 'LeaseTable', resources: [resources.leaseTable.tableArn] } }] }
      : {}),
  };
}

/**
 * Personalize: List calls on `"*"` (IAM cannot scope them), everything else on exactly the project's
 * resources (core/names.ts `personalizeResourcePatterns`), so no call reaches a resource of another project.
 */
export function personalizeScopeRules(config: NamedConfig): ScopeRule[] {
  const wildcardReasons: Record<string, string> = {};
  const resources = personalizeResourcePatterns(config).map((pattern) => {
    const arn = `${PERSONALIZE_ARN_PREFIX}${pattern}`;
    if (pattern.includes('*')) wildcardReasons[arn] = personalizeWildcardReason(pattern);
    return arn;
  });
  return [
    { operations: /^List/, scope: { sid: 'PersonalizeList', resources: ['*'] } },
    { scope: { sid: 'Personalize', resources, wildcardReasons } },
  ];
}

/** Why a Personalize pattern with a `*` reaches only the project's own resources. */
function personalizeWildcardReason(pattern: string): string {
  const parent = /^(dataset|solution)\/([^/*?]+)\/\*$/.exec(pattern);
  if (parent?.[1] === 'dataset') {
    return `The datasets of the project's dataset group ${parent[2]}: dataset ARNs are dataset/<dataset group>/<TYPE>, and the "/" after the group's exact name ends it, so no other dataset group's datasets match.`;
  }
  if (parent?.[1] === 'solution') {
    return `The versions of solution ${parent[2]}: version ARNs are solution/<solution>/<version id>, the id chosen by Personalize, and the "/" after the solution's exact name ends it, so no other solution's versions match.`;
  }
  throw new Error(
    `No reason is known for the Personalize resource pattern ${pattern}; add one to project-scopes.ts.`,
  );
}

/** S3: ListBucket on the bucket, object actions on its objects. */
export function bucketScopeRules(bucket: s3.IBucket): ScopeRule[] {
  const objects = bucket.arnForObjects('*');
  return [
    { operations: ['ListBucket'], scope: { sid: 'S3Bucket', resources: [bucket.bucketArn] } },
    {
      scope: {
        sid: 'S3Objects',
        resources: [objects],
        wildcardReasons: {
          [objects]: "Objects of the project's own data bucket: datasets, uploaded configs and batch files.",
        },
      },
    },
  ];
}

/** KMS: the project key only. */
export function keyScopeRules(key: kms.IKey): ScopeRule[] {
  return [{ scope: { sid: 'Kms', resources: [key.keyArn] } }];
}

/**
 * IAM: PassRole of one role, and only to the service that assumes it: by default the Personalize service role
 * to Personalize.
 */
export function passRoleScopeRules(role: iam.IRole, service = 'personalize.amazonaws.com'): ScopeRule[] {
  return [
    {
      operations: ['PassRole'],
      scope: {
        sid: 'PassRole',
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': service } },
      },
    },
  ];
}

/**
 * EventBridge: reading, disabling and enabling the project's config-upload rule (on the default bus), by its
 * exact name. The teardown disables it; nothing else of EventBridge's rules is reachable.
 */
export function configUploadRuleScopeRules(projectName: string): ScopeRule[] {
  const rule = `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${configUploadRuleName(projectName)}`;
  return [
    {
      operations: ['DescribeRule', 'DisableRule', 'EnableRule'],
      scope: { sid: 'ConfigUploadRule', resources: [rule] },
    },
  ];
}

/** EventBridge Scheduler: the schedules of the project's own schedule group, `<projectName>-schedules`. */
export function scheduleScopeRules(projectName: string): ScopeRule[] {
  const group = scheduleGroupName(projectName);
  const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${group}/*`;
  return [
    {
      scope: {
        sid: 'Schedules',
        resources: [schedules],
        wildcardReasons: {
          [schedules]: `The schedules of the project's own schedule group ${group}: schedule ARNs are schedule/<group>/<name>, and the "/" after the group's exact name ends it, so no other group's schedules match.`,
        },
      },
    },
  ];
}

/** SNS: the one topic. */
export function topicScopeRules(topic: sns.ITopic): ScopeRule[] {
  return [{ scope: { sid: 'Sns', resources: [topic.topicArn] } }];
}

/** SSM: the project's parameters, under `/<projectName>/`. */
export function parameterScopeRules(projectName: string): ScopeRule[] {
  const parameters = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${projectName}/*`;
  return [
    {
      scope: {
        sid: 'Ssm',
        resources: [parameters],
        wildcardReasons: {
          [parameters]: `The project's own parameters under /${projectName}/: the "/" after the project name ends it, so no other project's parameters match.`,
        },
      },
    },
  ];
}

/** EventBridge: PutEvents to one event bus of the account. */
export function eventBusScopeRules(busName: string): ScopeRule[] {
  const bus = `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/${busName}`;
  return [{ scope: { sid: 'Events', resources: [bus] } }];
}

/** CloudWatch: PutMetricData (which IAM cannot scope to a resource) into one namespace only. */
export function metricsScopeRules(namespace: string): ScopeRule[] {
  return [
    {
      operations: ['PutMetricData'],
      scope: {
        sid: 'Cloudwatch',
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The serving API's functions

/** The resources the serving API's functions may be granted actions on. */
export interface ServingResources {
  /** The config: its names give the campaigns, filters, event tracker and datasets. */
  readonly config: NamedConfig;
  /** The solutions whose campaigns the deployed read routes call (`serving.campaigns`, experiment variants). */
  readonly servedSolutions: readonly string[];
  /** The recommenders the deployed read routes call. @default - none */
  readonly servedRecommenders?: readonly string[];
  /** The data bucket, where accepted events are archived. */
  readonly bucket: s3.IBucket;
  /** Key prefix of the event archive in the bucket, e.g. `events-archive/`. */
  readonly archivePrefix: string;
  /** The project key. */
  readonly key: kms.IKey;
  /** Names of the pipeline's parameters the functions read, under `/<projectName>/`, e.g. `serving`. */
  readonly parameterNames: readonly string[];
  /** The event queue. @default - none: no function may send to a queue */
  readonly queue?: sqs.IQueue;
  /** The idempotency table. @default - none: no function may use DynamoDB */
  readonly table?: dynamodb.ITable;
}

/**
 * The scope table of the serving API: each Personalize operation on exactly the resources it acts on (the
 * runtime calls on the served campaigns and the project's filters, PutEvents on the event tracker, PutItems
 * and PutUsers on the Items and Users datasets), the pipeline's parameters by exact name, archive objects,
 * the key, the queue and the table.
 */
export function servingScopeTable(resources: ServingResources): ScopeTable {
  const project = resources.config.projectName;
  return {
    personalize: servingPersonalizeScopeRules(
      resources.config,
      resources.servedSolutions,
      resources.servedRecommenders,
    ),
    ssm: parameterNameScopeRules(project, resources.parameterNames),
    s3: objectPrefixScopeRules(resources.bucket, resources.archivePrefix),
    kms: keyScopeRules(resources.key),
    ...(resources.queue ? { sqs: [{ scope: { sid: 'Sqs', resources: [resources.queue.queueArn] } }] } : {}),
    ...(resources.table
      ? { dynamodb: [{ scope: { sid: 'DynamoDb', resources: [resources.table.tableArn] } }] }
      : {}),
  };
}

/**
 * Personalize for the serving API, one operation group per resource kind, from the naming authority
 * (core/names.ts): GetRecommendations and GetPersonalizedRanking on the served campaigns, the served
 * recommenders (`recommender/<project>-<name>`, exact) and the project's filters (a request may name one),
 * PutEvents on the event tracker, PutItems on the Items dataset and
 * PutUsers on the Users dataset. Any other Personalize operation has no scope.
 */
export function servingPersonalizeScopeRules(
  config: NamedConfig,
  servedSolutions: readonly string[],
  servedRecommenders: readonly string[] = [],
): ScopeRule[] {
  const project = config.projectName;
  const arns = (kind: string, named: NamedConfig) =>
    personalizeResourcePatterns(named)
      .filter((pattern) => pattern.startsWith(`${kind}/`))
      .map((pattern) => `${PERSONALIZE_ARN_PREFIX}${pattern}`);
  const campaigns = arns('campaign', {
    projectName: project,
    solutions: servedSolutions.map((name) => ({ name })),
  });
  const dataset = (type: 'ITEMS' | 'USERS') =>
    `${PERSONALIZE_ARN_PREFIX}dataset/${datasetGroupName(project)}/${type}`;
  return [
    {
      operations: ['GetRecommendations', 'GetPersonalizedRanking'],
      scope: {
        sid: 'PersonalizeRuntime',
        resources: [
          ...campaigns,
          ...servedRecommenders.map((name) => `${PERSONALIZE_ARN_PREFIX}recommender/${project}-${name}`),
          ...arns('filter', config),
        ],
      },
    },
    {
      operations: ['PutEvents'],
      scope: { sid: 'PersonalizeEvents', resources: arns('event-tracker', config) },
    },
    { operations: ['PutItems'], scope: { sid: 'PersonalizeItems', resources: [dataset('ITEMS')] } },
    { operations: ['PutUsers'], scope: { sid: 'PersonalizeUsers', resources: [dataset('USERS')] } },
  ];
}

/** SSM: the named parameters under `/<projectName>/`, each by its exact name. */
export function parameterNameScopeRules(projectName: string, names: readonly string[]): ScopeRule[] {
  const resources = names.map(
    (name) => `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${projectName}/${name}`,
  );
  return [{ scope: { sid: 'SsmParameters', resources } }];
}

/** S3: object actions on the objects under one prefix of the bucket (ending in `/`). */
export function objectPrefixScopeRules(bucket: s3.IBucket, prefix: string): ScopeRule[] {
  if (!prefix.endsWith('/') || prefix.startsWith('/')) {
    throw new Error(
      `objectPrefixScopeRules: prefix must be a key prefix ending in "/" (e.g. events-archive/), got "${prefix}".`,
    );
  }
  const objects = bucket.arnForObjects(`${prefix}*`);
  return [
    {
      scope: {
        sid: 'S3Prefix',
        resources: [objects],
        wildcardReasons: {
          [objects]: `Objects under ${prefix} of the project's own data bucket only: the "/" that ends the prefix keeps every other key of the bucket out.`,
        },
      },
    },
  ];
}
