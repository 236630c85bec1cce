/**
 * `npm run demo`: the whole product on this machine, on the sample project: `npm run local` with the sample
 * config and `sample-data/` (local/run/cli.ts). Starts moto and the Personalize emulator, provisions the
 * bucket and key the DataStack would create, uploads the sample data, runs the synthesized pipeline state
 * machine with the real handlers, then shows the recommendations and how they change as events arrive.
 * Personalize state persists in `.personalize-local/`, so a second run reuses everything it can.
 *
 *   npm run demo                # the run, then exits
 *   npm run demo -- --serve     # then serves the API and the storefront page, as `npm run serve` does
 */
import { main } from '../run/cli';

main(
  ['--config', 'personalize.config.json', '--data', 'sample-data', ...process.argv.slice(2)],
  'personalize-pipeline demo',
).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
