/**
 * The runs the schedules start, on the synthesized state machine with the real handlers (moto + emulator), after
 * a first run deployed everything: a scheduled UPDATE retraining trains, gates and deploys only its solution; a
 * batch job schedule trains nothing and runs its job; a run with nothing new skips the batch job, saying why; and
 * identical data uploaded again into a fresh moto (what a second `npm run demo` does) imports and trains nothing.
 */
import {
  DescribeCampaignCommand,
  DescribeSolutionVersionCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { resetMoto } from '../../local/harness/moto';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import { resourceCounts, startPipelineFixture, succeeded, type PipelineFixture } from './helpers';

const ARN = 'arn:aws:personalize:us-east-1:123456789012';
const UPDATED = 'user-personalization';

let fx: PipelineFixture;

beforeAll(async () => {
  fx = await startPipelineFixture();
  succeeded(await fx.pipeline.run({}));
});

afterAll(async () => {
  await fx.local.stop();
});

/** Each config solution's versions, newest first. */
async function versions(): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { name } of fx.config.solutions) {
    const solutionArn = `${ARN}:solution/${fx.config.projectName}-${name}`;
    const listed = (await fx.personalize.send(new ListSolutionVersionsCommand({ solutionArn })))
      .solutionVersions;
    result[name] = [...(listed ?? [])]
      .sort((a, b) => (b.creationDateTime?.getTime() ?? 0) - (a.creationDateTime?.getTime() ?? 0))
      .map((v) => v.solutionVersionArn ?? '');
  }
  return result;
}

/** The version each solution's campaign serves. */
async function served(): Promise<Record<string, string | undefined>> {
  const result: Record<string, string | undefined> = {};
  for (const { name } of fx.config.solutions) {
    const campaignArn = `${ARN}:campaign/${fx.config.projectName}-${name}`;
    result[name] = (await fx.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign
      ?.solutionVersionArn;
  }
  return result;
}

const batchJob = () => {
  const job = fx.config.batchJobs[0];
  if (!job) throw new Error('the sample config has a batch job');
  return job;
};

describe('scheduled runs', () => {
  test('a scheduled UPDATE run trains an UPDATE version of its solution only, gates it against the live version and updates its campaign', async () => {
    // Prepare
    const versionsBefore = await versions();
    const servedBefore = await served();

    // Act
    const outcome = await fx.pipeline.run({ solutions: [UPDATED], trainingMode: 'UPDATE' });

    // Assess
    const { summary } = succeeded(outcome);
    const versionsAfter = await versions();
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
    expect(summary).toMatch(new RegExp(`- ${batchJob().name}: ${ARN}:batch-inference-job/`));
  });

  test('a batch job schedule trains nothing and runs its job', async () => {
    // Prepare
    const versionsBefore = await versions();

    // Act
    const { summary } = succeeded(await fx.pipeline.run({ solutions: [], batchJobs: [batchJob().name] }));

    // Assess
    expect(await versions()).toEqual(versionsBefore);
    for (const { name } of fx.config.solutions)
      expect(summary).toContain(`- ${name}: not selected for this run`);
    expect(summary).toMatch(new RegExp(`- ${batchJob().name}: ${ARN}:batch-inference-job/`));
  });

  test('a run with nothing new skips the batch job, saying why', async () => {
    // Act
    const outcome = await fx.pipeline.run({});

    // Assess
    const { status, summary } = succeeded(outcome);
    expect(status).toBe('SUCCEEDED');
    expect(summary).toContain(
      `- ${batchJob().name}: skipped (solution "${batchJob().solution}" got no new version in this run; last job ${fx.config.projectName}-${batchJob().name}-`,
    );
    expect(
      outcome.events.filter((e) => e.type === 'StateEntered' && e.state === 'BatchJobSkipped'),
    ).toHaveLength(1);
  });

  test('a batch job the config does not define stops the run before any change', async () => {
    // Act
    const outcome = await fx.pipeline.run({ solutions: [], batchJobs: ['weekly'] });

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
    expect(outcome.status === 'FAILED' && outcome.cause).toContain(
      `input.batchJobs: unknown batch job "weekly"; the config defines ${batchJob().name}.`,
    );
  });

  test('identical data uploaded again into a fresh moto (a second npm run demo) is neither imported nor trained', async () => {
    // Prepare: what `npm run demo` does on every start: a new moto, the project provisioned, the sample data uploaded
    const before = await resourceCounts(fx.personalize);
    const versionsBefore = await versions();
    await resetMoto(fx.local.moto.endpoint);
    const pipeline = new LocalPipeline(fx.config, await provisionLocalProject(fx.config));

    // Act
    const { summary } = succeeded(await pipeline.run({}));

    // Assess
    expect(await resourceCounts(fx.personalize)).toEqual(before);
    expect(await versions()).toEqual(versionsBefore);
    for (const dataset of Object.keys(fx.config.datasets)) {
      expect(summary).toMatch(
        new RegExp(`- ${dataset}: skipped \\(the data at .* is unchanged since import job`),
      );
    }
  });
});
