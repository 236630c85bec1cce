/**
 * The serving handlers' table (core/serving/handlers.ts), which the ServingStack builds each function from,
 * says exactly what each handler's code does: the IAM actions derived from the commands in the sources it
 * bundles (and those Powertools sends for it), the environment variables its bundle reads, and the routes
 * it serves.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SERVING_ROUTES } from '../../core/config/serving-routes';
import { SERVING_HANDLERS, type ServingHandler } from '../../core/serving/handlers';
import { SERVING_API } from '../../core/serving/routes';
import { bundleTextOf, ROOT, sourcesOf } from '../util/bundle-sources';

const HANDLERS = Object.keys(SERVING_HANDLERS) as ServingHandler[];

/** SDK package → IAM service prefix. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-personalize-runtime': 'personalize',
  '@aws-sdk/client-personalize-events': 'personalize',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-dynamodb': 'dynamodb',
};

/** Commands authorized under another action's name. */
const ACTION_OF_COMMAND: Readonly<Record<string, string>> = { 'sqs:SendMessageBatch': 'sqs:SendMessage' };

/** Actions a call needs besides its own: the SSE-KMS queue and bucket use the data key. */
const IMPLIED: Readonly<Record<string, readonly string[]>> = {
  'sqs:SendMessage': ['kms:GenerateDataKey', 'kms:Decrypt'],
  's3:PutObject': ['kms:GenerateDataKey'],
};

/** What the Powertools utilities imported send on the handler's behalf. */
const SENT_BY_LIBRARY: Readonly<Record<string, readonly string[]>> = {
  '@aws-lambda-powertools/parameters/ssm': ['ssm:GetParameter'],
  '@aws-lambda-powertools/idempotency/dynamodb': [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
};

function actionsSentBy(files: readonly string[]): string[] {
  const actions = new Set<string>();
  const add = (action: string) => {
    actions.add(action);
    for (const implied of IMPLIED[action] ?? []) actions.add(implied);
  };
  for (const file of files) {
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    const packageOf = new Map<string, string>();
    for (const match of source.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    )) {
      for (const name of (match[1] ?? '').split(',').map((n) => n.trim().split(/\s+as\s+/)[0] ?? ''))
        if (name.endsWith('Command')) packageOf.set(name, match[2] ?? '');
    }
    for (const match of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const pkg = packageOf.get(`${match[1]}Command`);
      const prefix = pkg && SERVICE_PREFIX[pkg];
      if (!prefix) throw new Error(`${file}: ${match[1]}Command is not imported from a known AWS SDK client`);
      const raw = `${prefix}:${match[1]}`;
      add(ACTION_OF_COMMAND[raw] ?? raw);
    }
    for (const [library, sent] of Object.entries(SENT_BY_LIBRARY))
      if (source.includes(`from '${library}'`)) sent.forEach(add);
  }
  return [...actions].sort();
}

function variablesReadBy(code: string): string[] {
  const names = new Set<string>();
  for (const match of code.matchAll(/requireEnv\(\s*["']([A-Z0-9_]+)["']/g)) names.add(match[1] as string);
  return [...names].filter((name) => !name.startsWith('AWS_')).sort();
}

describe('the serving handlers table', () => {
  test.each(HANDLERS)('the %s entry exists and exports a handler', (handler) => {
    const source = readFileSync(path.join(ROOT, SERVING_HANDLERS[handler].entry), 'utf8');

    expect(source).toMatch(/export const handler\b/);
  });

  test.each(HANDLERS)('the %s handler holds exactly the actions its code sends', (handler) => {
    const derived = actionsSentBy(sourcesOf(SERVING_HANDLERS[handler].entry));

    expect([...SERVING_HANDLERS[handler].permissions].sort()).toEqual(derived);
  });

  test.each(HANDLERS)('the %s handler reads exactly the variables its function is given', (handler) => {
    const read = variablesReadBy(bundleTextOf(SERVING_HANDLERS[handler].entry));

    expect([...SERVING_HANDLERS[handler].environment].sort()).toEqual(read);
  });

  test('serve every route once, each from the handler the route table names', () => {
    const served = HANDLERS.flatMap((handler) => SERVING_HANDLERS[handler].routes);

    expect([...served].sort()).toEqual([...SERVING_ROUTES].sort());
    for (const spec of SERVING_API) expect(SERVING_HANDLERS[spec.handler].routes).toContain(spec.route);
  });

  test('handler code reads the environment only through requireEnv', () => {
    const files = [...new Set(HANDLERS.flatMap((handler) => sourcesOf(SERVING_HANDLERS[handler].entry)))];

    const direct = files.flatMap((file) =>
      [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)]
        .map((m) => m[1] ?? '')
        .filter((name) => !name.startsWith('AWS_'))
        .map((name) => `${file}: ${name}`),
    );

    expect(direct).toEqual([]);
  });
});
