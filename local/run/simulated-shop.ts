/**
 * Simulated shoppers for the sample shop: each one belongs to a segment the sample-data generator planted
 * (scripts/sample-data/model.ts: gadget lovers, home cooks, …, each with one or two favourite categories) and
 * browses the local serving API by those true preferences. A visit asks `GET /recommendations` for the
 * shopper; each item shown is clicked (a `view` event) with a high chance when its category is one of the
 * shopper's and a low one otherwise, and a clicked item is bought (a `purchase` event with its price) likewise.
 * Every event carries the attribution source the response named, so Personalize's metric attribution counts it
 * under the experiment variant that showed the item. The simulation keeps its own tally of what it sent.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { VariantCounts } from '../../core/experiments/impact';
import { createRandom } from '../engine/random';

/** How a shopper responds to an item shown, by whether its category is one of the shopper's. */
export interface ShopperModel {
  readonly clickInSegment: number;
  readonly clickOutside: number;
  readonly buyInSegment: number;
  readonly buyOutside: number;
}

/** The default model: a favourite category is clicked ten times and bought five times as often. */
export const DEFAULT_SHOPPER_MODEL: ShopperModel = {
  clickInSegment: 0.3,
  clickOutside: 0.03,
  buyInSegment: 0.5,
  buyOutside: 0.1,
};

/** The shop the shoppers browse: who likes what, and each item's category and price. */
export interface ShopTruth {
  /** A shopper's favourite categories, by user id. */
  readonly preferences: ReadonlyMap<string, readonly string[]>;
  readonly items: ReadonlyMap<string, { readonly category: string; readonly price: number }>;
}

/** The sample shop's truth: the planted segments and the items of `items.csv` in a data folder. */
export async function sampleShopTruth(dataDir: string): Promise<ShopTruth> {
  const { sampleDataGroundTruth } = await import('../../scripts/generate-sample-data');
  const truth = sampleDataGroundTruth();
  const preferences = new Map<string, readonly string[]>();
  for (const segment of truth.segments)
    for (const user of segment.userIds) preferences.set(user, segment.categories);
  const rows = parse(readFileSync(path.join(dataDir, 'items.csv')), { columns: true }) as Record<
    string,
    string
  >[];
  const items = new Map(
    rows.map((row) => [
      row.ITEM_ID ?? '',
      { category: row.CATEGORY_L1 ?? '', price: Number(row.PRICE ?? 0) },
    ]),
  );
  return { preferences, items };
}

/** The serving API the shoppers call. */
export interface ShopApi {
  readonly url: string;
  readonly key: string;
}

export interface SimulationOptions {
  readonly visits: number;
  readonly numResults?: number;
  readonly seed?: number;
  readonly model?: ShopperModel;
}

/** What the simulation sent, per variant, in the impact report's terms. */
export type SimulationTally = Map<string, VariantCounts>;

async function send(
  api: ShopApi,
  method: string,
  route: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}${route}`, {
    method,
    headers: { 'x-api-key': api.key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs the visits one after another and returns what was shown, clicked and bought per variant. */
export async function simulateShoppers(
  api: ShopApi,
  truth: ShopTruth,
  options: SimulationOptions,
): Promise<SimulationTally> {
  const next = createRandom(options.seed ?? 1);
  const model = options.model ?? DEFAULT_SHOPPER_MODEL;
  const users = [...truth.preferences.keys()];
  const tally: SimulationTally = new Map();
  for (let visit = 0; visit < options.visits; visit += 1) {
    const userId = users[Math.floor(next() * users.length)] ?? '';
    const liked = truth.preferences.get(userId) ?? [];
    const answer = await send(
      api,
      'GET',
      `/recommendations?userId=${encodeURIComponent(userId)}&numResults=${options.numResults ?? 5}`,
    );
    const experiment = answer.experiment as { variant: string; attributionSource: string } | undefined;
    if (experiment === undefined) throw new Error('the recommendations route runs no experiment');
    const shown = (answer.items as { itemId: string }[]).map((item) => item.itemId);
    const counts = tally.get(experiment.variant) ?? {
      variant: experiment.variant,
      impressions: 0,
      clicks: 0,
      conversions: 0,
      revenue: 0,
    };
    const events: Record<string, unknown>[] = [];
    for (const itemId of shown) {
      const item = truth.items.get(itemId);
      const favourite = item !== undefined && liked.includes(item.category);
      if (next() >= (favourite ? model.clickInSegment : model.clickOutside)) continue;
      const common = {
        itemId,
        recommendationId: answer.recommendationId,
        attributionSource: experiment.attributionSource,
      };
      events.push({ eventId: `v${visit}-${itemId}-view`, eventType: 'view', ...common });
      if (next() < (favourite ? model.buyInSegment : model.buyOutside)) {
        events.push({
          eventId: `v${visit}-${itemId}-purchase`,
          eventType: 'purchase',
          eventValue: item?.price ?? 0,
          ...common,
        });
      }
    }
    if (events.length > 0) await send(api, 'POST', '/events', { sessionId: `sim-${visit}`, userId, events });
    const bought = events.filter((e) => e.eventType === 'purchase');
    tally.set(experiment.variant, {
      ...counts,
      impressions: counts.impressions + shown.length,
      clicks: counts.clicks + events.length - bought.length,
      conversions: counts.conversions + bought.length,
      revenue: counts.revenue + bought.reduce((sum, e) => sum + Number(e.eventValue), 0),
    });
  }
  return tally;
}

/** The sum of the counts that arrive asynchronously (impressions, clicks, conversions). */
function countedEvents(counts: Iterable<VariantCounts>): number {
  let total = 0;
  for (const c of counts) total += c.impressions + c.clicks + c.conversions;
  return total;
}

/**
 * Reads the report's counts until they hold everything the simulation sent (the event consumer, the emulator's
 * metric reports and the impressions reach CloudWatch asynchronously), or `timeoutMs` passes.
 */
export async function waitForCounts(
  read: () => Promise<VariantCounts[]>,
  sent: SimulationTally,
  timeoutMs = 60_000,
): Promise<VariantCounts[]> {
  const deadline = Date.now() + timeoutMs;
  let counts = await read();
  while (countedEvents(counts) < countedEvents(sent.values()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    counts = await read();
  }
  return counts;
}
