import { mkdtempSync, readFileSync } from 'node:fs';
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

export interface PipelineFixture {
  readonly local: LocalAws;
  readonly config: PipelineConfig;
  readonly project: LocalProject;
  readonly pipeline: LocalPipeline;
  readonly personalize: PersonalizeClient;
}

/** moto (this worker's) + a fresh emulator with zero delays + the sample project provisioned + the synthesized pipeline. */
export async function startPipelineFixture(): Promise<PipelineFixture> {
  const local = await startLocalAws({
    motoEndpoint: process.env.MOTO_ENDPOINT,
    emulator: { dataDir: mkdtempSync(path.join(tmpdir(), 'pipeline-')), delays: 'zero' },
  });
  const config = loadConfig('personalize.config.json');
  const project = await provisionLocalProject(config);
  const pipeline = new LocalPipeline(config, project);
  return { local, config, project, pipeline, personalize: new PersonalizeClient({}) };
}

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
