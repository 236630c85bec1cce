/**
 * The API functions of the local API in worker threads: the HTTP front (usage plans, the proxy event) stays
 * on the server's thread and each invocation goes to the thread with the fewest in flight. A function's
 * work (routing, validation, the AWS SDK call) takes most of a request's CPU, so spreading it over threads
 * lets the local API use more than one core, as API Gateway runs many Lambda containers at once.
 *
 * Each thread loads the handlers itself, with the environment of `process.env` when the pool starts.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiHandlerName } from '../../core/serving/routes';

/** An API function: a REST proxy event in, a proxy result out. */
export type ApiFunction = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What the server's thread sends a worker. */
export interface Invocation {
  readonly id: number;
  readonly name: ApiHandlerName;
  readonly event: APIGatewayProxyEvent;
  readonly timeoutMs: number;
}

/** What a worker answers: the function's result, or what it threw. */
export type InvocationOutcome =
  | { readonly id: number; readonly result: APIGatewayProxyResult }
  | { readonly id: number; readonly error: string };

/** Loads the worker's TypeScript entry through tsx, whether this process runs under tsx, jest or plain node. */
const BOOTSTRAP = `require('tsx/cjs/api').register(); require(require('node:worker_threads').workerData.entry);`;

/** How long a thread may take to load the functions. */
const START_TIMEOUT_MS = 60_000;

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (r: APIGatewayProxyResult) => void; reject: (e: Error) => void }>;
  alive: boolean;
}

/** A started pool of function threads. */
export class FunctionWorkers {
  /** Starts `count` threads and resolves once each has loaded the functions. */
  static async start(count: number): Promise<FunctionWorkers> {
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`functionThreads: a whole number ≥ 1, got ${count}`);
    const threads = await Promise.allSettled(
      Array.from({ length: count }, () => FunctionWorkers.startThread()),
    );
    const started = threads.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    const failed = threads.find((t): t is PromiseRejectedResult => t.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((thread) => thread.worker.terminate()));
      throw failed.reason;
    }
    return new FunctionWorkers(started);
  }

  private static startThread(): Promise<Thread> {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: join(__dirname, 'function-worker.ts') },
      // A copy of this process.env as the caller sees it (a test runner may give each file its own).
      env: { ...process.env },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(
          new Error(`A function thread did not load the API functions within ${START_TIMEOUT_MS / 1000} s.`),
        );
      }, START_TIMEOUT_MS);
      const failed = (error: Error) => {
        clearTimeout(timer);
        reject(new Error(`A function thread failed to start: ${error.message}`));
      };
      worker.once('error', failed);
      worker.once('message', (message: unknown) => {
        clearTimeout(timer);
        worker.off('error', failed);
        if (message === 'ready') resolve({ worker, pending: new Map(), alive: true });
        else reject(new Error(`A function thread answered ${JSON.stringify(message)} instead of "ready".`));
      });
    });
  }

  private nextId = 1;

  private constructor(private readonly threads: readonly Thread[]) {
    for (const thread of threads) {
      thread.worker.on('message', (outcome: InvocationOutcome) => {
        const call = thread.pending.get(outcome.id);
        if (!call) return;
        thread.pending.delete(outcome.id);
        if ('result' in outcome) call.resolve(outcome.result);
        else call.reject(new Error(outcome.error));
      });
      const lost = (reason: string) => {
        thread.alive = false;
        for (const call of thread.pending.values()) call.reject(new Error(`function thread ${reason}`));
        thread.pending.clear();
      };
      thread.worker.on('error', (error) => lost(`crashed: ${error.message}`));
      thread.worker.on('exit', (code) => lost(`exited with code ${code}`));
    }
  }

  /** Number of threads still running. */
  get size(): number {
    return this.threads.filter((thread) => thread.alive).length;
  }

  /** Runs function `name` on the thread with the fewest invocations in flight. */
  invoke(
    name: ApiHandlerName,
    event: APIGatewayProxyEvent,
    timeoutMs: number,
  ): Promise<APIGatewayProxyResult> {
    let chosen: Thread | undefined;
    for (const thread of this.threads) {
      if (thread.alive && (!chosen || thread.pending.size < chosen.pending.size)) chosen = thread;
    }
    if (!chosen) return Promise.reject(new Error('no function thread is running'));
    const thread = chosen;
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, name, event, timeoutMs } satisfies Invocation);
    });
  }

  /** Stops every thread; invocations in flight fail. */
  async stop(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }
}
