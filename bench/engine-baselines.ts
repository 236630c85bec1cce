/**
 * The local engine against strong simple baselines on the MovieLens "POC" data, under
 * Personalize's offline protocol (10 % of users held out, their newest 10 % relevant), in one run:
 * popularity, item-kNN, EASE with a recency-weighted history, and "the user's last m items, then
 * EASE". Every baseline's hyper-parameters are tuned on a split of its own (--tune-seed) and then
 * scored on the reported seeds; the engine's recipes use their defaults.
 *
 * Two variants: (a) items the user has already interacted with may be recommended again, (b) they
 * are removed (the engine by a candidate filter, the baselines by skipping them).
 *
 *   npx tsx bench/engine-baselines.ts [dataDir] [--seeds 1,2,3,4,5] [--tune-seed 1000] [--scale]
 *
 * --scale adds the training time and peak memory of user-personalization on generated data
 * (1M interactions, 20k items, 50k users), run in a child process so its memory is its own.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ndcgAtK, splitForEvaluation, train } from '../local/engine';
import type { Interaction, Model, TrainingData } from '../local/engine';
import {
  Ease,
  TrainingMatrix,
  distinctNewestLast,
  ease,
  itemKnn,
  lastItemsThen,
  popularity,
} from './lib/baselines';
import type { Recommender } from './lib/baselines';
import { loadMovieLens } from './lib/movielens';
import { summarize } from './lib/serving-stats';

const DEPTH = 10;
const EASE_LAMBDAS = [50, 100, 200, 400, 800];
const HALF_LIVES = [0, 2, 5, 10, 20];
const KNN_ALPHAS = [0.3, 0.5, 0.7];
const LAST_MS = [1, 2, 3, 5, 8, 10];

interface Arguments {
  dataDir: string;
  seeds: number[];
  tuneSeed: number;
  scale: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const parsed: Arguments = {
    dataDir: resolve(__dirname, '..', '..', 'shared', 'data', 'movielens-poc'),
    seeds: [1, 2, 3, 4, 5],
    tuneSeed: 1000,
    scale: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--seeds') parsed.seeds = String(argv[++i]).split(',').map(Number);
    else if (arg === '--tune-seed') parsed.tuneSeed = Number(argv[++i]);
    else if (arg === '--scale') parsed.scale = true;
    else parsed.dataDir = resolve(arg);
  }
  return parsed;
}

type Variant = 'a' | 'b';
const VARIANTS: readonly Variant[] = ['a', 'b'];

/** A held-out user: input history and relevant items. */
interface TestCase {
  history: Interaction[];
  relevant: Set<string>;
}

function meanNdcg(cases: readonly TestCase[], recommend: (test: TestCase) => string[]): number {
  return cases.reduce((sum, test) => sum + ndcgAtK(recommend(test), test.relevant, DEPTH), 0) / cases.length;
}

function baselineScore(cases: readonly TestCase[], recommender: Recommender, variant: Variant): number {
  return meanNdcg(cases, (test) => recommender(test.history, DEPTH, variant === 'b'));
}

/** A split with everything its baselines need, built once per seed. */
class Split {
  readonly cases: TestCase[];
  readonly matrix: TrainingMatrix;
  private readonly easeModels = new Map<number, Ease>();

  constructor(
    readonly data: TrainingData,
    readonly seed: number,
  ) {
    const split = splitForEvaluation(data.interactions, seed);
    this.training = split.training;
    this.cases = split.test.map((test) => ({ history: test.history, relevant: new Set(test.relevant) }));
    this.matrix = new TrainingMatrix(split.training);
  }

  readonly training: Interaction[];

  ease(lambda: number): Ease {
    let model = this.easeModels.get(lambda);
    if (model === undefined) this.easeModels.set(lambda, (model = new Ease(this.matrix, lambda)));
    return model;
  }
}

/** A family of baselines: a grid of settings, each a recommender on a split. */
interface Family {
  name: string;
  grid: (variant: Variant) => Record<string, number>[];
  build: (split: Split, params: Record<string, number>) => Recommender;
}

function product(axes: Record<string, readonly number[]>): Record<string, number>[] {
  return Object.entries(axes).reduce<Record<string, number>[]>(
    (rows, [name, values]) => rows.flatMap((row) => values.map((value) => ({ ...row, [name]: value }))),
    [{}],
  );
}

