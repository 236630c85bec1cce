/**
 * A worker thread of the local API (./function-workers.ts): loads the API functions of lambda/serving with
 * the environment the thread was started with, then answers each invocation message with the function's
 * result, as a Lambda container answers one invocation after another (here several may be in flight).
 */
import { parentPort } from 'node:worker_threads';
import type { ApiHandlerName } from '../../core/serving/routes';
import type { ApiFunction, Invocation, InvocationOutcome } from './function-workers';
import { lambdaContext } from './gateway';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('function-worker.ts runs as a worker thread of the local API');
  // Required, not imported: the thread runs through tsx's CommonJS hook (see BOOTSTRAP in
  // ./function-workers.ts), which handles require() of TypeScript files, not import().
  /* eslint-disable @typescript-eslint/no-require-imports */
  const functions: Record<ApiHandlerName, ApiFunction> = {
    recommendations: (
      require('../../lambda/serving/recommendations') as typeof import('../../lambda/serving/recommendations')
    ).handler,
    events: (require('../../lambda/serving/events') as typeof import('../../lambda/serving/events')).handler,
    catalog: (require('../../lambda/serving/catalog') as typeof import('../../lambda/serving/catalog'))
      .handler,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  port.on('message', (invocation: Invocation) => {
    const { id, name, event, timeoutMs } = invocation;
    functions[name](event, lambdaContext(name, timeoutMs)).then(
      (result) => port.postMessage({ id, result } satisfies InvocationOutcome),
      (error: unknown) =>
        port.postMessage({
          id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies InvocationOutcome),
    );
  });
  port.postMessage('ready');
}

main();
