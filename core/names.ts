/**
 * The naming authority: every name the pipeline gives a Personalize resource, the S3 prefixes derived from
 * the config, the length and character rules those names must meet, and the IAM resource patterns that
 * match exactly the project's own resources.
 *
 * - dataset group `<project>`; schemas `<project>-<type>` (then `-v2`, `-v3` ... when changed);
 * - datasets `<project>-<type>`; import jobs `<project>-<type>-<runId>`;
 * - solutions and their campaigns `<project>-<solution>`; event tracker `<project>-tracker`;
 * - filters `<project>-<filter>-<first 8 hex of sha256(expression)>`;
 * - recommenders `<project>-<recommender>`; the metric attribution `<project>-attribution`, whose reports go
 *   under {@link METRIC_ATTRIBUTION_PREFIX} in the data bucket;
 * - batch jobs `<project>-<job>-<runId>`, where a run id is 14 digits ({@link executionRunId}: the execution's UTC
 *   start date `yymmdd` and 8 digits of the SHA-256 of its name, unique per execution).
 *
 * The config check ({@link nameProblems}) builds each of these names at its longest, so a name Personalize
 * would refuse at run time is refused at synth, naming the config field.
 */
import { createHash } from 'node:crypto';

/** Personalize resource names: letters, digits, `-` and `_`, not starting with `-`/`_`. */
export const RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

/** Maximum length of a Personalize resource name. */
export const MAX_RESOURCE_NAME_LENGTH = 63;

/** Project names: lower-case letters, digits and `-`, starting with a letter. */
export const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Maximum length of the project name, leaving room for the names prefixed with it. */
export const MAX_PROJECT_NAME_LENGTH = 32;

/** Length of a run id ({@link executionRunId}), the suffix of import and batch job names. */
export const RUN_ID_LENGTH = 14;

/** Length of the expression hash that ends a filter name. */
export const EXPRESSION_HASH_LENGTH = 8;

/** The highest schema generation (`-v999`) names and IAM patterns allow for. */
export const MAX_SCHEMA_GENERATION = 999;

/** The config's dataset keys, which are also the lower-cased Personalize dataset types. */
export const DATASET_KEYS = ['interactions', 'items', 'users'] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

/** The Personalize API spelling of a dataset key (`interactions` → `Interactions`). */
export function apiDatasetType(key: DatasetKey): 'Interactions' | 'Items' | 'Users' {
  return key === 'interactions' ? 'Interactions' : key === 'items' ? 'Items' : 'Users';
}

/** A generated name that Personalize would refuse. */
export class ResourceNameError extends Error {
  override readonly name = 'ResourceNameError';
}

/** Why Personalize would refuse `name`, or `undefined` when it is a valid resource name. */
export function resourceNameProblem(name: string): string | undefined {
  if (name.length > MAX_RESOURCE_NAME_LENGTH) {
    return `"${name}" is ${name.length} characters long; Personalize allows at most ${MAX_RESOURCE_NAME_LENGTH}`;
  }
  if (!RESOURCE_NAME_PATTERN.test(name)) {
    return `"${name}" may only contain letters, digits, "-" and "_", and must start with a letter or digit`;
  }
  return undefined;
}

function checked(name: string): string {
  const problem = resourceNameProblem(name);
  if (problem) throw new ResourceNameError(`Resource name ${problem}.`);
  return name;
}

export const datasetGroupName = (project: string): string => checked(project);
export const schemaName = (project: string, key: DatasetKey, version = 1): string =>
  checked(version <= 1 ? `${project}-${key}` : `${project}-${key}-v${version}`);
export const datasetName = (project: string, key: DatasetKey): string => checked(`${project}-${key}`);
export const importJobName = (project: string, key: DatasetKey, runId: string): string =>
  checked(`${project}-${key}-${runId}`);
export const solutionName = (project: string, solution: string): string => checked(`${project}-${solution}`);
export const campaignName = solutionName;
export const eventTrackerName = (project: string): string => checked(`${project}-tracker`);
export const batchJobName = (project: string, job: string, runId: string): string =>
  checked(`${project}-${job}-${runId}`);
export const recommenderName = (project: string, recommender: string): string =>
  checked(`${project}-${recommender}`);
export const metricAttributionName = (project: string): string => checked(`${project}-attribution`);

/** Where Personalize writes the metric attribution's reports in the data bucket. */
export const METRIC_ATTRIBUTION_PREFIX = 'metric-attribution/';

