/**
 * Names of the Personalize resources the pipeline owns. Every name starts with the project name, so
 * IAM policies can be scoped to `<projectName>*` and teardown can find everything:
 *
 * - dataset group `<project>`; schemas `<project>-<type>` (then `-v2`, `-v3` ... when changed);
 * - datasets `<project>-<type>`; import jobs `<project>-<type>-<yyyymmddhhmmss>`;
 * - solutions and their campaigns `<project>-<solution>`; event tracker `<project>-tracker`;
 * - filters `<project>-<filter>-<first 8 hex of sha256(expression)>`;
 * - batch jobs `<project>-<job>-<runId>`.
 */
import { createHash } from 'node:crypto';

/** The config's dataset keys, which are also the lower-cased Personalize dataset types. */
export const DATASET_KEYS = ['interactions', 'items', 'users'] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

/** The Personalize API spelling of a dataset key (`interactions` → `Interactions`). */
export function apiDatasetType(key: DatasetKey): 'Interactions' | 'Items' | 'Users' {
  return key === 'interactions' ? 'Interactions' : key === 'items' ? 'Items' : 'Users';
}

export const datasetGroupName = (project: string): string => project;
export const schemaName = (project: string, key: DatasetKey, version = 1): string =>
  version <= 1 ? `${project}-${key}` : `${project}-${key}-v${version}`;
export const datasetName = (project: string, key: DatasetKey): string => `${project}-${key}`;
export const importJobName = (project: string, key: DatasetKey, timestamp: string): string =>
  `${project}-${key}-${timestamp}`;
export const solutionName = (project: string, solution: string): string => `${project}-${solution}`;
export const campaignName = solutionName;
export const eventTrackerName = (project: string): string => `${project}-tracker`;
export const batchJobName = (project: string, job: string, runId: string): string =>
  `${project}-${job}-${runId}`;

/** First 8 hex characters of the SHA-256 of a filter expression. */
export function expressionHash(expression: string): string {
  return createHash('sha256').update(expression, 'utf8').digest('hex').slice(0, 8);
}

/** The prefix every generation of a config filter shares: `<project>-<filter>-`. */
export const filterPrefix = (project: string, filter: string): string => `${project}-${filter}-`;

/** The name of a filter for its current expression. */
export const filterName = (project: string, filter: string, expression: string): string =>
  `${filterPrefix(project, filter)}${expressionHash(expression)}`;

/** A UTC timestamp `yyyymmddhhmmss`, used in job names and as the run id. */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
