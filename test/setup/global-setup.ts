import { startMoto, type MotoServer } from '../../local/harness/moto';

declare global {
  var __MOTO_SERVERS__: MotoServer[] | undefined;
}

/**
 * Starts one moto server per jest worker, so test files running in parallel never share (or reset)
 * each other's state. Workers find theirs through MOTO_ENDPOINTS and JEST_WORKER_ID.
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  const count = Math.max(1, globalConfig.maxWorkers);
  const servers = await Promise.all(Array.from({ length: count }, () => startMoto()));
  globalThis.__MOTO_SERVERS__ = servers;
  process.env.MOTO_ENDPOINTS = servers.map((s) => s.endpoint).join(',');
}
