/**
 * One solution's training ends CREATE FAILED: its branch fails with Personalize's failureReason verbatim, the
 * other solutions are still deployed, and the run ends failed with a summary that says which.
 */
import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import { END_TO_END_TIMEOUT_MS, pipelineFixture } from './helpers';

test(
  'a training that ends CREATE FAILED fails its branch with the reason while the other solutions finish',
  async () => {
    // Prepare
    const fx = await pipelineFixture();
    const reason = 'Simulated: the training job ran out of memory';
    fx.local.emulator.faults.add([{ operation: 'CreateSolutionVersion', failResource: reason, count: 1 }]);

    // Act
    const outcome = await fx.pipeline.run({});

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'PartialFailure' });
    const cause = outcome.status === 'FAILED' ? outcome.cause : '';
    expect(cause).toContain(reason);
    const failedBranches = outcome.events.filter(
      (e) => e.type === 'StateEntered' && e.state === 'SolutionFailed',
    );
    expect(failedBranches).toHaveLength(1);
    const deployed = outcome.events.filter(
      (e) => e.type === 'StateEntered' && e.state === 'SolutionDeployed',
    );
    expect(deployed).toHaveLength(fx.config.solutions.length - 1);
    for (const solution of fx.config.solutions) {
      const campaignArn = `arn:aws:personalize:us-east-1:123456789012:campaign/${fx.config.projectName}-${solution.name}`;
      const campaign = await fx.personalize
        .send(new DescribeCampaignCommand({ campaignArn }))
        .catch(() => undefined);
      if (cause.includes(`${solution.name}: FAILED`) || !campaign) continue;
      expect(campaign.campaign?.status).toBe('ACTIVE');
    }
  },
  END_TO_END_TIMEOUT_MS,
);
