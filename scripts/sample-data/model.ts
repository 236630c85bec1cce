/**
 * The generative model of the sample shop. See the header of `scripts/generate-sample-data.ts` for
 * the story; this module turns it into users, items and interactions, deterministically.
 */
import {
  ACCESSORY_RULES,
  ADJECTIVES,
  AGE_GROUPS,
  CATEGORIES,
  MEMBERSHIPS,
  PRAISE,
  REGIONS,
  SEGMENTS,
  type Category,
  type Subcategory,
} from './catalog';
import { toCsv } from './csv';
import { Random } from './random';

const DAY = 86_400;

/** Seed of the generator; change it and every file changes. */
export const SEED = 20_260_930;
/** End of the interaction window (exclusive): 2026-09-30T00:00:00Z, in epoch seconds. */
export const EPOCH_END = Date.UTC(2026, 8, 30) / 1000;
/** Start of the interaction window: 90 days before {@link EPOCH_END}. */
export const EPOCH_START = EPOCH_END - 90 * DAY;
/** Start of the last two weeks, when trending items take off and new items appear. */
export const TREND_START = EPOCH_END - 14 * DAY;

const USER_COUNT = 1500;
const ITEM_COUNT = 800;
const NEW_ITEM_COUNT = 80;
const POPULAR_ITEM_COUNT = 10;
const TRENDING_ITEM_COUNT = 8;
const PAIRS_PER_RULE = 5;

/** Probability that a session stays in the user's segment categories. */
const SEGMENT_AFFINITY = 0.85;
const CART_RATE = 0.25;
const PURCHASE_RATE = 0.4;
/** Probability that buying a primary item leads to viewing its accessory soon after. */
const ACCESSORY_FOLLOW_RATE = 0.7;
const ACCESSORY_CART_RATE = 0.8;
const ACCESSORY_PURCHASE_RATE = 0.75;
const POPULAR_INJECTION_RATE = 0.2;
const TRENDING_INJECTION_RATE = 0.5;
const IMPRESSION_RATE = 0.06;
const IMPRESSION_SIZE = 5;

export const USERS_HEADER = ['USER_ID', 'MEMBERSHIP', 'AGE_GROUP', 'REGION'] as const;
export const ITEMS_HEADER = [
  'ITEM_ID',
  'CATEGORY_L1',
  'CATEGORY_L2',
  'BRAND',
  'PRICE',
  'CREATION_TIMESTAMP',
  'DESCRIPTION',
] as const;
export const INTERACTIONS_HEADER = [
  'USER_ID',
  'ITEM_ID',
  'TIMESTAMP',
  'EVENT_TYPE',
  'EVENT_VALUE',
  'IMPRESSION',
  'RECOMMENDATION_ID',
] as const;

/** The structure planted in the data, for tests and documentation. */
export interface SampleDataTruth {
  readonly epoch: { readonly start: number; readonly end: number; readonly trendStart: number };
  /** Every user belongs to exactly one segment. */
  readonly segments: readonly {
    readonly name: string;
    readonly categories: readonly string[];
    readonly userIds: readonly string[];
  }[];
  /** Buying `primary` makes buying `accessory` likely soon after. */
  readonly coPurchasePairs: readonly { readonly primary: string; readonly accessory: string }[];
  /** Items popular with every segment throughout. */
  readonly popularItems: readonly string[];
  /** Items whose popularity rises during the last two weeks. */
  readonly trendingItems: readonly string[];
  /** Items created during the last two weeks. */
  readonly newItems: readonly string[];
}

/** The three CSV files as text, plus the planted structure. */
export interface SampleData {
  readonly usersCsv: string;
  readonly itemsCsv: string;
  readonly interactionsCsv: string;
  readonly truth: SampleDataTruth;
}

type Role = 'plain' | 'popular' | 'trending' | 'new' | 'primary' | 'accessory';

interface Item {
  readonly id: string;
  readonly category: Category;
  readonly subcategory: Subcategory;
  readonly brand: string;
  readonly price: number;
  readonly createdAt: number;
  readonly description: string;
  /** Within-category popularity, Zipf-like. */
  readonly baseWeight: number;
  role: Role;
  partner?: Item;
}

