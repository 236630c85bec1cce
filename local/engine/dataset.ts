/**
 * Turns raw training records into the compact, index-based form every recipe trains on.
 */
import { EngineError } from './errors';
import type { Interaction, ItemRecord, TrainingData, TrainOptions } from './types';

/** One user's distinct items, ordered by their latest interaction (newest last). */
export interface UserHistory {
  /** Item indices, oldest first. */
  items: number[];
  /** Latest interaction timestamp per entry of `items`. */
  timestamps: number[];
}

/** Training data indexed by dense integer ids. */
export interface PreparedData {
  /** Item id per index: the Items dataset first, then items only seen in interactions. */
  itemIds: string[];
  itemIndex: Map<string, number>;
  userIds: string[];
  userIndex: Map<string, number>;
  /** Per user index. */
  histories: UserHistory[];
  /** Number of (filtered) interaction events per item. */
  eventCounts: Float64Array;
  /** Number of distinct users per item. */
  userCounts: Float64Array;
  /** Earliest interaction timestamp per item, NaN when never interacted with. */
  firstSeen: Float64Array;
  /** Creation timestamp from the Items dataset per item, NaN when absent. */
  creationTimestamps: Float64Array;
  /** Item records by index (`undefined` for items only seen in interactions). */
  itemRecords: (ItemRecord | undefined)[];
  /** The interactions kept after event-type and event-value filtering, oldest first. */
  interactions: Interaction[];
  /** Newest kept interaction timestamp. */
  maxTimestamp: number;
}

/**
 * Keeps the interactions a solution trains on: only `eventType` when set, and only events whose
 * value reaches `eventValueThreshold` when set (events without a value are dropped then, because
 * they cannot be compared).
 */
export function selectInteractions(
  interactions: readonly Interaction[],
  options: Pick<TrainOptions, 'eventType' | 'eventValueThreshold'>,
): Interaction[] {
  const { eventType, eventValueThreshold } = options;
  return interactions.filter((interaction) => {
    if (eventType !== undefined && interaction.eventType !== eventType) return false;
    if (eventValueThreshold !== undefined) {
      const value = interaction.eventValue;
      if (value === undefined || value === null || value < eventValueThreshold) return false;
    }
    return true;
  });
}

function stableByTimestamp(interactions: Interaction[]): Interaction[] {
  return interactions
    .map((interaction, order) => ({ interaction, order }))
    .sort((a, b) => a.interaction.timestamp - b.interaction.timestamp || a.order - b.order)
    .map(({ interaction }) => interaction);
}

/** Indexes training data after applying the solution's interaction selection. */
export function prepareData(data: TrainingData, options: TrainOptions): PreparedData {
  const kept = stableByTimestamp(selectInteractions(data.interactions, options));
  if (kept.length === 0) {
    const why =
      options.eventType !== undefined || options.eventValueThreshold !== undefined
        ? ` after keeping only eventType ${JSON.stringify(options.eventType ?? '*')} with eventValueThreshold ${String(options.eventValueThreshold ?? 'none')}`
        : '';
    throw new EngineError(`There are no interactions to train on${why}.`);
  }

  const itemIds: string[] = [];
  const itemIndex = new Map<string, number>();
  const itemRecords: (ItemRecord | undefined)[] = [];
  const addItem = (itemId: string, record?: ItemRecord): number => {
    const existing = itemIndex.get(itemId);
    if (existing !== undefined) return existing;
    const index = itemIds.length;
    itemIds.push(itemId);
    itemIndex.set(itemId, index);
    itemRecords.push(record);
    return index;
  };
  for (const item of data.items) addItem(item.itemId, item);

  const userIds: string[] = [];
  const userIndex = new Map<string, number>();
  const perUser: Map<number, number>[] = [];
  const perUserTime: Map<number, number>[] = [];
  const itemOfInteraction = kept.map((interaction) => addItem(interaction.itemId));

  const n = itemIds.length;
  const eventCounts = new Float64Array(n);
  const firstSeen = new Float64Array(n).fill(Number.NaN);
  kept.forEach((interaction, k) => {
    const item = itemOfInteraction[k] as number;
    let user = userIndex.get(interaction.userId);
    if (user === undefined) {
      user = userIds.length;
      userIds.push(interaction.userId);
      userIndex.set(interaction.userId, user);
      perUser.push(new Map());
      perUserTime.push(new Map());
    }
    eventCounts[item] = (eventCounts[item] as number) + 1;
    if (Number.isNaN(firstSeen[item])) firstSeen[item] = interaction.timestamp;
    const seen = perUser[user] as Map<number, number>;
    // Re-inserting moves the item to the end: Map order becomes "latest interaction last".
    seen.delete(item);
    seen.set(item, k);
    (perUserTime[user] as Map<number, number>).set(item, interaction.timestamp);
  });

  const userCounts = new Float64Array(n);
  const histories: UserHistory[] = perUser.map((seen, user) => {
    const items = [...seen.keys()];
    const times = perUserTime[user] as Map<number, number>;
    for (const item of items) userCounts[item] = (userCounts[item] as number) + 1;
    return { items, timestamps: items.map((item) => times.get(item) as number) };
  });

  const creationTimestamps = new Float64Array(n).fill(Number.NaN);
  itemRecords.forEach((record, index) => {
    const created = record?.creationTimestamp;
    if (typeof created === 'number' && Number.isFinite(created)) creationTimestamps[index] = created;
  });

  return {
    itemIds,
    itemIndex,
    userIds,
    userIndex,
    histories,
    eventCounts,
    userCounts,
    firstSeen,
    creationTimestamps,
    itemRecords,
    interactions: kept,
    maxTimestamp: (kept[kept.length - 1] as Interaction).timestamp,
  };
}