/** First 8 hex characters of the SHA-256 of a filter expression. */
export function expressionHash(expression: string): string {
  return createHash('sha256').update(expression, 'utf8').digest('hex').slice(0, EXPRESSION_HASH_LENGTH);
}

/** The prefix every generation of a config filter shares: `<project>-<filter>-`. */
export const filterPrefix = (project: string, filter: string): string => `${project}-${filter}-`;

/** The name of a filter for its current expression. */
export const filterName = (project: string, filter: string, expression: string): string =>
  checked(`${filterPrefix(project, filter)}${expressionHash(expression)}`);

/** A UTC timestamp `yyyymmddhhmmss`. */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Digits of the execution-name hash in a run id (after the 6-digit date). */
const RUN_ID_HASH_DIGITS = RUN_ID_LENGTH - 6;

/**
 * The run id of a pipeline execution, the suffix of its import and batch job names: the UTC date it started
 * (`yymmdd`, so names sort by day) and 8 decimal digits of the SHA-256 of its name. Step Functions execution
 * names are unique per state machine, so two executions started in the same second get different ids (two
 * names share the 8 digits with a chance of one in 10^8), while every retry of a step within one execution
 * gets the same id. 14 digits: the length job names, IAM patterns and the config check allow for.
 */
export function executionRunId(executionName: string, startTime: Date): string {
  if (executionName.length === 0) throw new Error('executionRunId: the execution name is empty.');
  if (Number.isNaN(startTime.getTime()))
    throw new Error('executionRunId: the execution start time is not a date.');
  const date = startTime.toISOString().slice(2, 10).replace(/-/g, '');
  const hash = BigInt(`0x${createHash('sha256').update(executionName, 'utf8').digest('hex').slice(0, 16)}`);
  const digits = (hash % 10n ** BigInt(RUN_ID_HASH_DIGITS)).toString().padStart(RUN_ID_HASH_DIGITS, '0');
  return `${date}${digits}`;
}

/** Where a batch job reads its input and writes its output, as key prefixes in the data bucket. */
export interface BatchJobPrefixes {
  /** `batch/<name>/input/`: JSON Lines files the job reads. */
  readonly input: string;
  /** `batch/<name>/output/`: where Personalize writes `<input file>.out`. */
  readonly output: string;
}

/**
 * The data-bucket prefixes of a batch job: input is `batch/<name>/input/`, output is
 * `batch/<name>/output/`. Each job has its own prefixes, so jobs never read each other's files.
 */
export function batchJobPrefixes(name: string): BatchJobPrefixes {
  return { input: `batch/${name}/input/`, output: `batch/${name}/output/` };
}

// ---------------------------------------------------------------------------------------------
// The config check: every generated name at its longest

/** The named parts of a config that resource names are built from. */
export interface NamedConfig {
  readonly projectName: string;
  readonly solutions?: readonly { readonly name: string }[];
  readonly filters?: readonly { readonly name: string }[];
  readonly batchJobs?: readonly { readonly name: string }[];
  readonly recommenders?: readonly { readonly name: string }[];
}

/** A config field whose resource name Personalize would refuse. */
export interface NameProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const LONGEST_RUN_ID = '9'.repeat(RUN_ID_LENGTH);
const LONGEST_HASH = 'f'.repeat(EXPRESSION_HASH_LENGTH);
const LONGEST_DATASET_KEY = 'interactions';

interface NameRule {
  /** What the resource is, for the message. */
  readonly noun: string;
  /** The name pattern, for the message. */
  readonly shape: string;
  /** The longest name this rule generates for `name`. */
  readonly longest: (project: string, name: string) => string;
}

/** The resources named after the project alone, at their longest. */
const PROJECT_RULES: readonly NameRule[] = [
  { noun: 'dataset group', shape: '<projectName>', longest: (p) => p },
  {
    noun: 'schema',
    shape: `<projectName>-<type>-v<n>`,
    longest: (p) => `${p}-${LONGEST_DATASET_KEY}-v${MAX_SCHEMA_GENERATION}`,
  },
  { noun: 'dataset', shape: '<projectName>-<type>', longest: (p) => `${p}-${LONGEST_DATASET_KEY}` },
  {
    noun: 'dataset import job',
    shape: `<projectName>-<type>-<${RUN_ID_LENGTH}-digit run id>`,
    longest: (p) => `${p}-${LONGEST_DATASET_KEY}-${LONGEST_RUN_ID}`,
  },
  { noun: 'event tracker', shape: '<projectName>-tracker', longest: (p) => `${p}-tracker` },
  { noun: 'metric attribution', shape: '<projectName>-attribution', longest: (p) => `${p}-attribution` },
];

