/**
 * `npm run demo` killed while its imports ran, then started again: the restarted emulator resumes the
 * interrupted import jobs while the new moto is still empty, and they wait for the data bucket the demo
 * provisions again instead of failing. The second run then finishes with no CREATE FAILED import job left
 * behind. Its own file: it starts its own emulator (twice, on one port, as the demo does) and points the
 * functions' environment at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  PersonalizeClient,
  type DatasetImportJobSummary,
} from '@aws-sdk/client-personalize';
import { loadConfig } from '../../core/config';
import { startLocalAws } from '../../local/harness/local-aws';
import { resetMoto } from '../../local/harness/moto';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import { END_TO_END_TIMEOUT_MS, sampleData, succeeded } from './helpers';

/** Every import job of every dataset group. */
async function importJobs(personalize: PersonalizeClient): Promise<DatasetImportJobSummary[]> {
  const jobs: DatasetImportJobSummary[] = [];
  for (const group of (await personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? []) {
    const datasets = await personalize.send(
      new ListDatasetsCommand({ datasetGroupArn: group.datasetGroupArn }),
    );
    for (const dataset of datasets.datasets ?? []) {
      const listed = await personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.datasetArn }),
      );
      jobs.push(...(listed.datasetImportJobs ?? []));
    }
  }
  return jobs;
}

test(
  'a demo killed during its imports and started again leaves no CREATE FAILED import job',
  async () => {
    // Prepare: a first demo whose imports take ten minutes, killed once they run
    const motoEndpoint = process.env.MOTO_ENDPOINT ?? '';
    const dataDir = mkdtempSync(path.join(tmpdir(), 'killed-demo-'));
    const sampleDir = sampleData();
    const config = loadConfig('personalize.config.json');
    const first = await startLocalAws({
      motoEndpoint,
      emulator: {
        dataDir,
        synchronous: 'NORMAL',
        delays: {
          default: { pendingMs: 0, inProgressMs: 0 },
          datasetImportJob: { pendingMs: 0, inProgressMs: 600_000 },
        },
      },
    });
    const personalize = new PersonalizeClient({});
    const firstRun = new LocalPipeline(config, await provisionLocalProject(config, sampleDir)).run(
      {},
      { waitMs: 50 },
    );
    const datasets = Object.values(config.datasets).filter((d) => d !== undefined).length;
    const deadline = Date.now() + 120_000;
    let running = 0;
    while (running < datasets && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      running = (await importJobs(personalize)).filter((j) => j.status === 'CREATE IN_PROGRESS').length;
    }
    const { port } = first.emulator;
    await first.emulator.stop();
    const killed = await firstRun;

    // Act: the demo again, as `npm run demo` starts it: a fresh moto, the emulator on its state, the project
    await resetMoto(motoEndpoint);
    const second = await startLocalAws({
      motoEndpoint,
      emulator: { dataDir, port, synchronous: 'NORMAL', delays: 'zero' },
    });
    try {
      const outcome = await new LocalPipeline(config, await provisionLocalProject(config, sampleDir)).run({});

      // Assess
      expect(running).toBe(datasets);
      expect(killed.status).toBe('FAILED');
      const { summary } = succeeded(outcome);
      const jobs = await importJobs(personalize);
      expect(
        jobs.map((j) => `${j.jobName}: ${j.status}${j.failureReason ? ` (${j.failureReason})` : ''}`),
      ).toEqual(jobs.map((j) => `${j.jobName}: ACTIVE`));
      expect(jobs).toHaveLength(datasets);
      expect(summary).not.toContain('CREATE FAILED');
    } finally {
      personalize.destroy();
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(sampleDir, { recursive: true, force: true });
    }
  },
  END_TO_END_TIMEOUT_MS,
);
