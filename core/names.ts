/**
 * Naming rules and the names and S3 prefixes derived from the config. Every Personalize resource
 * is named `<projectName>-<name>` (the dataset group is named `<projectName>`), so IAM policies
 * can be scoped to `<projectName>*`.
 */
import { ResourceNameError } from './config/errors';

/** Personalize resource names: 1–63 characters, letters, digits, `-` and `_`, not starting with `-`/`_`. */
export const RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

/** Maximum length of a Personalize resource name. */
export const MAX_RESOURCE_NAME_LENGTH = 63;

/** Project names: lower-case letters, digits and `-`, starting with a letter. */
export const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Maximum length of the project name, leaving room for the names prefixed with it. */
export const MAX_PROJECT_NAME_LENGTH = 32;

/** The part of a config that names are derived from. */
export interface NamedProject {
  readonly projectName: string;
}

/**
 * The Personalize name of a resource: `<projectName>-<name>`.
 * @throws ResourceNameError when the result is longer than 63 characters or has invalid characters.
 */
export function resourceName(config: NamedProject, name: string): string {
  const full = `${config.projectName}-${name}`;
  if (full.length > MAX_RESOURCE_NAME_LENGTH) {
    throw new ResourceNameError(
      `Resource name "${full}" is ${full.length} characters long; Personalize allows at most ${MAX_RESOURCE_NAME_LENGTH}.`,
    );
  }
  if (!RESOURCE_NAME_PATTERN.test(full)) {
    throw new ResourceNameError(
      `Resource name "${full}" may only contain letters, digits, "-" and "_", and must start with a letter or digit.`,
    );
  }
  return full;
}

/** The name of the project's dataset group: the project name itself. */
export function datasetGroupName(config: NamedProject): string {
  return config.projectName;
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