const FAMILIES: Family[] = [
  { name: 'popularity', grid: () => [{}], build: (split) => popularity(split.matrix) },
  {
    name: 'item-kNN',
    grid: () => product({ alpha: KNN_ALPHAS, halfLife: HALF_LIVES }),
    build: (split, p) => itemKnn(split.matrix, { alpha: p.alpha as number, halfLife: p.halfLife as number }),
  },
  {
    name: 'EASE, recency-weighted',
    grid: () => product({ lambda: EASE_LAMBDAS, halfLife: HALF_LIVES }),
    build: (split, p) =>
      ease(split.ease(p.lambda as number), split.matrix, { halfLife: p.halfLife as number }),
  },
  {
    name: 'last m items, then EASE',
    grid: (variant) =>
      product({ m: variant === 'a' ? LAST_MS : [0], lambda: EASE_LAMBDAS, halfLife: HALF_LIVES }),
    build: (split, p) =>
      lastItemsThen(
        ease(split.ease(p.lambda as number), split.matrix, { halfLife: p.halfLife as number }),
        p.m as number,
      ),
  },
];

function describe(params: Record<string, number>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '—' : entries.map(([name, value]) => `${name}=${value}`).join(', ');
}

/** The best settings of every family and variant on the tuning split. */
function tune(split: Split): Map<string, Record<string, number>> {
  const best = new Map<string, Record<string, number>>();
  for (const family of FAMILIES) {
    for (const variant of VARIANTS) {
      let top = { score: -1, params: {} as Record<string, number> };
      for (const params of family.grid(variant)) {
        const score = baselineScore(split.cases, family.build(split, params), variant);
        if (score > top.score) top = { score, params };
      }
      best.set(`${family.name}/${variant}`, top.params);
    }
  }
  return best;
}

/** Our recipes on one split: NDCG per variant, training seconds and query latencies (ms). */
function ours(
  split: Split,
  recipe: string,
  query: 'history' | 'latest-item',
): { a: number; b: number; trainSeconds: number; firstQueryMs: number; latencies: number[] } {
  const started = process.hrtime.bigint();
  const model: Model = train({ ...split.data, interactions: split.training }, { recipe });
  const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The first query builds the model's lookup tables; it is reported apart, not in the latencies.
  const warm = process.hrtime.bigint();
  model.recommend({ numResults: DEPTH, recentInteractions: split.cases[0]?.history ?? [] });
  const firstQueryMs = Number(process.hrtime.bigint() - warm) / 1e6;
  const latencies: number[] = [];
  const run = (variant: Variant) =>
    meanNdcg(split.cases, (test) => {
      const seen = new Set(test.history.map((interaction) => interaction.itemId));
      const candidateFilter = variant === 'b' ? (itemId: string) => !seen.has(itemId) : undefined;
      const t0 = process.hrtime.bigint();
      const results =
        query === 'history'
          ? model.recommend({ numResults: DEPTH, recentInteractions: test.history, candidateFilter })
          : model.recommend({
              itemId: distinctNewestLast(test.history).at(-1),
              numResults: DEPTH,
              candidateFilter,
            });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      return results.map((result) => result.itemId);
    });
  const scores = { a: run('a'), b: run('b') };
  // The scoring passes above also warmed the JIT; the latencies are those of a second pass.
  latencies.length = 0;
  run('a');
  run('b');
  return { ...scores, trainSeconds, firstQueryMs, latencies };
}

