import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './index';

/**
 * `npm run emulator -- [--port 4580] [--data-dir .personalize-local] [--zero-delays] [--s3-endpoint URL]`
 *
 * Starts the Personalize emulator and prints its endpoint. Point the SDK at it with
 * AWS_ENDPOINT_URL_PERSONALIZE, AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME and AWS_ENDPOINT_URL_PERSONALIZE_EVENTS.
 */
const USAGE = `Usage: npm run emulator -- [options]
  --port <n>           port to listen on (default 4580; 0 = any free port)
  --host <addr>        interface to listen on (default 127.0.0.1)
  --data-dir <dir>     state directory (default .personalize-local)
  --zero-delays        make lifecycle transitions immediate (tests)
  --s3-endpoint <url>  S3 endpoint for imports and batch jobs (default AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)
  --synchronous <m>    SQLite synchronous mode: FULL (default) or NORMAL
  --no-result-cache    compute every GetRecommendations answer (no memoization)
  --quiet              do not log lifecycle errors
  --help               show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4580' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.personalize-local' },
      'zero-delays': { type: 'boolean', default: false },
      's3-endpoint': { type: 'string' },
      synchronous: { type: 'string', default: 'FULL' },
      'no-result-cache': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  const synchronous = values.synchronous?.toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
    throw new Error(`--synchronous must be FULL or NORMAL, got ${values.synchronous}`);
  const options: EmulatorOptions = {
    port,
    host: values.host,
    dataDir: values['data-dir'],
    synchronous,
    cacheResults: !values['no-result-cache'],
    ...(values['zero-delays'] ? { delays: 'zero' as const } : {}),
    ...(values['s3-endpoint'] ? { s3Endpoint: values['s3-endpoint'] } : {}),
    ...(values.quiet ? {} : { log: (message: string) => process.stderr.write(`${message}\n`) }),
  };
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
