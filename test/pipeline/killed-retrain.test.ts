/**
 * `npm run demo` killed while a forced retrain trained, then started again once the interrupted trainings
 * finished: the next `{}` run finds the new versions ACTIVE, with no campaign and no batch job using them yet,
 * and counts them as new: it deploys them and runs their batch job, instead of keeping them and skipping the
 * batch job. Its own file: it starts its own emulator (three times, on one port, as the demo does) and points
 * the functions' environment at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DescribeCampaignCommand,
  ListBatchInferenceJobsCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { startLocalAws, type LocalAws } from '../../local/harness/local-aws';
import { resetMoto } from '../../local/harness/moto';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import type { EmulatorOptions } from '../../local/emulator';
import { END_TO_END_TIMEOUT_MS, sampleData, succeeded } from './helpers';

const ARN = 'arn:aws:personalize:us-east-1:123456789012';

/** The newest version of each solution of the config. */
async function newestVersions(
  personalize: PersonalizeClient,
  config: PipelineConfig,
): Promise<Record<string, { arn: string; status: string }>> {
  const newest: Record<string, { arn: string; status: string }> = {};
  for (const { name } of config.solutions) {
    const solutionArn = `${ARN}:solution/${config.projectName}-${name}`;
    const listed =
      (await personalize.send(new ListSolutionVersionsCommand({ solutionArn }))).solutionVersions ?? [];
    const [latest] = [...listed].sort(
      (a, b) => (b.creationDateTime?.getTime() ?? 0) - (a.creationDateTime?.getTime() ?? 0),
    );
    newest[name] = { arn: latest?.solutionVersionArn ?? '', status: latest?.status ?? '' };
  }
  return newest;
}

test(
  'the versions of a retrain killed while training are deployed by the next run, which runs their batch job',
  async () => {
    // Prepare: a first demo run deploys everything; a forced retrain, whose trainings take ten minutes, is killed
    const motoEndpoint = process.env.MOTO_ENDPOINT ?? '';
    const dataDir = mkdtempSync(path.join(tmpdir(), 'killed-retrain-'));
    const sampleDir = sampleData();
    const config = loadConfig('personalize.config.json');
    const start = (port: number, delays: EmulatorOptions['delays']): Promise<LocalAws> =>
      startLocalAws({ motoEndpoint, emulator: { dataDir, port, synchronous: 'NORMAL', delays } });
    let local = await start(0, 'zero');
    const { port } = local.emulator;
    const personalize = new PersonalizeClient({});
    try {
      succeeded(await new LocalPipeline(config, await provisionLocalProject(config, sampleDir)).run({}));
      await local.emulator.stop();
      local = await start(port, {
        default: { pendingMs: 0, inProgressMs: 0 },
        solutionVersion: { pendingMs: 0, inProgressMs: 600_000 },
      });
      const retrain = new LocalPipeline(config, await provisionLocalProject(config, sampleDir)).run(
        { force: true },
        { waitMs: 50 },
      );
      const deadline = Date.now() + 180_000;
      let training = 0;
      while (training < config.solutions.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        training = Object.values(await newestVersions(personalize, config)).filter(
          (v) => v.status === 'CREATE IN_PROGRESS',
        ).length;
      }
      await local.emulator.stop();
      const killed = await retrain;
      // The demo again: a fresh moto, the emulator on its state; the resumed trainings finish before the run.
      await resetMoto(motoEndpoint);
      local = await start(port, 'zero');
      await local.emulator.settle();
      const interrupted = await newestVersions(personalize, config);

      // Act
      const { summary } = succeeded(
        await new LocalPipeline(config, await provisionLocalProject(config, sampleDir)).run({}),
      );

      // Assess
      expect(training).toBe(config.solutions.length);
      expect(killed.status).toBe('FAILED');
      for (const { name } of config.solutions) {
        expect(interrupted[name]?.status).toBe('ACTIVE');
        const campaignArn = `${ARN}:campaign/${config.projectName}-${name}`;
        const { campaign } = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
        expect(campaign?.solutionVersionArn ?? campaign?.latestCampaignUpdate?.solutionVersionArn).toBe(
          interrupted[name]?.arn,
        );
      }
      for (const job of config.batchJobs) {
        const solutionVersionArn = interrupted[job.solution]?.arn ?? '';
        const jobs = await personalize.send(new ListBatchInferenceJobsCommand({ solutionVersionArn }));
        expect(jobs.batchInferenceJobs?.map((j) => j.status)).toEqual(['ACTIVE']);
        expect(summary).not.toContain(`${job.name}: skipped`);
      }
    } finally {
      personalize.destroy();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(sampleDir, { recursive: true, force: true });
    }
  },
  END_TO_END_TIMEOUT_MS,
);