/** A rule for the names of one config section, with what the section's entries are called. */
interface SectionRule extends NameRule {
  /** The entry's noun in the config, e.g. "solution". */
  readonly entry: string;
}

/** The config sections whose entries name resources. */
const NAMED_SECTIONS = ['solutions', 'filters', 'batchJobs', 'recommenders'] as const;

const SECTION_RULES: Readonly<Record<(typeof NAMED_SECTIONS)[number], SectionRule>> = {
  solutions: {
    entry: 'solution',
    noun: 'solution (and its campaign)',
    shape: '<projectName>-<name>',
    longest: (p, n) => `${p}-${n}`,
  },
  filters: {
    entry: 'filter',
    noun: 'filter',
    shape: `<projectName>-<name>-<${EXPRESSION_HASH_LENGTH}-character expression hash>`,
    longest: (p, n) => `${p}-${n}-${LONGEST_HASH}`,
  },
  batchJobs: {
    entry: 'batch job',
    noun: 'batch job',
    shape: `<projectName>-<name>-<${RUN_ID_LENGTH}-digit run id>`,
    longest: (p, n) => `${p}-${n}-${LONGEST_RUN_ID}`,
  },
  recommenders: {
    entry: 'recommender',
    noun: 'recommender',
    shape: '<projectName>-<name>',
    longest: (p, n) => `${p}-${n}`,
  },
};

function tooLong(
  rule: NameRule,
  full: string,
  room: number,
  subject: string,
  project: string,
  name = '',
): string {
  const shown = rule.shape.replace('<projectName>', project).replace('<name>', name);
  return (
    `the ${rule.noun} name "${shown}" would be ${full.length} characters; Personalize allows at most ` +
    `${MAX_RESOURCE_NAME_LENGTH}, so ${subject} can have at most ${Math.max(0, room)} characters`
  );
}

/**
 * Every config field whose generated resource name (at its longest: run-id and hash suffixes included)
 * Personalize would refuse, with the limit. Only names that are otherwise well-formed are checked; the
 * schema reports malformed ones.
 */
