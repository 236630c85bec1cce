/**
 * The campaign step's logic: the campaign settings the config asks for and whether a campaign needs an
 * update (pure), and, against an emulator whose campaigns stay CREATE PENDING, the retryable ResourceBusy
 * instead of an update of a campaign that is still being created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaignChanges, campaignSpec, deployCampaign } from '../../../lambda/pipeline/campaign.logic';
import { startEmulator, ZERO_DELAYS } from '../../../local/emulator';
import type { CampaignEvent, SolutionDefinition } from '../../../core/pipeline-contract';
import {
  clientsFor,
  setUpDatasetGroup,
  syntheticInteractions,
  SMALL_INTERACTIONS_SCHEMA,
  trainSolution,
} from '../../emulator/helpers';
import { once, putObjects } from '../helpers';

const A = 'arn:aws:personalize:us-east-1:123456789012';

describe('campaign settings', () => {
  const version = `${A}:solution/p-s/abcd1234`;

  test('passes exploration settings as strings', () => {
    const spec = campaignSpec(
      { minProvisionedTPS: 2, explorationWeight: 0.3, explorationItemAgeCutOff: 30 },
      version,
    );
    expect(spec).toEqual({
      solutionVersionArn: version,
      minProvisionedTPS: 2,
      campaignConfig: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
    });
  });

  test('points a campaign that syncs with the latest version at $LATEST', () => {
    const spec = campaignSpec({ minProvisionedTPS: 1, syncWithLatestSolutionVersion: true }, version);
    expect(spec.solutionVersionArn).toBe(`${A}:solution/p-s/$LATEST`);
    expect(spec.campaignConfig.syncWithLatestSolutionVersion).toBe(true);
  });

  test('sees no change when the campaign already has the version and settings', () => {
    const spec = campaignSpec({ minProvisionedTPS: 1, explorationWeight: 0.3 }, version);
    const current = {
      solutionVersionArn: version,
      minProvisionedTPS: 1,
      campaignConfig: { itemExplorationConfig: { explorationWeight: '0.30' } },
    };
    expect(campaignChanges(spec, current)).toEqual([]);
  });

  test('lists a new version and a changed TPS', () => {
    const spec = campaignSpec({ minProvisionedTPS: 3 }, version);
    expect(
      campaignChanges(spec, { solutionVersionArn: `${A}:solution/p-s/old00000`, minProvisionedTPS: 1 }),
    ).toEqual(['solutionVersionArn', 'minProvisionedTPS']);
  });
});

const PROJECT = 'busy-test';

/** An emulator where everything is immediate except campaigns, which stay CREATE PENDING for an hour. */
const busyEmulator = once(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'campaign-busy-'));
  const emulator = await startEmulator({
    port: 0,
    dataDir,
    synchronous: 'NORMAL',
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
  const clients = clientsFor(emulator.endpoint);
  return {
    clients,
    async close() {
      clients.control.destroy();
      clients.runtime.destroy();
      clients.events.destroy();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

afterAll(async () => {
  await busyEmulator.ifStarted((busy) => busy.close());
});

describe('deploying a campaign', () => {
  test('raises ResourceBusy instead of updating a campaign that is still being created', async () => {
    // Prepare
    const { clients } = await busyEmulator();
    await putObjects({ 'busy/interactions.csv': syntheticInteractions() });
    const group = await setUpDatasetGroup(clients, PROJECT, {
      interactions: {
        schema: SMALL_INTERACTIONS_SCHEMA,
        location: 's3://pipeline-data/busy/interactions.csv',
      },
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
    const deps = { personalize: clients.control };
    const created = await deployCampaign(
      { config, solution, solutionVersionArn: trained.solutionVersionArn },
      deps,
    );
    // Act
    let error: Error | undefined;
    try {
      await deployCampaign(
        {
          config,
          solution: { ...solution, campaign: { minProvisionedTPS: 2 } },
          solutionVersionArn: trained.solutionVersionArn,
        },
        deps,
      );
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
});