/** Item-kNN asked with the user's latest item only, as SIMS is. */
function knnLatestItem(split: Split, params: Record<string, number>, variant: Variant): number {
  const recommender = itemKnn(split.matrix, { alpha: params.alpha as number, halfLife: 0 });
  return meanNdcg(split.cases, (test) => {
    const latest = distinctNewestLast(test.history).at(-1) as string;
    const query = test.history.filter((interaction) => interaction.itemId === latest);
    const seen = new Set(test.history.map((interaction) => interaction.itemId));
    const list = recommender(query, DEPTH + seen.size, true);
    return list.filter((itemId) => variant === 'a' || !seen.has(itemId)).slice(0, DEPTH);
  });
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function scaleRun(): string {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', resolve(__dirname, 'lib', 'engine-scale.ts')],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return output.trim();
}

function main(): void {
  const args = parseArguments(process.argv.slice(2));
  const data = loadMovieLens(args.dataDir);
  console.log(`# Engine vs baselines, NDCG@${DEPTH}, ${data.interactions.length} interactions`);
  console.log(`tuning split: seed ${args.tuneSeed}; reported seeds: ${args.seeds.join(', ')}\n`);

  const tuned = tune(new Split(data, args.tuneSeed));
  const rows = new Map<string, { a: number[]; b: number[] }>();
  const add = (name: string, variant: Variant, value: number) => {
    const row = rows.get(name) ?? { a: [], b: [] };
    row[variant].push(value);
    rows.set(name, row);
  };
  const trainSeconds: number[] = [];
  const firstQueries: number[] = [];
  const latencies: number[] = [];
  const simsVsKnn = {
    sims: { a: [] as number[], b: [] as number[] },
    knn: { a: [] as number[], b: [] as number[] },
  };
  for (const seed of args.seeds) {
    const split = new Split(data, seed);
    for (const family of FAMILIES) {
      for (const variant of VARIANTS) {
        const params = tuned.get(`${family.name}/${variant}`) as Record<string, number>;
        add(family.name, variant, baselineScore(split.cases, family.build(split, params), variant));
      }
    }
    const up = ours(split, 'aws-user-personalization', 'history');
    add('ours: aws-user-personalization', 'a', up.a);
    add('ours: aws-user-personalization', 'b', up.b);
    trainSeconds.push(up.trainSeconds);
    firstQueries.push(up.firstQueryMs);
    latencies.push(...up.latencies);
    const sims = ours(split, 'aws-sims', 'latest-item');
    simsVsKnn.sims.a.push(sims.a);
    simsVsKnn.sims.b.push(sims.b);
    for (const variant of VARIANTS) {
      simsVsKnn.knn[variant].push(
        knnLatestItem(split, tuned.get(`item-kNN/${variant}`) as Record<string, number>, variant),
      );
    }
    console.error(`seed ${seed} done`);
  }

  console.log(
    '| recommender | (a) seen allowed | (b) seen removed | settings (a) / (b), tuned on the tuning split |',
  );
  console.log('|---|---|---|---|');
  for (const [name, row] of rows) {
    const family = FAMILIES.find((f) => f.name === name);
    const settings =
      family === undefined
        ? 'defaults'
        : `${describe(tuned.get(`${name}/a`) as Record<string, number>)} / ${describe(tuned.get(`${name}/b`) as Record<string, number>)}`;
    console.log(`| ${name} | ${mean(row.a).toFixed(4)} | ${mean(row.b).toFixed(4)} | ${settings} |`);
  }
  const oursRow = rows.get('ours: aws-user-personalization') as { a: number[]; b: number[] };
  const ratios = VARIANTS.map((variant) => {
    const strongest = FAMILIES.map((family) => ({
      name: family.name,
      value: mean((rows.get(family.name) as { a: number[]; b: number[] })[variant]),
    })).sort((x, y) => y.value - x.value)[0] as { name: string; value: number };
    return `(${variant}) ${(mean(oursRow[variant]) / strongest.value).toFixed(3)}× ${strongest.name}`;
  });
  console.log(`\nours / strongest baseline: ${ratios.join('; ')}`);
  console.log(
    `per-seed ours (a): ${oursRow.a.map((v) => v.toFixed(4)).join(', ')}; (b): ${oursRow.b.map((v) => v.toFixed(4)).join(', ')}`,
  );
  console.log('\n| latest-item query | (a) | (b) |\n|---|---|---|');
  console.log(
    `| ours: aws-sims | ${mean(simsVsKnn.sims.a).toFixed(4)} | ${mean(simsVsKnn.sims.b).toFixed(4)} |`,
  );
  console.log(
    `| item-kNN (tuned alpha) | ${mean(simsVsKnn.knn.a).toFixed(4)} | ${mean(simsVsKnn.knn.b).toFixed(4)} |`,
  );
  console.log('\n| aws-user-personalization on MovieLens | value |\n|---|---|');
  const query = summarize(latencies);
  console.log(`| training, mean of ${trainSeconds.length} splits | ${mean(trainSeconds).toFixed(2)} s |`);
  console.log(`| training, slowest split | ${Math.max(...trainSeconds).toFixed(2)} s |`);
  console.log(
    `| query p50 / p99 in process, warm second pass, both variants | ${query.p50.toFixed(3)} / ${query.p99.toFixed(3)} ms |`,
  );
  console.log(
    `| first query after training (builds lookup tables), slowest split | ${Math.max(...firstQueries).toFixed(1)} ms |`,
  );
  console.log(`| peak RSS of this process | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB |`);
  if (args.scale) console.log(`\n${scaleRun()}`);
}

main();
