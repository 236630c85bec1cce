/**
 * The campaign step's logic: the campaign settings the config asks for and whether a campaign needs an
 * update (pure), and, against an emulator whose campaigns stay CREATE PENDING, the retryable ResourceBusy
 * instead of an update of a campaign that is still being created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import {
  campaignChanges,
  campaignSpec,
  deployCampaign,
  planCampaignDeployment,
} from '../../../lambda/pipeline/campaign.logic';
import { startEmulator, ZERO_DELAYS } from '../../../local/emulator';
import { ResourceBusy } from '../../../lambda/shared/errors';
import type { CampaignEvent, SolutionDefinition } from '../../../core/pipeline-contract';
import { DeleteCampaignCommand, DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import {
  clientsFor,
  setUpDatasetGroup,
  syntheticInteractions,
  SMALL_INTERACTIONS_SCHEMA,
  trainSolution,
  waitFor,
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

describe('the deployment plan of an existing campaign', () => {
  const version = `${A}:solution/p-s/new00000`;
  const old = `${A}:solution/p-s/old00000`;
  const wanted = campaignSpec({ minProvisionedTPS: 1 }, version);

  test('waits for an update in progress that moves to the wanted version (another run deployed it)', () => {
    // Act
    const plan = planCampaignDeployment(wanted, {
      status: 'ACTIVE',
      solutionVersionArn: old,
      minProvisionedTPS: 1,
      latestCampaignUpdate: { status: 'CREATE PENDING', solutionVersionArn: version, minProvisionedTPS: 1 },
    });
    // Assess
    expect(plan).toEqual({ action: 'wait', reason: 'an update to the wanted settings is CREATE PENDING' });
  });

  test('is busy while an update moves to another version', () => {
    // Act
    const plan = planCampaignDeployment(wanted, {
      status: 'ACTIVE',
      solutionVersionArn: old,
      minProvisionedTPS: 1,
      latestCampaignUpdate: { status: 'CREATE IN_PROGRESS', solutionVersionArn: old, minProvisionedTPS: 2 },
    });
    // Assess
    expect(plan).toEqual({
      action: 'busy',
      reason: `is updating to ${old} (CREATE IN_PROGRESS); it can be updated once it is ACTIVE`,
    });
  });

  test('is busy while the campaign is being deleted, even when it has the wanted version', () => {
    // Act
    const plans = ['DELETE PENDING', 'DELETE IN_PROGRESS'].map((status) =>
      planCampaignDeployment(wanted, { status, solutionVersionArn: version, minProvisionedTPS: 1 }),
    );
    // Assess
    expect(plans.map((p) => p.action)).toEqual(['busy', 'busy']);
    expect(plans[0]).toEqual({
      action: 'busy',
      reason:
        'is DELETE PENDING (it was deleted outside this run); it is created again once the deletion has finished',
    });
  });

  test('updates an ACTIVE campaign with an older version', () => {
    // Act
    const plan = planCampaignDeployment(wanted, {
      status: 'ACTIVE',
      solutionVersionArn: old,
      minProvisionedTPS: 1,
      latestCampaignUpdate: { status: 'ACTIVE', solutionVersionArn: old, minProvisionedTPS: 1 },
    });
    // Assess
    expect(plan).toEqual({ action: 'update', changes: ['solutionVersionArn'] });
  });
});

/** A Personalize client that answers each command (by name) with the next of its scripted answers. */
function scriptedPersonalize(script: Record<string, Array<unknown>>): {
  client: PersonalizeClient;
  sent: string[];
} {
  const sent: string[] = [];
  const client = {
    send: async (command: object) => {
      const name = command.constructor.name;
      sent.push(name);
      const answer = script[name]?.shift();
      if (answer === undefined) throw new Error(`unexpected ${name}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as PersonalizeClient;
  return { client, sent };
}

function inUse(message: string): Error {
  return Object.assign(new Error(message), { name: 'ResourceInUseException' });
}

describe('deploying a campaign that another run updates at the same time', () => {
  const version = `${A}:solution/p-s/new00000`;
  const old = `${A}:solution/p-s/old00000`;
  const campaignArn = `${A}:campaign/p-s`;
  const event = {
    config: { projectName: 'p', tags: {} },
    solution: { name: 's', recipe: 'aws-similar-items', campaign: { minProvisionedTPS: 1 } },
    solutionVersionArn: version,
  } as unknown as CampaignEvent;
  const activeOld = {
    campaign: { campaignArn, status: 'ACTIVE', solutionVersionArn: old, minProvisionedTPS: 1 },
  };

  test('waits for the same update when UpdateCampaign says another update is pending', async () => {
    // Prepare
    const { client, sent } = scriptedPersonalize({
      DescribeCampaignCommand: [
        activeOld,
        {
          campaign: {
            ...activeOld.campaign,
            latestCampaignUpdate: {
              status: 'CREATE PENDING',
              solutionVersionArn: version,
              minProvisionedTPS: 1,
            },
          },
        },
      ],
      UpdateCampaignCommand: [
        inUse(`Campaign ${campaignArn} already has an update in status CREATE PENDING.`),
      ],
    });
    // Act
    const result = await deployCampaign(event, { personalize: client });
    // Assess
    expect(sent).toEqual(['DescribeCampaignCommand', 'UpdateCampaignCommand', 'DescribeCampaignCommand']);
    expect(result).toEqual(
      expect.objectContaining({
        campaignArn,
        action: 'unchanged',
        targets: [{ kind: 'campaign', arn: campaignArn }],
      }),
    );
  });

  test('raises ResourceBusy when the update in progress moves to another version', async () => {
    // Prepare
    const other = `${A}:solution/p-s/oth00000`;
    const { client } = scriptedPersonalize({
      DescribeCampaignCommand: [
        activeOld,
        {
          campaign: {
            ...activeOld.campaign,
            latestCampaignUpdate: {
              status: 'CREATE PENDING',
              solutionVersionArn: other,
              minProvisionedTPS: 1,
            },
          },
        },
      ],
      UpdateCampaignCommand: [
        inUse(`Campaign ${campaignArn} already has an update in status CREATE PENDING.`),
      ],
    });
    // Act
    const error = await deployCampaign(event, { personalize: client }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ResourceBusy);
    expect((error as Error).message).toBe(
      `Campaign ${campaignArn} is busy (is updating to ${other} (CREATE PENDING); it can be updated once it is ACTIVE); it is updated to ${version} once it is ACTIVE.`,
    );
  });

  test('waits for a campaign another run is creating with the same version', async () => {
    // Prepare
    const { client } = scriptedPersonalize({
      DescribeCampaignCommand: [
        Object.assign(new Error('not there yet'), { name: 'ResourceNotFoundException' }),
        {
          campaign: {
            campaignArn,
            status: 'CREATE PENDING',
            solutionVersionArn: version,
            minProvisionedTPS: 1,
          },
        },
      ],
      CreateCampaignCommand: [
        Object.assign(new Error(`Another resource with Arn ${campaignArn} already exists.`), {
          name: 'ResourceAlreadyExistsException',
        }),
      ],
    });
    // Act
    const result = await deployCampaign(event, { personalize: client });
    // Assess
    expect(result).toEqual(expect.objectContaining({ campaignArn, action: 'unchanged' }));
  });
});

/** An emulator where everything is immediate except campaigns, which take a few hundred ms to create and delete. */
const deletingEmulator = once(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'campaign-deleting-'));
  const emulator = await startEmulator({
    port: 0,
    dataDir,
    synchronous: 'NORMAL',
    delays: { ...ZERO_DELAYS, campaign: { pendingMs: 150, inProgressMs: 150 } },
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
  await deletingEmulator.ifStarted((deleting) => deleting.close());
});

describe('deploying a campaign that is being deleted', () => {
  test('is ResourceBusy until the deletion finished, then creates the campaign again', async () => {
    // Prepare
    const { clients } = await deletingEmulator();
    const project = 'deleting-test';
    await putObjects({ 'deleting/interactions.csv': syntheticInteractions() });
    const group = await setUpDatasetGroup(clients, project, {
      interactions: {
        schema: SMALL_INTERACTIONS_SCHEMA,
        location: 's3://pipeline-data/deleting/interactions.csv',
      },
    });
    const trained = await trainSolution(
      clients,
      `${project}-popular`,
      group.datasetGroupArn,
      'aws-popularity-count',
    );
    const event = {
      config: { projectName: project, tags: {} } as unknown as CampaignEvent['config'],
      solution: {
        name: 'popular',
        recipe: 'aws-popularity-count',
        campaign: { minProvisionedTPS: 1 },
      } as SolutionDefinition,
      solutionVersionArn: trained.solutionVersionArn,
    };
    const deps = { personalize: clients.control };
    const { campaignArn } = await deployCampaign(event, deps);
    await waitFor(
      () => clients.control.send(new DescribeCampaignCommand({ campaignArn })),
      (r) => r.campaign?.status === 'ACTIVE',
    );
    await clients.control.send(new DeleteCampaignCommand({ campaignArn }));
    // Act
    const whileDeleting = await deployCampaign(event, deps).catch((e: unknown) => e);
    await waitFor(
      () =>
        clients.control
          .send(new DescribeCampaignCommand({ campaignArn }))
          .then(() => 'exists')
          .catch((e: Error) => e.name),
      (outcome) => outcome === 'ResourceNotFoundException',
    );
    const retried = await deployCampaign(event, deps);
    // Assess
    expect(whileDeleting).toBeInstanceOf(ResourceBusy);
    expect((whileDeleting as Error).message).toBe(
      `Campaign ${campaignArn} is DELETE PENDING (it was deleted outside this run); it is created again once the deletion has finished.`,
    );
    expect(retried).toEqual(expect.objectContaining({ campaignArn, action: 'created' }));
  });
});
