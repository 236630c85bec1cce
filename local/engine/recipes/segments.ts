/**
 * USER_SEGMENTATION recipes: aws-item-affinity and aws-item-attribute-affinity.
 *
 * A segment answers "which users will most likely interact with this item (or with items that have
 * these attributes)?". The model is a user–item affinity built from two signals:
 *
 * - **direct**: the user already interacted with a target item, weighted by how recent that item is in
 *   the user's history (half weight `HISTORY_HALF_LIFE` distinct items back);
 * - **neighbours**: the user interacted with items that co-occur with a target item in other users'
 *   histories (cosine co-occurrence, top `NEIGHBOURS` per item, histories capped to their newest
 *   `MAX_HISTORY` items), weighted the same way.
 *
 * A user's score is the sum over targets, divided by the user's total history weight to the power
 * `USER_NORM_EXPONENT` (1/4): heavy users still rank above one-off visitors, but a user whose history is
 * mostly about the target outranks a user who touched everything. Attribute expressions select the target items from
 * the Items dataset (`ITEMS.GENRE = "Comedy" AND ITEMS.PRICE = 10`); every matching item is a target.
 *
 * The same affinity read the other way round (history → items) answers `recommend` and `rank`, which
 * the offline evaluation uses. Pure and deterministic: ties break by user id.
 */
import type { PreparedData } from '../dataset';
import { EngineError } from '../errors';
import { EngineModel, MODEL_FORMAT, compact, rankInputList } from '../model';
import type { SerializedModel } from '../model';
import type { FieldValue, RankQuery, RecommendQuery, ScoredItem } from '../types';

/** Item neighbours kept per item. */
export const NEIGHBOURS = 200;
/**
 * A user's score is divided by their total history weight to this power: 0 ranks by raw affinity
 * (heavy users first), 1 by the share of the history about the target.
 */
export const USER_NORM_EXPONENT = 0.25;
/** Newest distinct items of a user used for co-occurrence and scoring. */
export const MAX_HISTORY = 200;
/** An item this many distinct items older than the user's newest counts half. */
export const HISTORY_HALF_LIFE = 50;
/** Weight of a direct interaction with a target relative to a perfect neighbour. */
export const DIRECT_WEIGHT = 2;
/** Most items an attribute expression may expand to (the best-selling ones are kept). */
export const MAX_ATTRIBUTE_TARGETS = 2_000;

/** Serialized state of a segmentation model: plain arrays of numbers and strings. */
export interface SegmentState {
  itemIds: string[];
  userIds: string[];
  /** CSR per item: the users who interacted with it and the recency weight of that interaction. */
  itemUsers: { offsets: number[]; users: number[]; weights: number[] };
  /** CSR per user: item indices and weights (the transpose of `itemUsers`), for `recommend`. */
  userItems: { offsets: number[]; items: number[]; weights: number[] };
  /** CSR per item: neighbour item indices and cosine scores, best first. */
  neighbours: { offsets: number[]; items: number[]; scores: number[] };
  /** Per user: the total history weight to the power USER_NORM_EXPONENT. */
  userNorms: number[];
  /** Number of interaction events per item (orders attribute targets). */
  eventCounts: number[];
  /** Item attribute columns (upper case) and per column, per item, the raw value (`''` when none). */
  attributes: { columns: string[]; values: string[][] };
}

/** One user of a segment. */
export interface ScoredUser {
  userId: string;
  /** In (0, 1], the best user of the segment scores 1. */
  score: number;
}

/** A batch segment job line as the engine sees it. */
export interface SegmentQuery {
  /** aws-item-affinity: the item. */
  itemId?: string;
  /** aws-item-attribute-affinity: `ITEMS.COLUMN = "value"` conditions joined by AND. */
  itemAttributes?: string;
  /** Users per segment. */
  numResults: number;
  /** The job's filter on users: `false` leaves the user out. */
  userFilter?: (userId: string) => boolean;
}

