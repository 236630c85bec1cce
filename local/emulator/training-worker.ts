/**
 * A training thread of the emulator (./training-workers.ts): opens the state database read-only and
 * answers each training job with the encoded model and its metrics, one job at a time.
 */
import { parentPort } from 'node:worker_threads';
import { Store } from './store';
import { runTrainingJob, type TrainingJob, type TrainingResult } from './training-job';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('training-worker.ts runs as a worker thread of the emulator');
  const stores = new Map<string, Store>();
  port.on('message', (job: TrainingJob) => {
    let result: TrainingResult;
    try {
      let store = stores.get(job.dataDir);
      if (!store) {
        store = new Store({ dataDir: job.dataDir, readonly: true });
        stores.set(job.dataDir, store);
      }
      result = runTrainingJob(store, job);
    } catch (error) {
      result = { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    // The model's bytes move to the server's thread without a copy.
    port.postMessage(result, 'ok' in result && result.ok ? [result.model.buffer as ArrayBuffer] : []);
  });
  port.postMessage('ready');
}

main();
