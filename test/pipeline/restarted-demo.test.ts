/**
 * What a second `npm run demo` does, on the synthesized state machine with the real handlers (moto + emulator)
 * after a first run deployed everything: a fresh moto, the project provisioned again, the same data uploaded
 * again. Nothing is imported or trained.
 */
import { resetMoto } from '../../local/harness/moto';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import {
  END_TO_END_TIMEOUT_MS,
  firstRun,
  pipelineFixture,
  resourceCounts,
  solutionVersions,
  succeeded,
} from './helpers';

test(
  'identical data uploaded again into a fresh moto (a second npm run demo) is neither imported nor trained',
  async () => {
    // Prepare: what `npm run demo` does on every start: a new moto, the project provisioned, the sample data uploaded
    const fx = await pipelineFixture();
    succeeded((await firstRun()).outcome);
    const before = await resourceCounts(fx.personalize);
    const versionsBefore = await solutionVersions(fx);
    await resetMoto(fx.local.moto.endpoint);
    const pipeline = new LocalPipeline(fx.config, await provisionLocalProject(fx.config, fx.sampleDir));

    // Act
    const { summary } = succeeded(await pipeline.run({}));

    // Assess
    expect(await resourceCounts(fx.personalize)).toEqual(before);
    expect(await solutionVersions(fx)).toEqual(versionsBefore);
    for (const dataset of Object.keys(fx.config.datasets)) {
      expect(summary).toMatch(
        new RegExp(`- ${dataset}: skipped \\(the data at .* is unchanged since import job`),
      );
    }
  },
  END_TO_END_TIMEOUT_MS,
);
