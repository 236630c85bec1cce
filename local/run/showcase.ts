/**
 * What `npm run local` shows after a run, for any config and data: each solution's offline metrics, then
 * what each deployed campaign and recommender answers for users and items picked from the data (each item with its own
 * columns from the items data), then, with an event tracker, recommendations changing as events arrive.
 */
import {
  GetSolutionMetricsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { type PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  type PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';
import type { PipelineConfig } from '../../core/config';
import { findDomainRecipe, findRecipe, type RecipeType } from '../../core/recipes';
import { parseSchema } from '../../core/schema-rules';
import { headRows } from '../harness/data-folder';
import { LOCAL_ACCOUNT } from '../harness/env';

/** The metrics of the offline-metrics table, in its column order. */
const METRICS: ReadonlyArray<readonly [string, string]> = [
  ['normalized_discounted_cumulative_gain_at_10', 'NDCG@10'],
  ['precision_at_10', 'P@10'],
  ['mean_reciprocal_rank_at_25', 'MRR@25'],
  ['coverage', 'coverage'],
];

/** Widest item description column, in characters. */
const MAX_CELL = 28;

/** Rows as aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Each solution's recipe and the offline metrics of its active version ('-' without one). */
export async function offlineMetrics(
  personalize: PersonalizeClient,
  config: PipelineConfig,
  region: string,
): Promise<string[][]> {
  const rows = [['solution', 'recipe', ...METRICS.map(([, title]) => title)]];
  for (const solution of config.solutions) {
    const solutionArn = `arn:aws:personalize:${region}:${LOCAL_ACCOUNT}:solution/${config.projectName}-${solution.name}`;
    const versions = await personalize
      .send(new ListSolutionVersionsCommand({ solutionArn }))
      .catch(() => undefined);
    const active = versions?.solutionVersions?.find((v) => v.status === 'ACTIVE');
    if (!active?.solutionVersionArn) {
      rows.push([solution.name, solution.recipe, ...METRICS.map(() => '-')]);
      continue;
    }
    const result = await personalize.send(
      new GetSolutionMetricsCommand({ solutionVersionArn: active.solutionVersionArn }),
    );
    rows.push([
      solution.name,
      solution.recipe,
      ...METRICS.map(([metric]) => {
        const value = result.metrics?.[metric];
        return value === undefined ? '-' : value.toFixed(4);
      }),
    ]);
  }
  return rows;
}

/** What the showcase knows of the data: busy users, popular items, and the items' own columns. */
export interface DataSample {
  /** Users with the most interactions in the first rows, busiest first. */
  readonly users: readonly string[];
  /** Items with the most interactions in the first rows, most first. */
  readonly items: readonly string[];
  /** The most common event type, when the interactions have EVENT_TYPE. */
  readonly eventType?: string;
  /** Item rows by ITEM_ID (the first rows of the items data). */
  readonly itemRows: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The item columns shown next to an item id (at most three, textual ones left out). */
  readonly itemColumns: readonly string[];
  /** A categorical item column (its values split at `|`), for the real-time events showcase. */
  readonly categoryColumn?: string;
}

function countsOf(values: Iterable<string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Samples the data files: the first rows of the interactions and items. */
export function sampleData(
  config: PipelineConfig,
  files: { interactions?: readonly string[]; items?: readonly string[] },
  itemsSchema?: string,
): DataSample {
  const interactions = (files.interactions ?? []).slice(0, 3).flatMap((file) => headRows(file));
  const users = countsOf(interactions.map((r) => r.USER_ID ?? '')).map(([id]) => id);
  const items = countsOf(interactions.map((r) => r.ITEM_ID ?? '')).map(([id]) => id);
  const eventType = countsOf(interactions.map((r) => r.EVENT_TYPE ?? ''))[0]?.[0];
  const rows = (files.items ?? []).slice(0, 3).flatMap((file) => headRows(file));
  const itemRows = new Map(rows.map((row) => [row.ITEM_ID ?? '', row]));
  const fields = itemsSchema === undefined ? [] : parseSchema(itemsSchema).fields;
  const shown = fields.filter((f) => f.name !== 'ITEM_ID' && !f.textual).map((f) => f.name);
  const categoryColumn = fields.find((f) => f.categorical && f.name !== 'ITEM_ID')?.name;
  return {
    users: users.slice(0, 10),
    items: items.slice(0, 50),
    ...(eventType !== undefined ? { eventType } : {}),
    itemRows,
    itemColumns: shown.slice(0, 3),
    ...(categoryColumn !== undefined && config.datasets.items !== undefined ? { categoryColumn } : {}),
  };
}

function clip(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** An item's id and its shown columns, as one table row. */
function itemRow(sample: DataSample, id: string): string[] {
  const row = sample.itemRows.get(id);
  return [id, ...sample.itemColumns.map((column) => clip(row?.[column] ?? ''))];
}

function itemTable(sample: DataSample, ids: readonly string[]): string {
  const header = ['item', ...sample.itemColumns];
  return table([header, ...ids.map((id) => itemRow(sample, id))])
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The clients and published parameters the showcase reads. */
export interface ShowcaseContext {
  readonly config: PipelineConfig;
  readonly runtime: PersonalizeRuntimeClient;
  readonly events: PersonalizeEventsClient;
  /** Campaign ARN by solution name (the `/<project>/serving` parameter). */
  readonly campaigns: Readonly<Record<string, string>>;
  /** Recommender ARN by recommender name (the same parameter). */
  readonly recommenders: Readonly<Record<string, string>>;
  /** The event tracker's tracking id, when there is one. */
  readonly trackingId?: string;
  readonly sample: DataSample;
  readonly print: (line: string) => void;
}

type Target = { readonly campaignArn: string } | { readonly recommenderArn: string };

async function recommend(
  ctx: ShowcaseContext,
  target: Target,
  query: { userId?: string; itemId?: string },
  numResults: number,
): Promise<string[]> {
  const response = await ctx.runtime.send(new GetRecommendationsCommand({ ...target, numResults, ...query }));
  return (response.itemList ?? []).map((item) => item.itemId ?? '');
}

/** What answers: each deployed campaign of a solution, then each recommender, with the kind of its answers. */
function servingTargets(
  ctx: ShowcaseContext,
): { name: string; label: string; type: RecipeType; target: Target }[] {
  const campaigns = ctx.config.solutions.flatMap((solution) => {
    const campaignArn = ctx.campaigns[solution.name];
    const type = findRecipe(solution.recipe)?.recipeType;
    return campaignArn === undefined || type === undefined
      ? []
      : [{ name: solution.name, label: solution.recipe, type, target: { campaignArn } }];
  });
  const recommenders = ctx.config.recommenders.flatMap((recommender) => {
    const recommenderArn = ctx.recommenders[recommender.name];
    const type = findDomainRecipe(recommender.useCase)?.recipeType;
    return recommenderArn === undefined || type === undefined
      ? []
      : [{ name: recommender.name, label: recommender.useCase, type, target: { recommenderArn } }];
  });
  return [...campaigns, ...recommenders];
}

/** Per deployed campaign and recommender, what it answers for the sampled users and items. */
export async function showRecommendations(ctx: ShowcaseContext, usersShown = 2): Promise<void> {
  const { sample } = ctx;
  const users = sample.users.slice(0, usersShown);
  const anchor = sample.items[0];
  for (const { name, label, type, target } of servingTargets(ctx)) {
    if (type === 'USER_PERSONALIZATION') {
      for (const userId of users) {
        ctx.print(`\n${name} (${label}) for user ${userId}:`);
        ctx.print(itemTable(sample, await recommend(ctx, target, { userId }, 5)));
      }
    } else if (type === 'RELATED_ITEMS' && anchor !== undefined) {
      ctx.print(`\n${name} (${label}), related to ${itemRow(sample, anchor).join('  ')}:`);
      const user = users[0] !== undefined ? { userId: users[0] } : {};
      ctx.print(itemTable(sample, await recommend(ctx, target, { itemId: anchor, ...user }, 5)));
    } else if (type === 'POPULAR_ITEMS' && users[0] !== undefined) {
      ctx.print(`\n${name} (${label}):`);
      ctx.print(itemTable(sample, await recommend(ctx, target, { userId: users[0] }, 5)));
    } else if (
      type === 'PERSONALIZED_RANKING' &&
      'campaignArn' in target &&
      users[0] !== undefined &&
      sample.items.length > 1
    ) {
      const inputList = sample.items.slice(0, 20);
      const response = await ctx.runtime.send(
        new GetPersonalizedRankingCommand({ campaignArn: target.campaignArn, userId: users[0], inputList }),
      );
      const ranked = (response.personalizedRanking ?? []).map((item) => item.itemId ?? '');
      ctx.print(
        `\n${name} (${label}): the ${inputList.length} most popular items ranked for user ${users[0]}, top 5:`,
      );
      ctx.print(itemTable(sample, ranked.slice(0, 5)));
    }
  }
}

/** The values of a categorical cell (`|` separates several). */
function categoryValues(cell: string | undefined): string[] {
  return (cell ?? '').split('|').filter(Boolean);
}

/**
 * Real-time events: the busiest user views five items of a category none of their top 10 is in; their top 10
 * is asked again. Returns the line saying why it was skipped, if it was.
 */
export async function showRealTimeEvents(ctx: ShowcaseContext): Promise<string | undefined> {
  const { sample } = ctx;
  const personal = servingTargets(ctx).find((t) => t.type === 'USER_PERSONALIZATION');
  const userId = sample.users[0];
  if (ctx.trackingId === undefined) return 'no event tracker in the config';
  if (personal === undefined || userId === undefined)
    return 'no user-personalization campaign or recommender';
  if (sample.categoryColumn === undefined) return 'the items data has no categorical column';
  const column = sample.categoryColumn;
  const target = personal.target;
  const before = await recommend(ctx, target, { userId }, 10);
  const seen = new Set(before.flatMap((id) => categoryValues(sample.itemRows.get(id)?.[column])));
  const byCategory = countsOf([...sample.itemRows.values()].flatMap((row) => categoryValues(row[column])));
  const category = byCategory.find(([value]) => !seen.has(value))?.[0];
  if (category === undefined) return `every ${column} value is already in ${userId}'s top 10`;
  const browsed = [...sample.itemRows.keys()]
    .filter((id) => categoryValues(sample.itemRows.get(id)?.[column]).includes(category))
    .slice(0, 5);
  const eventType = sample.eventType ?? 'view';
  await ctx.events.send(
    new PutEventsCommand({
      trackingId: ctx.trackingId,
      userId,
      sessionId: `local-${Date.now()}`,
      eventList: browsed.map((itemId, i) => ({ eventType, itemId, sentAt: new Date(Date.now() + i * 1000) })),
    }),
  );
  const after = await recommend(ctx, target, { userId }, 10);
  const inCategory = (ids: readonly string[]) =>
    ids.filter((id) => categoryValues(sample.itemRows.get(id)?.[column]).includes(category)).length;
  ctx.print(
    `\nReal-time events: user ${userId} sends ${browsed.length} "${eventType}" events on items with ${column} "${category}" (PutEvents through the event tracker).`,
  );
  ctx.print(
    `${personal.name}'s top 10 before: ${inCategory(before)} with ${column} "${category}"; after: ${inCategory(after)}.`,
  );
  ctx.print(
    table([
      ['  before', 'after'],
      ...before.map((id, i) => [
        `  ${itemRow(sample, id).join('  ')}`,
        itemRow(sample, after[i] ?? '').join('  '),
      ]),
    ]),
  );
  return undefined;
}
