/**
 * The runs the schedules start, on the synthesized state machine with the real handlers (moto + emulator), after
 * a first run deployed everything: a scheduled UPDATE retraining trains, gates and deploys only its solution; a
 * batch job schedule trains nothing and runs its job; a run with nothing new skips the batch job, saying why.
 * Each test starts from the same first run, built once by whichever test runs first.
 */
import { DescribeCampaignCommand, DescribeSolutionVersionCommand } from '@aws-sdk/client-personalize';
import {
  END_TO_END_TIMEOUT_MS,
  firstRun,
  pipelineFixture,
  solutionVersions,
  succeeded,
  type PipelineFixture,
} from './helpers';

const ARN = 'arn:aws:personalize:us-east-1:123456789012';
const UPDATED = 'user-personalization';

/** The fixture after a first run that deployed everything. */
async function deployed(): Promise<PipelineFixture> {
  const fx = await pipelineFixture();
  succeeded((await firstRun()).outcome);
  return fx;
}

/** The version each solution's campaign serves. */
async function served(): Promise<Record<string, string | undefined>> {
  const fx = await pipelineFixture();
  const result: Record<string, string | undefined> = {};
  for (const { name } of fx.config.solutions) {
    const campaignArn = `${ARN}:campaign/${fx.config.projectName}-${name}`;
    result[name] = (await fx.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign
      ?.solutionVersionArn;
  }
  return result;
}

const batchJob = (fx: PipelineFixture) => {
  const job = fx.config.batchJobs[0];
  if (!job) throw new Error('the sample config has a batch job');
  return job;
};

describe('scheduled runs', () => {
  test(
    'a scheduled UPDATE run trains an UPDATE version of its solution only, gates it against the live version and updates its campaign',
    async () => {
      // Prepare
      const fx = await deployed();
      const versionsBefore = await solutionVersions(fx);
      const servedBefore = await served();

      // Act
      const outcome = await fx.pipeline.run({ solutions: [UPDATED], trainingMode: 'UPDATE' });

      // Assess
      const { summary } = succeeded(outcome);
      const versionsAfter = await solutionVersions(fx);
      const servedAfter = await served();
      const [newVersion] = versionsAfter[UPDATED] ?? [];
      if (newVersion === undefined) throw new Error(`${UPDATED} has no version`);
      expect(versionsAfter[UPDATED]).toEqual([newVersion, ...(versionsBefore[UPDATED] ?? [])]);
      const described = await fx.personalize.send(
        new DescribeSolutionVersionCommand({ solutionVersionArn: newVersion }),
      );
      expect(described.solutionVersion).toEqual(
        expect.objectContaining({ status: 'ACTIVE', trainingMode: 'UPDATE' }),
      );
      expect(servedAfter[UPDATED]).toBe(newVersion);
      expect(summary).toContain(`- ${UPDATED}: trained version ${newVersion}; quality gate passed:`);
      expect(summary).toMatch(
        new RegExp(`- ${UPDATED}: .*within .* of the live version's .*; campaign updated`),
      );
      const gateEntries = outcome.events.filter(
        (e) => e.type === 'StateEntered' && e.state === 'EvaluateVersion',
      );
      expect(gateEntries).toHaveLength(1);
      for (const { name } of fx.config.solutions.filter((s) => s.name !== UPDATED)) {
        expect(versionsAfter[name]).toEqual(versionsBefore[name]);
        expect(servedAfter[name]).toBe(servedBefore[name]);
        expect(summary).toContain(`- ${name}: not selected for this run`);
      }
      // The batch job of the updated solution runs on the new version.
      expect(summary).toMatch(new RegExp(`- ${batchJob(fx).name}: ${ARN}:batch-inference-job/`));
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a batch job schedule trains nothing and runs its job',
    async () => {
      // Prepare
      const fx = await deployed();
      const versionsBefore = await solutionVersions(fx);

      // Act
      const { summary } = succeeded(await fx.pipeline.run({ solutions: [], batchJobs: [batchJob(fx).name] }));

      // Assess
      expect(await solutionVersions(fx)).toEqual(versionsBefore);
      for (const { name } of fx.config.solutions)
        expect(summary).toContain(`- ${name}: not selected for this run`);
      expect(summary).toMatch(new RegExp(`- ${batchJob(fx).name}: ${ARN}:batch-inference-job/`));
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a run with nothing new skips the batch job, saying why',
    async () => {
      // Prepare
      const fx = await deployed();

      // Act
      const outcome = await fx.pipeline.run({});

      // Assess
      const { status, summary } = succeeded(outcome);
      expect(status).toBe('SUCCEEDED');
      expect(summary).toContain(
        `- ${batchJob(fx).name}: skipped (solution "${batchJob(fx).solution}" got no new version in this run; last job ${fx.config.projectName}-${batchJob(fx).name}-`,
      );
      expect(
        outcome.events.filter((e) => e.type === 'StateEntered' && e.state === 'BatchJobSkipped'),
      ).toHaveLength(1);
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'a batch job the config does not define stops the run before any change',
    async () => {
      // Prepare
      const fx = await deployed();

      // Act
      const outcome = await fx.pipeline.run({ solutions: [], batchJobs: ['weekly'] });

      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
      expect(outcome.status === 'FAILED' && outcome.cause).toContain(
        `input.batchJobs: unknown batch job "weekly"; the config defines ${batchJob(fx).name}.`,
      );
    },
    END_TO_END_TIMEOUT_MS,
  );
});
