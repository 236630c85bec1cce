/**
 * Training threads: solution versions train in `node:worker_threads` workers so the emulator's own
 * thread keeps answering requests while a model trains (training MovieLens takes tens of seconds of
 * CPU). A thread reads the training data from the state database itself (read-only, so nothing large
 * crosses between threads), trains, evaluates and encodes the model, and sends back the model's bytes
 * (transferred, not copied) and the metrics; the emulator's thread commits them as before.
 *
 * Threads start on the first training and are reused; jobs beyond the pool's size wait in order. A
 * thread that crashes fails its job with a reason and is replaced on the next job.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainingJob, TrainingResult } from './training-job';

/** Loads the worker's TypeScript entry through tsx, whether this process runs under tsx, jest or plain node. */
const BOOTSTRAP = `require('tsx/cjs/api').register(); require(require('node:worker_threads').workerData.entry);`;

/** The default number of training threads. */
export const DEFAULT_TRAINING_THREADS = 1;

/** How a job ends when its thread is lost: the reason the solution version fails with. */
export class TrainingThreadError extends Error {
  override readonly name = 'TrainingThreadError';
}

type Settle = { resolve: (r: TrainingResult) => void; reject: (e: Error) => void };

interface Thread {
  readonly worker: Worker;
  /** Resolves once the thread has loaded the engine. */
  readonly ready: Promise<void>;
  job?: { readonly id: number } & Settle;
  alive: boolean;
}

/** A lazily started pool of training threads. */
export class TrainingWorkers {
  private readonly threads: Thread[] = [];
  private readonly queue: { job: TrainingJob; settle: Settle }[] = [];
  private nextId = 1;
  private stopped = false;

  /** @param size how many trainings run at once (a whole number ≥ 1) */
  constructor(private readonly size: number = DEFAULT_TRAINING_THREADS) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`trainingThreads must be a whole number ≥ 1, got ${String(size)}.`);
  }

  /** Runs a job on a free thread (after the jobs queued before it). */
  run(job: Omit<TrainingJob, 'id'>): Promise<TrainingResult> {
    if (this.stopped) return Promise.reject(new TrainingThreadError('The emulator is stopping.'));
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { ...job, id }, settle: { resolve, reject } });
      this.dispatch();
    });
  }

  /** Threads currently running (started and not crashed). */
  get running(): number {
    return this.threads.filter((t) => t.alive).length;
  }

  /** Terminates every thread; jobs in flight or queued fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { settle } of this.queue.splice(0))
      settle.reject(new TrainingThreadError('The emulator stopped before the training started.'));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
    this.threads.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.stopped) {
      let thread = this.threads.find((t) => t.alive && !t.job);
      if (!thread) {
        if (this.threads.filter((t) => t.alive).length >= this.size) return;
        thread = this.startThread();
      }
      const next = this.queue.shift();
      if (!next) return;
      const chosen = thread;
      chosen.job = { id: next.job.id, ...next.settle };
      void chosen.ready.then(
        () => chosen.alive && chosen.worker.postMessage(next.job),
        () => undefined, // `lost` has failed the job
      );
    }
  }

  private startThread(): Thread {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry: join(__dirname, 'training-worker.ts') },
    });
    let markReady: () => void = () => undefined;
    let failStart: (e: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => undefined); // a start failure reaches the job through `lost`
    const thread: Thread = { worker, ready, alive: true };
    this.threads.push(thread);
    worker.on('message', (message: TrainingResult | 'ready') => {
      if (message === 'ready') return markReady();
      const job = thread.job;
      if (!job || job.id !== message.id) return;
      thread.job = undefined;
      job.resolve(message);
      this.dispatch();
    });
    const lost = (reason: string): void => {
      if (!thread.alive) return;
      thread.alive = false;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      const error = new TrainingThreadError(reason);
      failStart(error);
      thread.job?.reject(error);
      thread.job = undefined;
      this.dispatch();
    };
    worker.on('error', (error) => lost(`The training thread crashed: ${error.message}`));
    worker.on('exit', (code) => lost(`The training thread exited with code ${code}.`));
    return thread;
  }
}