interface User {
  readonly id: string;
  readonly segment: number;
  readonly sessions: number;
  readonly membership: string;
  readonly ageGroup: string;
  readonly region: string;
}

type EventType = 'view' | 'cart' | 'purchase';

interface Interaction {
  readonly userId: string;
  readonly itemId: string;
  readonly timestamp: number;
  readonly eventType: EventType;
  readonly eventValue: string;
  readonly impression: string;
  readonly recommendationId: string;
  /** Generation order, the last sort key. */
  readonly seq: number;
}

const pad4 = (n: number): string => String(n).padStart(4, '0');

function describe(rng: Random, brand: string, subcategory: Subcategory): string {
  const adjective = rng.pick(ADJECTIVES);
  const feature = rng.pick(subcategory.features);
  const praise = rng.pick(PRAISE);
  return `${adjective} ${subcategory.noun} by ${brand}: ${feature}, ${praise}.`;
}

/** Builds the catalogue: categories spread evenly, ids shuffled so they carry no structure. */
function buildItems(rng: Random): Item[] {
  const specs = Array.from({ length: ITEM_COUNT }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length] as Category;
    const k = Math.floor(i / CATEGORIES.length);
    return { category, subcategory: category.subcategories[k % category.subcategories.length] as Subcategory };
  });
  const shuffled = rng.shuffle(specs);
  const newIndices = new Set(rng.shuffle(shuffled.map((_, i) => i)).slice(0, NEW_ITEM_COUNT));
  const items = shuffled.map(({ category, subcategory }, i): Item => {
    const brand = rng.pick(category.brands);
    const price = rng.int(subcategory.price[0], subcategory.price[1]) + 0.99;
    const isNew = newIndices.has(i);
    const createdAt = isNew
      ? TREND_START + rng.int(0, 13 * DAY - 1)
      : EPOCH_START - rng.int(1, 540) * DAY + rng.int(0, DAY - 1);
    const description = rng.chance(0.05) ? '' : describe(rng, brand, subcategory);
    return {
      id: `item-${pad4(i + 1)}`,
      category,
      subcategory,
      brand,
      price,
      createdAt,
      description,
      baseWeight: 0,
      role: isNew ? 'new' : 'plain',
    };
  });
  // Zipf-like popularity within each category, from a random ranking.
  const ranks = new Map<string, number>();
  return rng
    .shuffle(items)
    .map((item) => {
      const rank = ranks.get(item.category.id) ?? 0;
      ranks.set(item.category.id, rank + 1);
      return { ...item, baseWeight: 10 / (rank + 3) };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Assigns co-purchase pairs, popular and trending roles to old items. */
function assignRoles(rng: Random, items: Item[]): void {
  const plainIn = (subcategory: string): Item[] =>
    rng.shuffle(items.filter((it) => it.role === 'plain' && it.subcategory.id === subcategory));
  for (const rule of ACCESSORY_RULES) {
    const primaries = plainIn(rule.primary);
    const accessories = plainIn(rule.accessory);
    for (let k = 0; k < PAIRS_PER_RULE; k++) {
      const primary = primaries[k];
      const accessory = accessories[k];
      if (primary === undefined || accessory === undefined) break;
      primary.role = 'primary';
      primary.partner = accessory;
      accessory.role = 'accessory';
    }
  }
  const plain = rng.shuffle(items.filter((it) => it.role === 'plain'));
  plain.slice(0, POPULAR_ITEM_COUNT).forEach((it) => (it.role = 'popular'));
  plain.slice(POPULAR_ITEM_COUNT, POPULAR_ITEM_COUNT + TRENDING_ITEM_COUNT).forEach((it) => (it.role = 'trending'));
}

/** How strongly a trending item pulls at time `t`: low before the last two weeks, then rising. */
function trendFactor(t: number): number {
  return t < TREND_START ? 0 : (t - TREND_START) / (EPOCH_END - TREND_START);
}

/** Relative chance of viewing `item` within its category at time `t`; 0 before it exists. */
function itemWeight(item: Item, t: number): number {
  if (item.createdAt > t) return 0;
  switch (item.role) {
    case 'popular':
      return item.baseWeight * 4 + 4;
    case 'trending':
      return item.baseWeight * 0.5 + 12 * trendFactor(t);
    case 'new':
      return item.baseWeight * 2.5;
    case 'primary':
      return item.baseWeight * 2 + 1;
    default:
      return item.baseWeight;
  }
}

function buildUsers(rng: Random): User[] {
  return Array.from({ length: USER_COUNT }, (_, i): User => {
    const segment = rng.weightedIndex(SEGMENTS.map((s) => s.share));
    const profile = SEGMENTS[segment];
    if (profile === undefined) throw new RangeError('Segment weights must be positive.');
    const u = rng.next();
    const sessions = 1 + Math.floor(u * u * 14);
    const ageGroup = AGE_GROUPS[rng.weightedIndex(profile.ageWeights)] ?? '25-34';
    const membership = MEMBERSHIPS[rng.weightedIndex(sessions >= 8 ? [3, 4, 3] : [6, 3, 1])] ?? 'basic';
    return { id: `user-${pad4(i + 1)}`, segment, sessions, membership, ageGroup, region: rng.pick(REGIONS) };
  });
}

/** Simulates browsing sessions with the view → cart → purchase funnel and accessory follow-ups. */
class Simulator {
  private readonly events: Interaction[] = [];
  private readonly byCategory: Map<string, Item[]>;
  private readonly popular: Item[];
  private readonly trending: Item[];

  constructor(
    private readonly rng: Random,
    items: readonly Item[],
  ) {
    this.byCategory = new Map(CATEGORIES.map((c) => [c.id, items.filter((it) => it.category === c)]));
    this.popular = items.filter((it) => it.role === 'popular');
    this.trending = items.filter((it) => it.role === 'trending');
  }

  run(users: readonly User[]): Interaction[] {
    for (const user of users) {
      for (let s = 0; s < user.sessions; s++) this.session(user);
    }
    return this.events;
  }

  private emit(user: User, item: Item, timestamp: number, eventType: EventType, impression = '', recId = ''): void {
    this.events.push({
      userId: user.id,
      itemId: item.id,
      timestamp,
      eventType,
      eventValue: eventType === 'purchase' ? item.price.toFixed(2) : '',
      impression,
      recommendationId: recId,
      seq: this.events.length,
    });
  }

  private chooseCategory(user: User): string {
    const { rng } = this;
    const categories = SEGMENTS[user.segment]?.categories ?? [];
    if (categories.length > 0 && rng.chance(SEGMENT_AFFINITY)) {
      return (categories.length > 1 && rng.chance(0.4) ? categories[1] : categories[0]) ?? '';
    }
    return rng.pick(CATEGORIES).id;
  }

  /** Draws up to `n` distinct items from `pool`, weighted by their weight at time `t`. */
  private draw(pool: readonly Item[], n: number, t: number, exclude: ReadonlySet<Item> = new Set()): Item[] {
    const weights = pool.map((it) => (exclude.has(it) ? 0 : itemWeight(it, t)));
    const chosen: Item[] = [];
    for (let k = 0; k < n; k++) {
      const index = this.rng.weightedIndex(weights);
      const item = pool[index];
      if (item === undefined) break;
      chosen.push(item);
      weights[index] = 0;
    }
    return chosen;
  }

  private session(user: User): void {
    const { rng } = this;
    const start = EPOCH_START + rng.int(0, 90 * DAY - 4 * 3600);
    const pool = this.byCategory.get(this.chooseCategory(user)) ?? [];
    const views = this.draw(pool, rng.int(3, 9), start);
    if (rng.chance(POPULAR_INJECTION_RATE)) {
      const extra = this.draw(this.popular, 1, start, new Set(views))[0];
      if (extra !== undefined) views.splice(rng.int(0, views.length), 0, extra);
    }
    if (rng.chance(TRENDING_INJECTION_RATE * trendFactor(start))) {
      const extra = this.draw(this.trending, 1, start, new Set(views))[0];
      if (extra !== undefined) views.splice(rng.int(0, views.length), 0, extra);
    }
    let t = start;
    for (const item of views) {
      t += rng.int(20, 180);
      this.view(user, item, t, pool);
      const bought = this.funnel(user, item, t, CART_RATE, PURCHASE_RATE);
      const partner = item.partner;
      if (bought !== undefined && partner !== undefined && rng.chance(ACCESSORY_FOLLOW_RATE)) {
        const seen = bought + rng.int(60, 600);
        this.emit(user, partner, seen, 'view');
        this.funnel(user, partner, seen, ACCESSORY_CART_RATE, ACCESSORY_PURCHASE_RATE);
      }
    }
  }

  /** A view, sometimes one that came from a recommendation (with the impression it was shown in). */
  private view(user: User, item: Item, t: number, pool: readonly Item[]): void {
    const { rng } = this;
    if (!rng.chance(IMPRESSION_RATE)) {
      this.emit(user, item, t, 'view');
      return;
    }
    const others = this.draw(pool, IMPRESSION_SIZE - 1, t, new Set([item]));
    const shown = [...others];
    shown.splice(rng.int(0, shown.length), 0, item);
    const recId = `rec-${Math.floor(rng.next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0')}`;
    this.emit(user, item, t, 'view', shown.map((it) => it.id).join('|'), recId);
  }

  /** Cart and purchase after a view at `t`; returns the purchase time, if the item was bought. */
  private funnel(user: User, item: Item, t: number, cartRate: number, purchaseRate: number): number | undefined {
    const { rng } = this;
    if (!rng.chance(cartRate)) return undefined;
    const carted = t + rng.int(30, 300);
    this.emit(user, item, carted, 'cart');
    if (!rng.chance(purchaseRate)) return undefined;
    const bought = carted + rng.int(60, 900);
    this.emit(user, item, bought, 'purchase');
    return bought;
  }
}

function byTimeThenUser(a: Interaction, b: Interaction): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
  return a.seq - b.seq;
}

function truthOf(users: readonly User[], items: readonly Item[]): SampleDataTruth {
  const idsWith = (role: Role): string[] => items.filter((it) => it.role === role).map((it) => it.id);
  return {
    epoch: { start: EPOCH_START, end: EPOCH_END, trendStart: TREND_START },
    segments: SEGMENTS.map((s, index) => ({
      name: s.name,
      categories: s.categories,
      userIds: users.filter((u) => u.segment === index).map((u) => u.id),
    })),
    coPurchasePairs: items.flatMap((it) => (it.partner ? [{ primary: it.id, accessory: it.partner.id }] : [])),
    popularItems: idsWith('popular'),
    trendingItems: idsWith('trending'),
    newItems: idsWith('new'),
  };
}

/** Builds the whole sample data set in memory. Same output on every call. */
export function buildSampleData(): SampleData {
  const rng = new Random(SEED);
  const items = buildItems(rng);
  assignRoles(rng, items);
  const users = buildUsers(rng);
  const interactions = new Simulator(rng, items).run(users).sort(byTimeThenUser);

  const usersCsv = toCsv(
    USERS_HEADER,
    users.map((u) => [u.id, u.membership, u.ageGroup, u.region]),
  );
  const itemsCsv = toCsv(
    ITEMS_HEADER,
    items.map((it) => [
      it.id,
      it.category.id,
      it.subcategory.id,
      it.brand,
      it.price.toFixed(2),
      String(it.createdAt),
      it.description,
    ]),
  );
  const interactionsCsv = toCsv(
    INTERACTIONS_HEADER,
    interactions.map((e) => [
      e.userId,
      e.itemId,
      String(e.timestamp),
      e.eventType,
      e.eventValue,
      e.impression,
      e.recommendationId,
    ]),
  );
  return { usersCsv, itemsCsv, interactionsCsv, truth: truthOf(users, items) };
}
