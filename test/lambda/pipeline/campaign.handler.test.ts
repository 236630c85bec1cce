/**
 * The campaign handler against moto and the emulator: the campaign is created once, and a new version that
 * passed the gate against the live one replaces the version it serves.
 */
import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import { pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the campaign handler', () => {
  test('campaign creates the campaign, then leaves it unchanged, and evaluate then reports it already serving', async () => {
    // Prepare
    const { h } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { solutionVersionArn } = await p.trained();
    const solution = p.solution(run);
    // Act
    const campaign = await h.campaign({ config: run.config, solution, solutionVersionArn });
    await pollUntilDone(h.poll, 'campaign', [{ kind: 'campaign', arn: campaign.campaignArn }]);
    const again = await h.campaign({ config: run.config, solution, solutionVersionArn });
    const gate = await h.evaluate({
      config: run.config,
      solution,
      solutionVersionArn,
      campaignName: `${PROJECT}-popular`,
    });
    // Assess
    expect(withoutStart(campaign)).toEqual({
      campaignArn: `arn:aws:personalize:us-east-1:123456789012:campaign/${PROJECT}-popular`,
      action: 'created',
      targets: [{ kind: 'campaign', arn: campaign.campaignArn }],
    });
    expect(again).toEqual(
      expect.objectContaining({ campaignArn: campaign.campaignArn, action: 'unchanged' }),
    );
    expect(gate.passed).toBe(true);
    expect(gate.reason).toContain('already serves');
  });

  test('a forced run trains a new version, gates it against the live one and updates the campaign, keeping the previous version', async () => {
    // Prepare
    const { h, personalize } = await world();
    const p = project('forced-run');
    const run = await p.run();
    const { solutionArn } = await p.solutionCreated();
    const { solutionVersionArn } = await p.trained();
    const campaign = await p.deployed();
    const solution = p.solution(run);
    const options = { ...run.options, force: true };
    // Act
    const version = await h.solutionVersion({ config: run.config, options, solutionArn, solution });
    await pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: version.solutionVersionArn }]);
    const gate = await h.evaluate({
      config: run.config,
      solution,
      solutionVersionArn: version.solutionVersionArn,
      campaignName: `${p.name}-popular`,
    });
    const updated = await h.campaign({
      config: run.config,
      solution,
      solutionVersionArn: version.solutionVersionArn,
    });
    await pollUntilDone(h.poll, 'campaign', [{ kind: 'campaign', arn: updated.campaignArn }]);
    // Assess
    expect(version.trained).toBe(true);
    expect(version.solutionVersionArn).not.toBe(solutionVersionArn);
    expect(gate.passed).toBe(true);
    expect(gate.baseline?.solutionVersionArn).toBe(solutionVersionArn);
    expect(updated).toEqual(
      expect.objectContaining({
        campaignArn: campaign.campaignArn,
        action: 'updated',
        previousSolutionVersionArn: solutionVersionArn,
      }),
    );
    const described = await personalize.send(
      new DescribeCampaignCommand({ campaignArn: campaign.campaignArn }),
    );
    expect(described.campaign?.solutionVersionArn).toBe(version.solutionVersionArn);
  });
});