/** A model that can answer batch segment queries. */
export interface SegmentingModel {
  segment(q: SegmentQuery): ScoredUser[];
}

/** Whether a model answers batch segment queries. */
export function isSegmentingModel(model: unknown): model is SegmentingModel {
  return model instanceof SegmentModel;
}

function fieldText(value: FieldValue | undefined): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Builds a CSR structure from per-row lists. */
function csr<T>(rows: readonly T[][], pick: (entry: T) => [number, number]) {
  const offsets = [0];
  const keys: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    for (const entry of row) {
      const [key, value] = pick(entry);
      keys.push(key);
      values.push(compact(value));
    }
    offsets.push(keys.length);
  }
  return { offsets, keys, values };
}

/** Trains the affinity state shared by both segmentation recipes. */
export function trainSegments(data: PreparedData): SegmentState {
  const n = data.itemIds.length;
  const userItemRows: [number, number][][] = data.histories.map((history) => {
    const items = history.items.slice(-MAX_HISTORY);
    const last = items.length - 1;
    return items.map((item, k) => [item, 0.5 ** ((last - k) / HISTORY_HALF_LIFE)]);
  });
  const itemUserRows: [number, number][][] = Array.from({ length: n }, () => []);
  userItemRows.forEach((row, user) => {
    for (const [item, weight] of row) (itemUserRows[item] as [number, number][]).push([user, weight]);
  });

  // Cosine co-occurrence over the capped histories, one dense scratch row per item.
  const counts = itemUserRows.map((row) => row.length);
  const scratch = new Float64Array(n);
  const touched: number[] = [];
  const neighbourRows: [number, number][][] = [];
  for (let i = 0; i < n; i++) {
    for (const [user] of itemUserRows[i] as [number, number][]) {
      for (const [j] of userItemRows[user] as [number, number][]) {
        if (j === i) continue;
        if (scratch[j] === 0) touched.push(j);
        scratch[j] = (scratch[j] as number) + 1;
      }
    }
    const row: [number, number][] = touched.map((j) => [
      j,
      (scratch[j] as number) / Math.sqrt((counts[i] as number) * (counts[j] as number)),
    ]);
    for (const j of touched) scratch[j] = 0;
    touched.length = 0;
    row.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    neighbourRows.push(row.slice(0, NEIGHBOURS));
  }

  const columns = new Set<string>();
  for (const record of data.itemRecords) {
    for (const name of Object.keys(record?.fields ?? {})) columns.add(name.toUpperCase());
  }
  const columnList = [...columns].sort();
  const values = columnList.map((column) =>
    data.itemRecords.map((record) => {
      if (!record) return '';
      const key = Object.keys(record.fields).find((name) => name.toUpperCase() === column);
      return key === undefined ? '' : fieldText(record.fields[key]);
    }),
  );

  const itemUsers = csr(itemUserRows, (entry) => entry);
  const userItems = csr(userItemRows, (entry) => entry);
  const neighbours = csr(neighbourRows, (entry) => entry);
  return {
    itemIds: data.itemIds,
    userIds: data.userIds,
    itemUsers: { offsets: itemUsers.offsets, users: itemUsers.keys, weights: itemUsers.values },
    userItems: { offsets: userItems.offsets, items: userItems.keys, weights: userItems.values },
    neighbours: { offsets: neighbours.offsets, items: neighbours.keys, scores: neighbours.values },
    userNorms: userItemRows.map((row) =>
      compact(row.reduce((sum, [, w]) => sum + w, 0) ** USER_NORM_EXPONENT || 1),
    ),
    eventCounts: [...data.eventCounts],
    attributes: { columns: columnList, values },
  };
}

/** One `ITEMS.COLUMN = value` condition of an attribute expression. */
export interface AttributeCondition {
  column: string;
  value: string;
}

/**
 * Parses an Item-Attribute-Affinity query: `ITEMS.<column> = "<value>"` (or a bare number) joined by
 * `AND`; `\` escapes a quote inside a value. Column names are case-insensitive.
 * @throws EngineError naming what is wrong.
 */
