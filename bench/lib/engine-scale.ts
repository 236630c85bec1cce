/**
 * The scale run of bench/engine-baselines.ts, in a process of its own so its peak memory is the
 * engine's: aws-user-personalization trained on generated data (1M interactions, 20k items, 50k
 * users; Zipf-like item popularity, each user drawn mostly from one of 50 taste clusters, with
 * click → purchase pairs at the same timestamp), then queried for 1,000 users.
 *
 *   node --import tsx bench/lib/engine-scale.ts [--interactions N] [--items N] [--users N]
 */
import { train } from '../../local/engine';
import type { Interaction } from '../../local/engine';
import { createRandom } from '../../local/engine/random';
import { summarize } from './serving-stats';

const CLUSTERS = 50;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

/** Generated interactions, oldest first. */
export function generateInteractions(count: number, items: number, users: number, seed = 7): Interaction[] {
  const random = createRandom(seed);
  // Zipf-like popularity within each cluster: item k of a cluster drawn with weight 1 / (k + 10).
  const perCluster = Math.ceil(items / CLUSTERS);
  const cumulative = new Float64Array(perCluster);
  let total = 0;
  for (let k = 0; k < perCluster; k++) cumulative[k] = total += 1 / (k + 10);
  const drawRank = (): number => {
    const target = random() * total;
    let lo = 0;
    let hi = perCluster - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const interactions: Interaction[] = [];
  const start = 1_700_000_000;
  for (let n = 0; interactions.length < count; n++) {
    const user = Math.floor(random() * users);
    const cluster = random() < 0.7 ? user % CLUSTERS : Math.floor(random() * CLUSTERS);
    const item = Math.min(items - 1, cluster * perCluster + drawRank());
    const timestamp = start + n * 30;
    interactions.push({ userId: `u${user}`, itemId: `i${item}`, timestamp, eventType: 'click' });
    if (random() < 0.3 && interactions.length < count) {
      interactions.push({ userId: `u${user}`, itemId: `i${item}`, timestamp, eventType: 'purchase' });
    }
  }
  return interactions;
}

function main(): void {
  const count = option('--interactions', 1_000_000);
  const items = option('--items', 20_000);
  const users = option('--users', 50_000);
  const interactions = generateInteractions(count, items, users);
  const before = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  const model = train({ interactions, items: [], users: [] }, { recipe: 'aws-user-personalization' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const latencies: number[] = [];
  for (let u = 0; u < 1000; u++) {
    const t0 = process.hrtime.bigint();
    model.recommend({ userId: `u${u * 37}`, numResults: 25 });
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const { p99 } = summarize(latencies);
  console.log(
    `| scale run: ${count.toLocaleString('en')} interactions, ${items.toLocaleString('en')} items, ${users.toLocaleString('en')} users | value |`,
  );
  console.log('|---|---|');
  console.log(`| aws-user-personalization training | ${seconds.toFixed(1)} s |`);
  console.log(
    `| peak RSS (data generated before training: ${(before / 2 ** 20).toFixed(0)} MB) | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB |`,
  );
  console.log(`| query p99 in process (1,000 known users) | ${p99.toFixed(3)} ms |`);
}

main();
