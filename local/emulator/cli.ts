import { parseCommandLine, USAGE } from './cli-options';
import { startEmulator } from './index';

/**
 * `npm run emulator -- [--port 4580] [--data-dir .personalize-local] [--zero-delays] [--delay kind=ms,ms]
 * [--quota name=n] [--s3-endpoint URL]` (see `--help`)
 *
 * Starts the Personalize emulator and prints its endpoint. Point the SDK at it with
 * AWS_ENDPOINT_URL_PERSONALIZE, AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME and AWS_ENDPOINT_URL_PERSONALIZE_EVENTS.
 */
async function main(): Promise<void> {
  const options = parseCommandLine(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(
    `Personalize emulator listening on ${emulator.endpoint} (state in ${emulator.dataDir})\n`,
  );
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
