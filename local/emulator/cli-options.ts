import { parseArgs } from 'node:util';
import { RESOURCE_KINDS } from './arn';
import { DEFAULT_QUOTAS, type Quotas } from './context';
import { checkDelayOverrides, type DelayConfig, type PhaseDelays } from './delays';
import type { EmulatorOptions } from './index';

/**
 * The command line of `npm run emulator`, parsed into {@link EmulatorOptions}. Kept apart from cli.ts
 * (which starts the server) so the parsing can be tested without a process.
 */

/** Usage text of `npm run emulator -- --help`. */
export const USAGE = `Usage: npm run emulator -- [options]
  --port <n>            port to listen on (default 4580; 0 = any free port)
  --host <addr>         interface to listen on (default 127.0.0.1)
  --data-dir <dir>      state directory (default .personalize-local)
  --zero-delays         make lifecycle transitions immediate (tests)
  --delay <kind>=<pending>[,<inProgress>]
                        milliseconds in CREATE PENDING and CREATE IN_PROGRESS for one resource kind, or
                        for every kind with "default" (repeatable), e.g. --delay default=0,0
                        --delay solutionVersion=500,3000; kinds: ${RESOURCE_KINDS.join(', ')}
  --quota <name>=<n>    override a service quota (repeatable), e.g. --quota datasetGroups=20;
                        quotas (defaults): ${Object.entries(DEFAULT_QUOTAS)
                          .map(([name, value]) => `${name} (${value})`)
                          .join(', ')}
  --s3-endpoint <url>   S3 endpoint for imports and batch jobs (default AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)
  --cloudwatch-endpoint <url>
                        CloudWatch endpoint for metric attribution reports (default
                        AWS_ENDPOINT_URL_CLOUDWATCH, else the S3 endpoint)
  --synchronous <m>     SQLite synchronous mode: FULL (default) or NORMAL
  --resume-grace <ms>   how long jobs resumed at start wait for missing S3 data (default 120000)
  --no-result-cache     compute every GetRecommendations answer (no memoization)
  --training-threads <n> how many solution versions train at once, each in a worker thread (default 1)
  --quiet               do not log lifecycle errors
  --help                show this help`;

/** Splits `name=value`; the message names the option. */
function assignment(option: string, text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1)
    throw new Error(`${option} takes name=value, got ${JSON.stringify(text)}`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** A whole number ≥ 0 from its text. */
function wholeNumber(option: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${option} needs a whole number ≥ 0, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** A whole number ≥ 1 from its text. */
function positiveNumber(option: string, text: string): number {
  const n = wholeNumber(option, text);
  if (n < 1) throw new Error(`${option} needs a whole number ≥ 1, got ${JSON.stringify(text)}`);
  return n;
}

/** `--quota name=n` options as quota overrides. */
function parseQuotas(values: readonly string[]): Partial<Quotas> {
  const quotas: Partial<Record<keyof Quotas, number>> = {};
  for (const text of values) {
    const [name, value] = assignment('--quota', text);
    if (!Object.hasOwn(DEFAULT_QUOTAS, name))
      throw new Error(`--quota: unknown quota ${name}; quotas are ${Object.keys(DEFAULT_QUOTAS).join(', ')}`);
    quotas[name as keyof Quotas] = wholeNumber(`--quota ${name}`, value);
  }
  return quotas;
}

/** `--delay kind=pending[,inProgress]` options as delay overrides (inProgress defaults to pending). */
function parseDelays(values: readonly string[]): Partial<DelayConfig> {
  const delays: Record<string, PhaseDelays> = {};
  for (const text of values) {
    const [kind, value] = assignment('--delay', text);
    if (kind !== 'default' && !(RESOURCE_KINDS as readonly string[]).includes(kind))
      throw new Error(`--delay: unknown kind ${kind}; use default or one of ${RESOURCE_KINDS.join(', ')}`);
    const [pending = '', inProgress = pending, ...extra] = value.split(',').map((part) => part.trim());
    if (extra.length > 0)
      throw new Error(
        `--delay ${kind} takes <pending>[,<inProgress>] milliseconds, got ${JSON.stringify(value)}`,
      );
    delays[kind] = {
      pendingMs: wholeNumber(`--delay ${kind}`, pending),
      inProgressMs: wholeNumber(`--delay ${kind}`, inProgress),
    };
  }
  checkDelayOverrides(delays);
  return delays as Partial<DelayConfig>;
}

/**
 * Parses the emulator's command line.
 * @returns the options to start with, or `'help'` when `--help` was given
 * @throws Error with a message naming the bad option
 */
export function parseCommandLine(args: readonly string[]): EmulatorOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string', default: '4580' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.personalize-local' },
      'zero-delays': { type: 'boolean', default: false },
      delay: { type: 'string', multiple: true, default: [] },
      quota: { type: 'string', multiple: true, default: [] },
      's3-endpoint': { type: 'string' },
      'cloudwatch-endpoint': { type: 'string' },
      synchronous: { type: 'string', default: 'FULL' },
      'resume-grace': { type: 'string' },
      'no-result-cache': { type: 'boolean', default: false },
      'training-threads': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  const synchronous = values.synchronous.toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
    throw new Error(`--synchronous must be FULL or NORMAL, got ${values.synchronous}`);
  if (values['zero-delays'] && values.delay.length > 0)
    throw new Error(
      '--zero-delays and --delay cannot be combined; use --delay default=0,0 with other --delay options',
    );
  const quotas = parseQuotas(values.quota);
  const delays = parseDelays(values.delay);
  return {
    port,
    host: values.host,
    dataDir: values['data-dir'],
    synchronous,
    cacheResults: !values['no-result-cache'],
    ...(values['zero-delays'] ? { delays: 'zero' as const } : {}),
    ...(Object.keys(delays).length > 0 ? { delays } : {}),
    ...(Object.keys(quotas).length > 0 ? { quotas } : {}),
    ...(values['s3-endpoint'] ? { s3Endpoint: values['s3-endpoint'] } : {}),
    ...(values['cloudwatch-endpoint'] ? { cloudWatchEndpoint: values['cloudwatch-endpoint'] } : {}),
    ...(values['resume-grace'] !== undefined
      ? { resumeGraceMs: wholeNumber('--resume-grace', values['resume-grace']) }
      : {}),
    ...(values['training-threads'] !== undefined
      ? { trainingThreads: positiveNumber('--training-threads', values['training-threads']) }
      : {}),
    ...(values.quiet ? {} : { log: (message: string) => process.stderr.write(`${message}\n`) }),
  };
}
