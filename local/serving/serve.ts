/**
 * `npm run serve`: the serving API on 127.0.0.1 with the same handlers the ServingStack deploys, against
 * moto and the Personalize emulator (state in `.personalize-local/`, so campaigns trained by an earlier run
 * or by `npm run demo` are reused). Prints each client's API key and a few requests to try, then serves
 * until interrupted.
 *
 *   npm run serve                  # API on port 8080, storefront on http://localhost:8081
 *   npm run serve -- --storefront-port 0   # the storefront on a free port
 *   npm run serve -- --no-storefront
 *   npm run serve -- --port 0      # a free port
 *   npm run serve -- --config my.config.json --data my-data   # another project and its data folder
 *   npm run serve -- --state-dir /tmp/state   # the emulator's state elsewhere
 *   npm run serve -- --threads 3   # the API functions in 3 worker threads (default: one per core but one)
 *
 * The server's thread answers HTTP, applies the usage plans and runs the emulator; the API functions run in
 * worker threads (local/serving/function-workers.ts), so serving uses every core.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { describeProgress } from '../demo/progress';
import type { LocalAws } from '../harness/local-aws';
import { describeShop, startLocalShop } from './shop';

/** A port option's value. @throws Error naming the option */
function portOf(option: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--${option}: "${value}" is not a port number (0 to 65535)`);
  return port;
}

/** A `--threads` value: a whole number from 1 to 64. @throws Error naming the option */
function threadsOf(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new Error(`--threads: "${value}" is not a number of threads (1 to 64)`);
  return threads;
}

/** Function threads by default: one per core but the one the server's thread (HTTP, emulator) keeps busy. */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

/** Runs `npm run serve` with these arguments (on `running` moto and emulator, if given); serves until SIGINT or SIGTERM. */
export async function serve(args: string[], running?: LocalAws): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8080' },
      'storefront-port': { type: 'string', default: '8081' },
      'no-storefront': { type: 'boolean', default: false },
      config: { type: 'string', default: 'personalize.config.json' },
      data: { type: 'string', default: 'sample-data' },
      'state-dir': { type: 'string', default: '.personalize-local' },
      threads: { type: 'string', default: String(defaultThreads()) },
    },
  });
  const functionThreads = threadsOf(values.threads);
  const port = portOf('port', values.port);
  const storefrontPort = values['no-storefront']
    ? false
    : portOf('storefront-port', values['storefront-port']);
  const started = Date.now();
  const stateDir = values['state-dir'];
  console.log(`Starting moto and the Personalize emulator (state in ${stateDir}/) ...`);
  const shop = await startLocalShop({
    port,
    storefrontPort,
    configFile: values.config,
    sampleDir: values.data,
    emulator: { dataDir: stateDir },
    ...(running ? { localAws: running } : {}),
    functionThreads,
    pipelineWaitMs: 250,
    onPipelineProgress: (event) => {
      const line = describeProgress(event);
      if (line) console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);
    },
  });
  const { api } = shop;
  console.log(
    api.deployment === 'deployed'
      ? 'The pipeline ran: campaigns, filters and the event tracker are deployed.'
      : 'Using the campaigns the pipeline published before.',
  );
  if (!api.servingFromConfig)
    console.log(
      `${values.config} has no "serving" section: every route the config can serve is open to one client, "local".`,
    );
  console.log(`\n${describeShop(shop).join('\n')}`);
  console.log('Ctrl-C stops.');
  const stop = () => {
    shop
      .stop()
      .then(() => running?.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module)
  serve(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
