/**
 * A campaign deleted by hand and still being deleted when a run starts: the run waits the deletion out (the
 * campaign step is busy and retried) and creates the campaign again, instead of failing the solution with
 * "NOT FOUND". Its own file: it starts its own emulator (twice, on one port, the second time with campaign
 * deletions that take seconds) and points the functions' environment at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DeleteCampaignCommand,
  DescribeCampaignCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { loadConfig } from '../../core/config';
import { startLocalAws, type LocalAws } from '../../local/harness/local-aws';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import type { EmulatorOptions } from '../../local/emulator';
import { END_TO_END_TIMEOUT_MS, sampleData, succeeded } from './helpers';

test(
  'a campaign still being deleted when a run starts is created again by that run',
  async () => {
    // Prepare: a first run deploys everything; then one campaign is deleted by hand, slowly
    const motoEndpoint = process.env.MOTO_ENDPOINT ?? '';
    const dataDir = mkdtempSync(path.join(tmpdir(), 'deleted-campaign-'));
    const sampleDir = sampleData();
    const config = loadConfig('personalize.config.json');
    const start = (port: number, delays: EmulatorOptions['delays']): Promise<LocalAws> =>
      startLocalAws({ motoEndpoint, emulator: { dataDir, port, synchronous: 'NORMAL', delays } });
    let local = await start(0, 'zero');
    const { port } = local.emulator;
    const personalize = new PersonalizeClient({});
    try {
      const pipeline = new LocalPipeline(config, await provisionLocalProject(config, sampleDir));
      succeeded(await pipeline.run({}));
      await local.emulator.stop();
      local = await start(port, {
        default: { pendingMs: 0, inProgressMs: 0 },
        campaign: { pendingMs: 1_000, inProgressMs: 1_000 },
      });
      const solution = config.solutions[0]?.name ?? '';
      const campaignArn = `arn:aws:personalize:us-east-1:123456789012:campaign/${config.projectName}-${solution}`;
      const before = (await personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign;
      await personalize.send(new DeleteCampaignCommand({ campaignArn }));
      const deleting = (await personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign;

      // Act: each retry of a busy step pauses half a second, as the backoff would in AWS
      const { summary } = succeeded(await pipeline.run({}, { waitMs: 100, retryMs: 500 }));

      // Assess
      expect(deleting?.status).toBe('DELETE PENDING');
      const after = (await personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign;
      expect(after?.status).toBe('ACTIVE');
      expect(after?.solutionVersionArn).toBe(before?.solutionVersionArn);
      expect(after?.creationDateTime?.getTime()).toBeGreaterThan(before?.creationDateTime?.getTime() ?? 0);
      expect(summary).not.toContain('NOT FOUND');
    } finally {
      personalize.destroy();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(sampleDir, { recursive: true, force: true });
    }
  },
  END_TO_END_TIMEOUT_MS,
);
