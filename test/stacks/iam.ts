/** Reading IAM policies out of synthesized templates, with ARNs rendered for one partition, region and account. */
import type { App, Stack } from 'aws-cdk-lib';
import type { PipelineConfig } from '../../core/config';
import {
  batchJobName,
  campaignName,
  compactTimestamp,
  DATASET_KEYS,
  datasetGroupName,
  eventTrackerName,
  filterName,
  importJobName,
  MAX_SCHEMA_GENERATION,
  metricAttributionName,
  recommenderName,
  schemaName,
  solutionName,
} from '../../core/names';

/** Where the test app deploys: what `AWS::Partition`, `AWS::Region` and `AWS::AccountId` stand for. */
export const TEST_ENV = { partition: 'aws', region: 'eu-west-1', account: '111122223333' } as const;

/** A policy statement as CloudFormation holds it, with its resources rendered as text. */
export interface Statement {
  readonly sid?: string;
  readonly actions: string[];
  /** Resources with pseudo parameters substituted; references to resources as `<LogicalId.Attribute>`. */
  readonly resources: string[];
  readonly condition?: Record<string, Record<string, unknown>>;
}

/** An `AWS::IAM::Policy` of a synthesized template. */
export interface Policy {
  readonly stack: string;
  readonly logicalId: string;
  /** Logical ids of the roles it is attached to. */
  readonly roles: string[];
  readonly statements: Statement[];
}

interface RawStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every IAM policy of `stacks`, from the app's synthesized templates. */
export function policiesOf(app: App, stacks: readonly Stack[]): Policy[] {
  const assembly = app.synth();
  return stacks.flatMap((stack) => {
    const template = assembly.getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    return Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
      .map(([logicalId, resource]) => {
        const document = resource.Properties.PolicyDocument as { Statement: RawStatement[] };
        return {
          stack: stack.stackName,
          logicalId,
          roles: (resource.Properties.Roles as Array<{ Ref: string }>).map((role) => role.Ref),
          statements: document.Statement.filter((s) => s.Effect === 'Allow').map((s) => ({
            ...(s.Sid ? { sid: s.Sid } : {}),
            actions: [s.Action].flat(),
            resources: [s.Resource].flat().map(renderValue),
            ...(s.Condition ? { condition: s.Condition } : {}),
          })),
        };
      });
  });
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': TEST_ENV.partition,
  'AWS::Region': TEST_ENV.region,
  'AWS::AccountId': TEST_ENV.account,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** A template value as text: pseudo parameters substituted, other references as `<Id>` / `<Id.Attribute>`. */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Ref' in node) return PSEUDO[String(node.Ref)] ?? `<${String(node.Ref)}>`;
  if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::ImportValue' in node) return `<${String(node['Fn::ImportValue'])}>`;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(renderValue).join(separator);
  }
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

/** The ARN of a Personalize resource of the test environment: `arn:aws:personalize:eu-west-1:<account>:<suffix>`. */
export function personalizeArn(suffix: string): string {
  return `arn:${TEST_ENV.partition}:personalize:${TEST_ENV.region}:${TEST_ENV.account}:${suffix}`;
}

const RUN_ID = compactTimestamp(new Date('2026-03-04T05:06:07Z'));
/** A solution version id as Personalize generates them. */
const VERSION_ID = '1a2b3c4d';

/** The kinds of Personalize resource a project creates. */
export type PersonalizeKind =
  | 'dataset-group'
  | 'schema'
  | 'dataset'
  | 'dataset-import-job'
  | 'filter'
  | 'solution'
  | 'solution-version'
  | 'campaign'
  | 'event-tracker'
  | 'batch-inference-job'
  | 'batch-segment-job'
  | 'recommender'
  | 'metric-attribution';

/** The ARN of every Personalize resource `project` creates with the names of `config`, by kind. */
export function personalizeResourcesOf(
  config: PipelineConfig,
  project: string,
): Record<PersonalizeKind, string[]> {
  const group = datasetGroupName(project);
  const solutions = config.solutions.map((s) => solutionName(project, s.name));
  const batchJobs = config.batchJobs.map((j) => batchJobName(project, j.name, RUN_ID));
  const names: Record<PersonalizeKind, string[]> = {
    'dataset-group': [`dataset-group/${group}`],
    schema: DATASET_KEYS.flatMap((key) =>
      [1, 2, 10, MAX_SCHEMA_GENERATION].map((version) => `schema/${schemaName(project, key, version)}`),
    ),
    dataset: DATASET_KEYS.map((key) => `dataset/${group}/${key.toUpperCase()}`),
    'dataset-import-job': DATASET_KEYS.map(
      (key) => `dataset-import-job/${importJobName(project, key, RUN_ID)}`,
    ),
    filter: config.filters.map((f) => `filter/${filterName(project, f.name, f.expression)}`),
    solution: solutions.map((name) => `solution/${name}`),
    'solution-version': solutions.map((name) => `solution/${name}/${VERSION_ID}`),
    campaign: config.solutions.map((s) => `campaign/${campaignName(project, s.name)}`),
    'event-tracker': [`event-tracker/${eventTrackerName(project)}`],
    'batch-inference-job': batchJobs.map((name) => `batch-inference-job/${name}`),
    'batch-segment-job': batchJobs.map((name) => `batch-segment-job/${name}`),
    recommender: config.recommenders.map((r) => `recommender/${recommenderName(project, r.name)}`),
    'metric-attribution': [`metric-attribution/${metricAttributionName(project)}`],
  };
  return Object.fromEntries(
    Object.entries(names).map(([kind, suffixes]) => [kind, suffixes.map(personalizeArn)]),
  ) as Record<PersonalizeKind, string[]>;
}
