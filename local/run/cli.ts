/**
 * `npm run local`: try a project on your own data before you deploy it. Starts moto and the Personalize
 * emulator, provisions the bucket and key the DataStack would create, uploads the data folder, runs the
 * synthesized pipeline state machine of the config with the real handlers, then prints every solution's
 * offline metrics, what each campaign recommends for users and items picked from the data (with the items'
 * own columns), recommendations changing as real-time events arrive, and the config's monthly cost estimate.
 * Personalize state persists in the state folder, so a second run reuses everything it can.
 *
 *   npm run local -- --config my-project/personalize.config.json
 *   npm run local -- --config my.config.json --data ./exports   # the data elsewhere
 *   npm run local -- --config my.config.json --serve           # then serves the API and the storefront
 *   npm run local -- --config examples/experiment/personalize.config.json --data sample-data --simulate
 *                                  # then an A/B experiment with simulated shoppers, and its impact report
 *
 * The data folder (default: the config's folder) is laid out like the data bucket: each dataset's
 * `dataLocation` is a path in it (e.g. `datasets/interactions/` holding .csv files); a folder of
 * `interactions.csv`, `items.csv` and `users.csv` works too. `npm run demo` is this on the sample project.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { ConfigLoadError, ConfigValidationError } from '../../core/config/errors';
import { describeConfigEstimate } from '../../core/cost/config-estimate';
import { experimentImpact, formatImpact } from '../../core/experiments/impact';
import { readExperimentCounts } from '../../core/experiments/impact-query';
import { LocalDataError, lineCount, projectData, type ProjectData } from '../harness/data-folder';
import { LOCAL_REGION } from '../harness/env';
import { type LocalAws, startLocalAws } from '../harness/local-aws';
import { LocalPipeline } from '../harness/pipeline';
import { provisionLocalProject } from '../harness/project';
import type { RunProgress } from '../harness/runner';
import { describeProgress } from '../demo/progress';
import { startLocalApi } from '../serving/api';
import { serve } from '../serving/serve';
import { sampleShopTruth, simulateShoppers, waitForCounts } from './simulated-shop';
import { offlineMetrics, sampleData, showRealTimeEvents, showRecommendations, table } from './showcase';

/** What `npm run local` was asked to do. */
export interface LocalRunOptions {
  readonly configFile: string;
  readonly dataDir: string;
  readonly stateDir: string;
  readonly serve: boolean;
  /** Shopper visits of the simulated shop after the run (sample data only); 0 runs none. */
  readonly simulate: number;
  /** The title of the first line. @default 'personalize-pipeline local run' */
  readonly title?: string;
}

/** A command line `npm run local` cannot act on. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The options of a command line. @throws UsageError naming the option */
export function parseLocalArgs(args: readonly string[]): LocalRunOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string', default: 'personalize.config.json' },
        data: { type: 'string' },
        'state-dir': { type: 'string', default: '.personalize-local' },
        serve: { type: 'boolean', default: false },
        simulate: { type: 'boolean', default: false },
        visits: { type: 'string', default: '600' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message}\nUsage: npm run local -- --config <file> [--data <dir>] [--state-dir <dir>] [--serve] [--simulate [--visits N]]`,
    );
  }
  const visits = Number(values.visits);
  if (!Number.isInteger(visits) || visits < 1)
    throw new UsageError(`--visits: "${values.visits}" is not a whole number of visits`);
  return {
    configFile: values.config,
    dataDir: values.data ?? path.dirname(values.config),
    stateDir: values['state-dir'],
    serve: values.serve,
    simulate: values.simulate ? visits : 0,
  };
}

/** Rows of each dataset's files (lines but the header), for the cost estimate's imported records. */
function dataRows(data: ProjectData): number {
  return Object.values(data.files)
    .flat()
    .reduce((sum, file) => sum + Math.max(0, lineCount(file) - 1), 0);
}

/** The items dataset's schema JSON (its file beside the config), when there is one. */
function itemsSchema(config: PipelineConfig, configFile: string): string | undefined {
  const file = config.datasets.items?.schemaFile;
  return file === undefined ? undefined : readFileSync(path.resolve(path.dirname(configFile), file), 'utf8');
}

/** The config and its data, checked before anything starts. @throws ConfigValidationError, LocalDataError */
function prepare(options: LocalRunOptions): { config: PipelineConfig; data: ProjectData } {
  const config = loadConfig(options.configFile);
  return { config, data: projectData(config, options.dataDir) };
}

/** How a local run ended: whether the pipeline succeeded, and the moto and emulator it left running. */
export interface LocalRunResult {
  readonly succeeded: boolean;
  /** The config the run loaded. */
  readonly config: PipelineConfig;
  /** Left running for `--serve` and `--simulate` after a successful run; the caller stops it. */
  readonly local?: LocalAws;
}

/** Runs the pipeline of a config on a data folder locally and shows what it deployed. */
export async function runLocal(options: LocalRunOptions, print = console.log): Promise<LocalRunResult> {
  const started = Date.now();
  const { config, data } = prepare(options);
  print(
    `${options.title ?? 'personalize-pipeline local run'} — project "${config.projectName}" (${options.configFile})\n`,
  );
  const local = await startLocalAws({ emulator: { dataDir: options.stateDir } });
  let keep = false;
  print(`moto (S3, KMS, SNS, SSM, CloudWatch, EventBridge) on ${local.moto.endpoint}`);
  print(`Personalize emulator on ${local.emulator.endpoint}, state in ${options.stateDir}/\n`);
  try {
    const project = await provisionLocalProject(config, options.dataDir, data);
    print(
      `Data bucket ${project.bucketName} (SSE-KMS): ${data.uploads.length} objects from ${options.dataDir}\n`,
    );
    const pipeline = new LocalPipeline(config, project, path.dirname(path.resolve(options.configFile)));
    print('Running the pipeline state machine (synthesized from the CDK app):');
    const outcome = await pipeline.run(
      {},
      {
        waitMs: 250,
        onProgress: (event: RunProgress) => {
          const line = describeProgress(event);
          if (line) print(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);
        },
      },
    );
    if (outcome.status === 'FAILED') {
      print(`\nThe pipeline failed: ${outcome.error}\n${outcome.cause}`);
      return { succeeded: false, config };
    }
    print(`\n${(outcome.output as { summary: string }).summary}\n`);
    print('Offline metrics (Personalize protocol: 10% of users held out, newest 10% of their history):');
    print(table(await offlineMetrics(new PersonalizeClient({}), config, LOCAL_REGION)));

    const ssm = new SSMClient({});
    const parameter = async (name: string): Promise<Record<string, unknown> | undefined> => {
      const result = await ssm
        .send(new GetParameterCommand({ Name: `/${config.projectName}/${name}` }))
        .catch(() => undefined);
      return result?.Parameter?.Value === undefined ? undefined : JSON.parse(result.Parameter.Value);
    };
    const serving = (await parameter('serving')) as
      { campaigns?: Record<string, string>; recommenders?: Record<string, string> } | undefined;
    const tracker = (await parameter('event-tracker')) as { trackingId?: string } | undefined;
    const sample = sampleData(config, data.files, itemsSchema(config, options.configFile));
    const context = {
      config,
      runtime: new PersonalizeRuntimeClient({}),
      events: new PersonalizeEventsClient({}),
      campaigns: serving?.campaigns ?? {},
      recommenders: serving?.recommenders ?? {},
      ...(tracker?.trackingId !== undefined ? { trackingId: tracker.trackingId } : {}),
      sample,
      print,
    };
    await showRecommendations(context);
    const skipped = await showRealTimeEvents(context);
    if (skipped !== undefined) print(`\n(Real-time events not shown: ${skipped}.)`);

    print('');
    print(
      describeConfigEstimate(config, options.configFile, {
        volumes: { importedRecords: dataRows(data) },
      }).join('\n'),
    );
    print(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Run it again: it reuses what exists.`);
    keep = options.serve || options.simulate > 0;
    return keep ? { succeeded: true, config, local } : { succeeded: true, config };
  } finally {
    if (!keep) await local.stop();
  }
}