export function parseItemAttributes(expression: string): AttributeCondition[] {
  const conditions: AttributeCondition[] = [];
  let rest = expression.trim();
  const fail = (why: string): never => {
    throw new EngineError(`Invalid itemAttributes ${JSON.stringify(expression)}: ${why}.`);
  };
  if (rest === '') fail('it is empty');
  for (;;) {
    const head = /^ITEMS\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/i.exec(rest);
    if (!head) fail('expected ITEMS.<column> = "<value>"');
    rest = rest.slice((head as RegExpExecArray)[0].length);
    let value: string;
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const quote = rest[0] as string;
      let k = 1;
      value = '';
      while (k < rest.length && rest[k] !== quote) {
        if (rest[k] === '\\' && k + 1 < rest.length) k++;
        value += rest[k];
        k++;
      }
      if (k >= rest.length) fail('a quoted value is not closed');
      rest = rest.slice(k + 1).trim();
    } else {
      const number = /^-?\d+(\.\d+)?/.exec(rest);
      if (!number) fail('a value must be quoted or a number');
      value = (number as RegExpExecArray)[0];
      rest = rest.slice(value.length).trim();
    }
    conditions.push({ column: ((head as RegExpExecArray)[1] as string).toUpperCase(), value });
    if (rest === '') return conditions;
    const and = /^AND\s+/i.exec(rest);
    if (!and) fail('conditions must be joined by AND');
    rest = rest.slice((and as RegExpExecArray)[0].length);
  }
}

function matchesValue(raw: string, wanted: string): boolean {
  if (raw === '') return false;
  const parts = raw.split('|').map((part) => part.trim());
  if (parts.includes(wanted)) return true;
  const x = Number(wanted);
  return (
    wanted.trim() !== '' && Number.isFinite(x) && parts.some((part) => part !== '' && Number(part) === x)
  );
}

/** The segmentation model of aws-item-affinity and aws-item-attribute-affinity. */
export class SegmentModel extends EngineModel implements SegmentingModel {
  private readonly itemIndex: Map<string, number>;
  private readonly userIndex: Map<string, number>;

  constructor(
    recipe: string,
    private readonly state: SegmentState,
  ) {
    super(recipe);
    this.itemIndex = new Map(state.itemIds.map((id, k) => [id, k]));
    this.userIndex = new Map(state.userIds.map((id, k) => [id, k]));
  }

  /** Item indices matching an attribute expression, best-selling first, at most MAX_ATTRIBUTE_TARGETS. */
  matchingItems(itemAttributes: string): number[] {
    const conditions = parseItemAttributes(itemAttributes);
    const { columns, values } = this.state.attributes;
    const lists = conditions.map((condition) => {
      const c = columns.indexOf(condition.column);
      if (c < 0) {
        throw new EngineError(
          `Invalid itemAttributes: the Items dataset has no column ${condition.column}` +
            (columns.length > 0 ? ` (columns: ${columns.join(', ')})` : '') +
            '.',
        );
      }
      return { list: values[c] as string[], value: condition.value };
    });
    const matches: number[] = [];
    for (let i = 0; i < this.state.itemIds.length; i++) {
      if (lists.every(({ list, value }) => matchesValue(list[i] ?? '', value))) matches.push(i);
    }
    const events = this.state.eventCounts;
    matches.sort((a, b) => (events[b] ?? 0) - (events[a] ?? 0) || a - b);
    return matches.slice(0, MAX_ATTRIBUTE_TARGETS);
  }

