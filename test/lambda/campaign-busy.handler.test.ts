/**
 * The campaign step refuses to update a campaign that is still being created: against an emulator
 * whose campaigns stay CREATE PENDING, it raises the retryable ResourceBusy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, ZERO_DELAYS, type RunningEmulator } from '../../local/emulator';
import { putObjects, setPipelineEnv } from './helpers';
import {
  clientsFor,
  setUpDatasetGroup,
  syntheticInteractions,
  SMALL_INTERACTIONS_SCHEMA,
  trainSolution,
  type Clients,
} from '../emulator/helpers';
import type { CampaignEvent, CampaignResult, SolutionDefinition } from '../../core/pipeline-contract';

const PROJECT = 'busy-test';
let emulator: RunningEmulator;
let dataDir: string;
let clients: Clients;
let handler: (event: CampaignEvent) => Promise<CampaignResult>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'campaign-busy-'));
  emulator = await startEmulator({
    port: 0,
    dataDir,
    synchronous: 'NORMAL',
    // Everything is immediate except campaigns, which stay CREATE PENDING for the whole test.
    delays: {
      ...ZERO_DELAYS,
      ...Object.fromEntries(
        ['datasetImportJob', 'solutionVersion', 'batchInferenceJob', 'batchSegmentJob'].map((k) => [
          k,
          ZERO_DELAYS.default,
        ]),
      ),
      campaign: { pendingMs: 3_600_000, inProgressMs: 0 },
    },
  });
  Object.assign(process.env, { AWS_ENDPOINT_URL_PERSONALIZE: emulator.endpoint });
  setPipelineEnv(PROJECT);
  clients = clientsFor(emulator.endpoint);
  ({ handler } = await import('../../lambda/pipeline/campaign'));
});

afterAll(async () => {
  clients?.control.destroy();
  clients?.runtime.destroy();
  clients?.events.destroy();
  await emulator?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('campaign raises ResourceBusy instead of updating a campaign that is still being created', async () => {
  // Prepare
  await putObjects({ 'busy/interactions.csv': syntheticInteractions() });
  const group = await setUpDatasetGroup(clients, PROJECT, {
    interactions: { schema: SMALL_INTERACTIONS_SCHEMA, location: 's3://pipeline-data/busy/interactions.csv' },
  });
  const trained = await trainSolution(
    clients,
    `${PROJECT}-popular`,
    group.datasetGroupArn,
    'aws-popularity-count',
  );
  const solution = {
    name: 'popular',
    recipe: 'aws-popularity-count',
    campaign: { minProvisionedTPS: 1 },
  } as SolutionDefinition;
  const config = { projectName: PROJECT, tags: {} } as unknown as CampaignEvent['config'];
  const created = await handler({ config, solution, solutionVersionArn: trained.solutionVersionArn });
  // Act
  let error: Error | undefined;
  try {
    await handler({
      config,
      solution: { ...solution, campaign: { minProvisionedTPS: 2 } },
      solutionVersionArn: trained.solutionVersionArn,
    });
  } catch (caught) {
    error = caught as Error;
  }
  // Assess
  expect(trained.status).toBe('ACTIVE');
  expect(created.action).toBe('created');
  expect(error?.name).toBe('ResourceBusy');
  expect(error?.message).toBe(
    `Campaign ${created.campaignArn} is CREATE PENDING; it can be updated once it is ACTIVE.`,
  );
});
