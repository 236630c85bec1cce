/**
 * A worker thread of the local API (./function-workers.ts): loads the API functions of lambda/serving with
 * the environment the thread was started with, then answers each invocation message with the function's
 * result, as a Lambda container answers one invocation after another (here several may be in flight).
 */
import { parentPort } from 'node:worker_threads';
import type { Invocation, InvocationOutcome } from './function-workers';
import { loadApiFunctions } from './functions';
import { lambdaContext } from './gateway';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('function-worker.ts runs as a worker thread of the local API');
  const functions = loadApiFunctions();
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