export function nameProblems(config: NamedConfig): NameProblem[] {
  const project = config.projectName;
  const problems: NameProblem[] = [];
  for (const rule of PROJECT_RULES) {
    const full = rule.longest(project, '');
    if (full.length > MAX_RESOURCE_NAME_LENGTH) {
      const room = MAX_RESOURCE_NAME_LENGTH - (full.length - project.length);
      problems.push({
        path: ['projectName'],
        message: tooLong(rule, full, room, 'the project name', project),
      });
    }
  }
  for (const section of NAMED_SECTIONS) {
    const rule = SECTION_RULES[section];
    for (const [index, entry] of (config[section] ?? []).entries()) {
      const full = rule.longest(project, entry.name);
      if (full.length <= MAX_RESOURCE_NAME_LENGTH) continue;
      const room = MAX_RESOURCE_NAME_LENGTH - (full.length - entry.name.length);
      problems.push({
        path: [section, index, 'name'],
        message: tooLong(
          rule,
          full,
          room,
          `in project "${project}" a ${rule.entry} name`,
          project,
          entry.name,
        ),
      });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// IAM: the project's resources, and nothing of another project

/**
 * The Personalize resources of the project as IAM resource patterns, each the part of the ARN after
 * `arn:<partition>:personalize:<region>:<account>:`. Names the config knows are exact; generated suffixes
 * are matched by `?` (exactly one character each), and the dataset group's children end at a `/`, so no
 * pattern can match a resource of another project (say `shop-recs-eu` next to `shop-recs`).
 */
export function personalizeResourcePatterns(config: NamedConfig): string[] {
  const project = config.projectName;
  const runId = '?'.repeat(RUN_ID_LENGTH);
  const hash = '?'.repeat(EXPRESSION_HASH_LENGTH);
  const generations = String(MAX_SCHEMA_GENERATION).length;
  const patterns = [
    `dataset-group/${project}`,
    `dataset/${project}/*`,
    `event-tracker/${project}-tracker`,
    `metric-attribution/${project}-attribution`,
  ];
  for (const key of DATASET_KEYS) {
    patterns.push(`schema/${project}-${key}`);
    for (let digits = 1; digits <= generations; digits++) {
      patterns.push(`schema/${project}-${key}-v${'?'.repeat(digits)}`);
    }
    patterns.push(`dataset-import-job/${project}-${key}-${runId}`);
  }
  for (const { name } of config.solutions ?? []) {
    const solution = `${project}-${name}`;
    patterns.push(`solution/${solution}`, `solution/${solution}/*`, `campaign/${solution}`);
  }
  for (const { name } of config.recommenders ?? []) patterns.push(`recommender/${project}-${name}`);
  for (const { name } of config.filters ?? []) patterns.push(`filter/${project}-${name}-${hash}`);
  for (const { name } of config.batchJobs ?? []) {
    patterns.push(
      `batch-inference-job/${project}-${name}-${runId}`,
      `batch-segment-job/${project}-${name}-${runId}`,
    );
  }
  return patterns;
}

/** Whether an IAM resource pattern (`*` any run of characters, `?` exactly one) matches `resource`. */
export function iamPatternMatches(pattern: string, resource: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(resource);
}

// ---------------------------------------------------------------------------------------------
// Names of the project's triggers and state machines: fixed, so the teardown can find and disable them
// without a List call on "*", and the console shows which project a state machine belongs to.

/** Maximum length of a Step Functions state machine name. */
export const MAX_STATE_MACHINE_NAME_LENGTH = 80;

/** Maximum length of an EventBridge Scheduler schedule or schedule group name, and of an EventBridge rule name. */
export const MAX_SCHEDULER_NAME_LENGTH = 64;

/** The project's two workflows. */
export type WorkflowKind = 'pipeline' | 'teardown';

/** The name of the project's pipeline or teardown state machine: `<project>-pipeline`, `<project>-teardown`. */
export function stateMachineName(project: string, kind: WorkflowKind): string {
  const name = `${project}-${kind}`;
  if (name.length > MAX_STATE_MACHINE_NAME_LENGTH)
    throw new ResourceNameError(
      `State machine name "${name}" is ${name.length} characters long; Step Functions allows at most ${MAX_STATE_MACHINE_NAME_LENGTH}.`,
    );
  return name;
}

/**
 * The EventBridge Scheduler group that holds every schedule of the project: `<project>-schedules` (not
 * `<project>`, which for a project named `default` would be Scheduler's own default group).
 */
export function scheduleGroupName(project: string): string {
  return `${project}-schedules`;
}

/** The EventBridge rule that starts a run when a config is uploaded: `<project>-config-upload`. */
export function configUploadRuleName(project: string): string {
  return `${project}-config-upload`;
}

/** What the config says about schedules: each solution's retraining and each batch job's schedule. */
export interface ScheduledConfig {
  readonly solutions?: readonly {
    readonly name: string;
    readonly schedule?:
      { readonly full?: string | undefined; readonly update?: string | undefined } | undefined;
  }[];
  readonly batchJobs?: readonly { readonly name: string; readonly schedule?: string | undefined }[];
}

/** One schedule of the project: what it runs and when, by its name in the project's schedule group. */
export type ProjectSchedule =
  | {
      readonly kind: 'retraining';
      readonly name: string;
      readonly expression: string;
      readonly solution: string;
      readonly mode: 'FULL' | 'UPDATE';
    }
  | { readonly kind: 'batchJob'; readonly name: string; readonly expression: string; readonly job: string };

/**
 * A schedule name within the project's group: `name` itself when it fits Scheduler's 64 characters, else its
 * first 55 characters, `-` and 8 hex characters of its SHA-256, so two long names never collide.
 */
function scheduleName(name: string): string {
  if (name.length <= MAX_SCHEDULER_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_SCHEDULER_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/**
 * Every schedule of the project, in the group {@link scheduleGroupName}: `retrain-<solution>-full`,
 * `retrain-<solution>-update` for each configured retraining, `batch-<job>` for each scheduled batch job.
 */
export function projectSchedules(config: ScheduledConfig): ProjectSchedule[] {
  const schedules: ProjectSchedule[] = [];
  for (const solution of config.solutions ?? []) {
    for (const mode of ['full', 'update'] as const) {
      const expression = solution.schedule?.[mode];
      if (!expression) continue;
      schedules.push({
        kind: 'retraining',
        name: scheduleName(`retrain-${solution.name}-${mode}`),
        expression,
        solution: solution.name,
        mode: mode === 'full' ? 'FULL' : 'UPDATE',
      });
    }
  }
  for (const job of config.batchJobs ?? []) {
    if (!job.schedule) continue;
    schedules.push({
      kind: 'batchJob',
      name: scheduleName(`batch-${job.name}`),
      expression: job.schedule,
      job: job.name,
    });
  }
  return schedules;
}