/**
 * The simulated shop: the sample data's shoppers browse the local API for `options.simulate` visits, then the
 * impact report of the config's experiments is read back from CloudWatch (moto) and printed.
 */
async function simulate(options: LocalRunOptions, config: PipelineConfig, local: LocalAws): Promise<void> {
  const experiment = config.serving?.experiments.find((e) => e.route === 'recommendations');
  const metrics = config.metricAttribution?.metrics ?? [];
  const names = {
    clicks: metrics.find((m) => m.eventType === 'view')?.metricName ?? 'CLICKS',
    conversions:
      metrics.find((m) => m.eventType === 'purchase' && m.expression === 'SAMPLECOUNT()')?.metricName ??
      'PURCHASES',
    revenue:
      metrics.find((m) => m.eventType === 'purchase' && m.expression.startsWith('SUM('))?.metricName ??
      'REVENUE',
  };
  if (experiment === undefined || metrics.length === 0)
    throw new UsageError(
      `--simulate needs an experiment on the recommendations route and a metricAttribution in ${options.configFile}; examples/experiment/personalize.config.json has both`,
    );
  console.log(
    `\nThe simulated shop: ${options.simulate} visits of the sample data's shoppers (experiment "${experiment.name}")`,
  );
  const api = await startLocalApi({
    config,
    sampleDir: options.dataDir,
    localAws: local,
    log: () => undefined,
  });
  const cloudWatch = new CloudWatchClient({});
  try {
    const client = api.clients.find(
      (c) => c.routes.includes('recommendations') && c.routes.includes('events'),
    );
    if (client === undefined)
      throw new UsageError('no client of the config may call recommendations and events');
    const since = new Date(Date.now() - 60_000);
    const tally = await simulateShoppers(
      { url: api.url, key: client.key },
      await sampleShopTruth(options.dataDir),
      { visits: options.simulate },
    );
    const counts = await waitForCounts(
      () =>
        readExperimentCounts(
          (input) => cloudWatch.send(new GetMetricDataCommand(input)),
          config.projectName,
          experiment,
          names,
          since,
          new Date(Date.now() + 60_000),
        ),
      tally,
    );
    console.log(
      `\n${formatImpact(experiment.name, experimentImpact(counts, { baseline: experiment.variants[0]?.name }))}`,
    );
  } finally {
    cloudWatch.destroy();
    await api.stop();
  }
}

/** Runs `npm run local` (or `npm run demo`) with these arguments. */
export async function main(args: readonly string[], title?: string): Promise<void> {
  try {
    const options = { ...parseLocalArgs(args), ...(title !== undefined ? { title } : {}) };
    const { succeeded, config, local } = await runLocal(options);
    if (!succeeded) {
      process.exitCode = 1;
      return;
    }
    if (local === undefined) return;
    try {
      if (options.simulate > 0) await simulate(options, config, local);
    } catch (error) {
      await local.stop();
      throw error;
    }
    if (!options.serve) {
      await local.stop();
      return;
    }
    console.log('\nServing what the run deployed (npm run serve):');
    await serve(
      ['--config', options.configFile, '--data', options.dataDir, '--state-dir', options.stateDir],
      local,
    );
  } catch (error) {
    if (
      error instanceof ConfigValidationError ||
      error instanceof ConfigLoadError ||
      error instanceof LocalDataError ||
      error instanceof UsageError
    ) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
