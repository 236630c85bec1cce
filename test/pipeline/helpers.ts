/**
 * The end-to-end fixture: this worker's moto, a fresh emulator with zero delays, the sample project
 * provisioned and the synthesized pipeline, run with the real handlers; and what the tests look at.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { resolveConfig } from '../../core/config/resolved';
import { startLocalAws, type LocalAws } from '../../local/harness/local-aws';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject, type LocalProject } from '../../local/harness/project';
import type { RunOutcome } from '../../local/harness/runner';
import { once, type SharedFixture } from '../setup/shared-fixture';

/**
 * How long an end-to-end test or fixture may take: a guard against a hang, not a speed check. A full run
 * takes seconds on an idle machine and a minute or more on a busy one.
 */
export const END_TO_END_TIMEOUT_MS = 10 * 60_000;

/** Interactions rows of the end-to-end data: the sample's first ones, with every sample user and item. */
const INTERACTION_ROWS = 10_000;

export interface PipelineFixture {
  readonly local: LocalAws;
  readonly config: PipelineConfig;
  readonly project: LocalProject;
  readonly pipeline: LocalPipeline;
  readonly personalize: PersonalizeClient;
  /** The folder the project's data was uploaded from. */
  readonly sampleDir: string;
  /** Stops the emulator and removes its state and the data folder. */
  stop(): Promise<void>;
}

/**
 * The sample data with the interactions cut to their first {@link INTERACTION_ROWS} rows, in a temp folder:
 * every recipe trains on it, and a first run takes about half as long as on the whole file.
 */
export function sampleData(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sample-data-'));
  for (const file of ['users.csv', 'items.csv'])
    copyFileSync(path.join('sample-data', file), path.join(dir, file));
  const rows = readFileSync(path.join('sample-data', 'interactions.csv'), 'utf8').split('\n');
  writeFileSync(path.join(dir, 'interactions.csv'), `${rows.slice(0, INTERACTION_ROWS + 1).join('\n')}\n`);
  return dir;
}

/** moto (this worker's) + a fresh emulator with zero delays + the sample project provisioned + the synthesized pipeline. */
export async function startPipelineFixture(): Promise<PipelineFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pipeline-'));
  const local = await startLocalAws({
    motoEndpoint: process.env.MOTO_ENDPOINT,
    emulator: { dataDir, delays: 'zero' },
  });
  const sampleDir = sampleData();
  const config = loadConfig('personalize.config.json');
  const project = await provisionLocalProject(config, sampleDir);
  const pipeline = new LocalPipeline(config, project);
  const personalize = new PersonalizeClient({});
  return {
    local,
    config,
    project,
    pipeline,
    personalize,
    sampleDir,
    async stop() {
      personalize.destroy();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(sampleDir, { recursive: true, force: true });
    },
  };
}

/** The fixture of this test file, started by the first test that needs it and stopped after the file. */
export const pipelineFixture: SharedFixture<PipelineFixture> = once(startPipelineFixture);

afterAll(async () => {
  await pipelineFixture.ifStarted((fx) => fx.stop());
}, END_TO_END_TIMEOUT_MS);

/** The first run of the sample project and the resources it left, as they were right after it. */
export interface FirstRun {
  readonly outcome: RunOutcome;
  readonly counts: Record<string, number>;
}

/** The fixture after one run of the deployed config (`{}`), which creates, imports, trains and deploys everything. */
export const firstRun: SharedFixture<FirstRun> = once(async () => {
  const fx = await pipelineFixture();
  const outcome = await fx.pipeline.run({});
  return { outcome, counts: await resourceCounts(fx.personalize) };
});

/** The sample config as a run input: inline, with its schemas, optionally changed. */
export function inlineConfig(
  config: PipelineConfig,
  change: (c: Record<string, unknown>) => void = () => undefined,
) {
  const resolved = JSON.parse(
    JSON.stringify(resolveConfig(config, (f) => readFileSync(f, 'utf8'))),
  ) as Record<string, unknown>;
  change(resolved);
  return resolved;
}

/** The run's summary output, or a failure that says why. */
export function succeeded(outcome: RunOutcome): { status: string; summary: string } {
  if (outcome.status !== 'SUCCEEDED') throw new Error(`The run failed: ${outcome.error}: ${outcome.cause}`);
  return outcome.output as { status: string; summary: string };
}

/** Each config solution's versions, newest first. */
export async function solutionVersions(fx: PipelineFixture): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { name } of fx.config.solutions) {
    const solutionArn = `arn:aws:personalize:us-east-1:123456789012:solution/${fx.config.projectName}-${name}`;
    const listed = (await fx.personalize.send(new ListSolutionVersionsCommand({ solutionArn })))
      .solutionVersions;
    result[name] = [...(listed ?? [])]
      .sort((a, b) => (b.creationDateTime?.getTime() ?? 0) - (a.creationDateTime?.getTime() ?? 0))
      .map((v) => v.solutionVersionArn ?? '');
  }
  return result;
}

/** How many Personalize resources of each kind exist. */
export async function resourceCounts(personalize: PersonalizeClient): Promise<Record<string, number>> {
  const groups = (await personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? [];
  const counts: Record<string, number> = {
    datasetGroups: groups.length,
    schemas: ((await personalize.send(new ListSchemasCommand({}))).schemas ?? []).length,
    datasets: 0,
    importJobs: 0,
    solutions: 0,
    solutionVersions: 0,
    campaigns: 0,
    filters: 0,
    eventTrackers: 0,
  };
  for (const group of groups) {
    const datasetGroupArn = group.datasetGroupArn ?? '';
    const datasets = (await personalize.send(new ListDatasetsCommand({ datasetGroupArn }))).datasets ?? [];
    counts.datasets = (counts.datasets ?? 0) + datasets.length;
    for (const dataset of datasets) {
      const jobs = await personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.datasetArn }),
      );
      counts.importJobs = (counts.importJobs ?? 0) + (jobs.datasetImportJobs ?? []).length;
    }
    const solutions = (await personalize.send(new ListSolutionsCommand({ datasetGroupArn }))).solutions ?? [];
    counts.solutions = (counts.solutions ?? 0) + solutions.length;
    for (const solution of solutions) {
      const versions = await personalize.send(
        new ListSolutionVersionsCommand({ solutionArn: solution.solutionArn }),
      );
      counts.solutionVersions = (counts.solutionVersions ?? 0) + (versions.solutionVersions ?? []).length;
      const campaigns = await personalize.send(
        new ListCampaignsCommand({ solutionArn: solution.solutionArn }),
      );
      counts.campaigns = (counts.campaigns ?? 0) + (campaigns.campaigns ?? []).length;
    }
    counts.filters =
      (counts.filters ?? 0) +
      ((await personalize.send(new ListFiltersCommand({ datasetGroupArn }))).Filters ?? []).length;
    counts.eventTrackers =
      (counts.eventTrackers ?? 0) +
      ((await personalize.send(new ListEventTrackersCommand({ datasetGroupArn }))).eventTrackers ?? [])
        .length;
  }
  return counts;
}
