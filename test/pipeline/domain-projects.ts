/**
 * Generated domain projects for the end-to-end recommender tests: a folder with a config, the domain schemas and
 * deterministic data (100 users, 60 items, each user's events drawn from a preferred half of the items), and the
 * local world (moto, an emulator with zero delays, the synthesized pipeline) that runs it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DescribeRecommenderCommand,
  ListRecommendersCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { resolveConfig } from '../../core/config/resolved';
import { findDomainRecipe } from '../../core/recipes';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/harness/env';
import { startLocalAws, type LocalAws } from '../../local/harness/local-aws';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';

export const ARN = `arn:aws:personalize:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;

/** A deterministic pseudo-random sequence (mulberry32). */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedProject {
  readonly dir: string;
  readonly config: PipelineConfig;
  readonly users: string[];
  readonly items: string[];
}

/**
 * A project folder: the config (from `change` applied to a base), the domain schemas and generated data
 * (`eventTypes` per user, each drawn from a user's preferred half of the items).
 */
export function generateProject(options: {
  readonly domain: 'ECOMMERCE' | 'VIDEO_ON_DEMAND';
  readonly config: Record<string, unknown>;
  readonly eventsPerUser: Readonly<Record<string, number>>;
  readonly schemas: Readonly<Record<'interactions' | 'items' | 'users', object>>;
  readonly itemRow: (id: string, index: number) => string;
  readonly itemHeader: string;
  /** Columns of the interactions schema after USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE: left empty. */
  readonly extraInteractionColumns?: readonly string[];
}): GeneratedProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'recommenders-'));
  mkdirSync(path.join(dir, 'schemas'));
  for (const [key, schema] of Object.entries(options.schemas))
    writeFileSync(path.join(dir, 'schemas', `${key}.json`), JSON.stringify(schema, null, 2));
  const users = Array.from({ length: 100 }, (_, i) => `user-${String(i + 1).padStart(3, '0')}`);
  const items = Array.from({ length: 60 }, (_, i) => `item-${String(i + 1).padStart(3, '0')}`);
  const next = random(13);
  const extra = options.extraInteractionColumns ?? [];
  const rows = [['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE', ...extra].join(',')];
  const empty = ','.repeat(extra.length);
  let timestamp = 1_700_000_000;
  for (const [u, user] of users.entries()) {
    const half = u % 2 === 0 ? items.slice(0, 30) : items.slice(30);
    for (const [eventType, count] of Object.entries(options.eventsPerUser)) {
      for (let i = 0; i < count; i++) {
        const item = half[Math.floor(next() * half.length)] ?? items[0];
        timestamp += 37;
        rows.push(`${user},${item},${timestamp},${eventType}${empty}`);
      }
    }
  }
  writeFileSync(path.join(dir, 'interactions.csv'), `${rows.join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'items.csv'),
    `${[options.itemHeader, ...items.map(options.itemRow)].join('\n')}\n`,
  );
  writeFileSync(
    path.join(dir, 'users.csv'),
    `${['USER_ID,MEMBERSHIP,AGE_GROUP,REGION', ...users.map((u, i) => `${u},${i % 3 === 0 ? 'plus' : 'basic'},25-34,west`)].join('\n')}\n`,
  );
  const file = path.join(dir, 'personalize.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      datasetGroup: { domain: options.domain },
      datasets: {
        interactions: { schemaFile: 'schemas/interactions.json', dataLocation: 'datasets/interactions/' },
        items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' },
        users: { schemaFile: 'schemas/users.json', dataLocation: 'datasets/users/' },
      },
      eventTracker: { enabled: false },
      network: { enabled: false },
      ...options.config,
    }),
  );
  return { dir, config: loadConfig(file), users, items };
}

export const exampleSchema = (key: string): object =>
  JSON.parse(readFileSync(path.join('examples', 'ecommerce', 'schemas', `${key}.json`), 'utf8')) as object;

/** The ECOMMERCE example's five recommenders, its metric attribution and one custom solution, on generated data. */
export function ecommerceProject(): GeneratedProject {
  const example = JSON.parse(
    readFileSync(path.join('examples', 'ecommerce', 'personalize.config.json'), 'utf8'),
  ) as Record<string, unknown>;
  return generateProject({
    domain: 'ECOMMERCE',
    config: {
      projectName: 'rec-e2e',
      solutions: example.solutions,
      recommenders: example.recommenders,
      metricAttribution: example.metricAttribution,
    },
    eventsPerUser: { View: 14, Purchase: 11, Click: 2 },
    extraInteractionColumns: ['EVENT_VALUE', 'IMPRESSION', 'RECOMMENDATION_ID'],
    schemas: {
      interactions: exampleSchema('interactions'),
      items: exampleSchema('items'),
      users: exampleSchema('users'),
    },
    itemHeader: 'ITEM_ID,CATEGORY_L1,CATEGORY_L2,BRAND,PRICE,CREATION_TIMESTAMP,DESCRIPTION',
    itemRow: (id, i) =>
      `${id},${i % 2 === 0 ? 'electronics' : 'fashion'},c${i % 5},b${i % 7},${(10 + i).toFixed(2)},1690000000,`,
  });
}

/** The project's config as a run input: inline, with its schemas read from its folder, changed. */
export function inlineConfigOf(project: GeneratedProject, change: (c: Record<string, unknown>) => void) {
  const resolved = JSON.parse(
    JSON.stringify(resolveConfig(project.config, (f) => readFileSync(path.join(project.dir, f), 'utf8'))),
  ) as Record<string, unknown>;
  change(resolved);
  return resolved;
}

export interface Started {
  readonly local: LocalAws;
  readonly pipeline: LocalPipeline;
  readonly personalize: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
  stop(): Promise<void>;
}

export async function start(project: GeneratedProject): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recommenders-state-'));
  const local = await startLocalAws({
    motoEndpoint: process.env.MOTO_ENDPOINT,
    emulator: { dataDir, delays: 'zero' },
  });
  const provisioned = await provisionLocalProject(project.config, project.dir);
  const pipeline = new LocalPipeline(project.config, provisioned, project.dir);
  const personalize = new PersonalizeClient({});
  const runtime = new PersonalizeRuntimeClient({});
  return {
    local,
    pipeline,
    personalize,
    runtime,
    async stop() {
      personalize.destroy();
      runtime.destroy();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(project.dir, { recursive: true, force: true });
    },
  };
}

/** The recommenders of a dataset group by ARN, with status and config. */
export async function recommendersOf(personalize: PersonalizeClient, group: string) {
  const listed = await personalize.send(
    new ListRecommendersCommand({ datasetGroupArn: `${ARN}:dataset-group/${group}` }),
  );
  return Object.fromEntries(
    await Promise.all(
      (listed.recommenders ?? []).map(async (r) => {
        const described = await personalize.send(
          new DescribeRecommenderCommand({ recommenderArn: r.recommenderArn }),
        );
        return [r.recommenderArn ?? '', described.recommender] as const;
      }),
    ),
  );
}

/** GetRecommendations of a recommender, with the userId or itemId its use case needs. */
export async function recommend(
  runtime: PersonalizeRuntimeClient,
  recommenderArn: string,
  useCase: string,
  user: string,
  item: string,
): Promise<string[]> {
  const related = findDomainRecipe(useCase)?.recipeType === 'RELATED_ITEMS';
  const answer = await runtime.send(
    new GetRecommendationsCommand({
      recommenderArn,
      userId: user,
      ...(related ? { itemId: item } : {}),
      numResults: 5,
    }),
  );
  return (answer.itemList ?? []).map((i) => i.itemId ?? '');
}
