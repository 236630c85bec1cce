/**
 * Where the CPU time of this process goes while it serves a load: a V8 CPU profile (node:inspector) taken
 * around some work, its samples grouped by component from the script each sampled function belongs to
 * (self time: a sample counts for the function running, not for its callers).
 */
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';

/** One component's share of the samples. */
export interface ComponentShare {
  readonly component: string;
  /** Share of the samples, idle ones left out (0 … 1). */
  readonly share: number;
}

/** The components, first match wins; `test` sees the sampled function's script URL and name. */
const COMPONENTS: ReadonlyArray<{ readonly component: string; test(url: string, name: string): boolean }> = [
  {
    component: 'AWS SDK v3 client (middleware, endpoint, SigV4, serde)',
    test: (url) => url.includes('/@smithy/') || url.includes('/@aws-sdk/'),
  },
  {
    component: 'Powertools logger, metrics, parameters, commons',
    test: (url) => url.includes('/@aws-lambda-powertools/'),
  },
  {
    component: 'WHATWG fetch, Request/Response (undici, web streams)',
    test: (url, name) =>
      url.includes('undici') ||
      url.includes('webstreams') ||
      url.includes('js_transferable') ||
      name === 'JSTransferable',
  },
  {
    component: 'async hooks with destroy tracking (cls-hooked, loaded by the X-Ray SDK)',
    test: (url, name) =>
      name === 'registerDestroyHook' ||
      url.includes('async_hooks') ||
      url.includes('/cls-hooked/') ||
      url.includes('/aws-xray-sdk-core/'),
  },
  { component: 'zod', test: (url) => url.includes('/zod/') },
  {
    component: 'emulator (local/emulator, local/engine)',
    test: (url) => !url.includes('/node_modules/') && /\/local\/(emulator|engine)\//.test(url),
  },
  {
    component: 'local API front (local/serving: gateway, usage plan)',
    test: (url) => !url.includes('/node_modules/') && url.includes('/local/serving/'),
  },
  {
    component: 'handler code (lambda/, core/)',
    test: (url) => !url.includes('/node_modules/') && /\/(lambda|core)\//.test(url),
  },
  { component: 'garbage collector', test: (_url, name) => name === '(garbage collector)' },
  {
    component: 'Node core and V8 (HTTP, sockets, streams, JSON, promises)',
    test: (url) => url === '' || url.startsWith('node:'),
  },
];

/** Runs `work` with the V8 profiler sampling every `intervalUs` microseconds. */
export async function profiled<T>(
  work: () => Promise<T>,
  intervalUs = 250,
): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** The samples of a profile by component, largest first; idle samples are left out. */
export function componentShares(profile: Profiler.Profile): ComponentShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const counts = new Map<string, number>();
  let total = 0;
  for (const id of profile.samples ?? []) {
    const frame = byId.get(id);
    if (!frame || frame.functionName === '(idle)') continue;
    const component = COMPONENTS.find((c) => c.test(frame.url, frame.functionName))?.component ?? 'other';
    counts.set(component, (counts.get(component) ?? 0) + 1);
    total += 1;
  }
  return [...counts]
    .map(([component, n]) => ({ component, share: n / Math.max(1, total) }))
    .sort((a, b) => b.share - a.share);
}
