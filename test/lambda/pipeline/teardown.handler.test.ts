/**
 * The teardown handler against moto and the emulator: a dry run lists a project's resources in deletion
 * order, and the teardown loop deletes them all, after which calling it again does nothing. Each test tears
 * down a project of its own.
 */
import {
  DescribeCampaignCommand,
  DescribeDatasetGroupCommand,
  ListSchemasCommand,
} from '@aws-sdk/client-personalize';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { CampaignResult, EventTrackerResult } from '../../../core/pipeline-contract';
import { failure, PARAMETER_PREFIX } from '../helpers';
import { project, world, type Project } from './fixture';

/** A project with everything the pipeline creates: campaign, tracker, filters, and the serving parameter. */
async function deployedProject(
  p: Project,
): Promise<{ campaign: CampaignResult; tracker: EventTrackerResult }> {
  const { h } = await world();
  const run = await p.run();
  await p.filters();
  const campaign = await p.deployed();
  const tracker = await p.tracker();
  // The serving parameter, written each time: a teardown of another project deletes the shared prefix.
  await h.summary({ ...run, results: { solutions: [{ name: 'popular', campaign }], eventTracker: tracker } });
  return { campaign, tracker };
}

describe('the teardown handler', () => {
  test('teardown dry run lists everything in deletion order without deleting anything', async () => {
    // Prepare
    const { h, personalize } = await world();
    const p = project('teardown-dry');
    const { campaign, tracker } = await deployedProject(p);
    const { solutionArn } = await p.solutionCreated();
    const { datasetGroupArn, schemaArns } = await p.group();
    // Act
    const result = await h.teardown({ projectName: p.name, dryRun: true });
    // Assess
    expect(result.done).toBe(true);
    const order = result.wouldDelete ?? [];
    expect(order[0]).toBe(campaign.campaignArn);
    expect(order).toEqual(
      expect.arrayContaining([
        tracker.eventTrackerArn,
        solutionArn,
        datasetGroupArn,
        `${PARAMETER_PREFIX}/serving`,
      ]),
    );
    expect(order.indexOf(solutionArn)).toBeLessThan(order.indexOf(datasetGroupArn));
    expect(order.indexOf(datasetGroupArn)).toBeLessThan(order.indexOf(schemaArns.interactions ?? ''));
    const still = await personalize.send(new DescribeCampaignCommand({ campaignArn: campaign.campaignArn }));
    expect(still.campaign?.status).toBe('ACTIVE');
  });

  test('teardown converges to nothing left, and calling it again does nothing', async () => {
    // Prepare
    const { h, personalize, ssm } = await world();
    const p = project('teardown-all');
    await deployedProject(p);
    const { datasetGroupArn } = await p.group();
    // Act
    const phases: string[] = [];
    let result = await h.teardown({ projectName: p.name, dryRun: false });
    for (let call = 0; !result.done && call < 2_000; call += 1) {
      if (result.phase && !phases.includes(result.phase)) phases.push(result.phase);
      await new Promise((resolve) => setTimeout(resolve, 25));
      result = await h.teardown({ projectName: p.name, dryRun: false });
    }
    const after = await h.teardown({ projectName: p.name, dryRun: false });
    // Assess
    expect(result.done).toBe(true);
    expect(phases).toEqual(
      [
        'campaigns',
        'eventTrackers',
        'filters',
        'solutions',
        'datasets',
        'datasetGroup',
        'schemas',
        'parameters',
      ].filter((phase) => phases.includes(phase)),
    );
    expect(phases[0]).toBe('campaigns');
    expect(after).toEqual({ done: true, waitSeconds: 0, deleting: [], remaining: {} });
    const gone = await failure(personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })));
    expect(gone.name).toBe('ResourceNotFoundException');
    const schemas = await personalize.send(new ListSchemasCommand({}));
    expect(schemas.schemas?.filter((s) => s.name?.startsWith(`${p.name}-`))).toEqual([]);
    const parameter = await failure(
      ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/serving` })),
    );
    expect(parameter.name).toBe('ParameterNotFound');
  });
});