  /** Users most likely to interact with the query's item or attributes, best first. */
  segment(q: SegmentQuery): ScoredUser[] {
    let targets: number[];
    if (q.itemId !== undefined) {
      const item = this.itemIndex.get(q.itemId);
      targets = item === undefined ? [] : [item];
    } else if (q.itemAttributes !== undefined) {
      targets = this.matchingItems(q.itemAttributes);
    } else {
      throw new EngineError('A segment query needs an itemId or itemAttributes.');
    }
    const { itemUsers, neighbours, userNorms, userIds } = this.state;
    const scores = new Float64Array(userIds.length);
    const addUsersOf = (item: number, weight: number): void => {
      const end = itemUsers.offsets[item + 1] as number;
      for (let k = itemUsers.offsets[item] as number; k < end; k++) {
        const user = itemUsers.users[k] as number;
        scores[user] = (scores[user] as number) + weight * (itemUsers.weights[k] as number);
      }
    };
    for (const target of targets) {
      addUsersOf(target, DIRECT_WEIGHT);
      const end = neighbours.offsets[target + 1] as number;
      for (let k = neighbours.offsets[target] as number; k < end; k++) {
        addUsersOf(neighbours.items[k] as number, neighbours.scores[k] as number);
      }
    }
    const ranked: { user: number; score: number }[] = [];
    scores.forEach((score, user) => {
      if (score <= 0) return;
      if (q.userFilter && !q.userFilter(userIds[user] as string)) return;
      ranked.push({ user, score: score / (userNorms[user] as number) });
    });
    ranked.sort(
      (a, b) => b.score - a.score || ((userIds[a.user] as string) < (userIds[b.user] as string) ? -1 : 1),
    );
    const top = ranked.slice(0, Math.max(0, q.numResults));
    const best = top[0]?.score ?? 1;
    return top.map(({ user, score }) => ({
      userId: userIds[user] as string,
      score: compact(score / best),
    }));
  }

  /** Item scores for a user: the segment affinity read from the user's side. */
  private itemScores(userId: string | undefined, recent: RecommendQuery['recentInteractions']): Float64Array {
    const { userItems, neighbours } = this.state;
    const history = new Map<number, number>();
    const user = userId === undefined ? undefined : this.userIndex.get(userId);
    if (user !== undefined) {
      const end = userItems.offsets[user + 1] as number;
      for (let k = userItems.offsets[user] as number; k < end; k++)
        history.set(userItems.items[k] as number, userItems.weights[k] as number);
    }
    for (const interaction of recent ?? []) {
      const item = this.itemIndex.get(interaction.itemId);
      if (item !== undefined) history.set(item, 1);
    }
    const scores = new Float64Array(this.state.itemIds.length);
    for (const [item, weight] of history) {
      const end = neighbours.offsets[item + 1] as number;
      for (let k = neighbours.offsets[item] as number; k < end; k++) {
        const j = neighbours.items[k] as number;
        scores[j] = (scores[j] as number) + weight * (neighbours.scores[k] as number);
      }
    }
    // A small popularity prior orders items no history item points to.
    const events = this.state.eventCounts;
    const most = Math.max(1, ...events);
    events.forEach((count, i) => {
      scores[i] = (scores[i] as number) + (1e-3 * count) / most;
    });
    for (const item of history.keys()) scores[item] = 0;
    return scores;
  }

  recommend(q: RecommendQuery): ScoredItem[] {
    const scores = this.itemScores(q.userId, q.recentInteractions);
    const order = [...scores.keys()]
      .filter((i) => (scores[i] as number) > 0)
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    const results: ScoredItem[] = [];
    const best = scores[order[0] ?? 0] || 1;
    for (const i of order) {
      if (results.length >= q.numResults) break;
      const itemId = this.state.itemIds[i] as string;
      if (q.candidateFilter && !q.candidateFilter(itemId)) continue;
      results.push({ itemId, score: compact((scores[i] as number) / best) });
    }
    return results;
  }

  rank(q: RankQuery): ScoredItem[] {
    const scores = this.itemScores(q.userId, q.recentInteractions);
    return rankInputList(q.inputList, (itemId) => {
      const i = this.itemIndex.get(itemId);
      return i === undefined ? undefined : (scores[i] as number);
    });
  }

  serialize(): SerializedModel {
    return { format: MODEL_FORMAT, recipe: this.recipe, kind: 'segments', state: this.state };
  }
}
