/**
 * The neighbourhood model behind SIMS, Similar-Items, User-Personalization and
 * Personalized-Ranking: precomputed top-K item neighbours, aggregated over a history.
 *
 * Scoring a history h (newest last) for item j:
 *
 *   score(j) = popularityWeight * pop(j)
 *            + recentPopularityWeight * popAt(j, t)          (popularity just before the user's time t)
 *            + sum_i w_i * sim(i, j) / sum_i w_i            (neighbours of history items)
 *            + metadataWeight * cos(profile(h), tokens(j))   (shared metadata, cold items only)
 *            + userNeighbourWeight * vote(j)                 (items of users who share h's recent items)
 *
 * with recency weights w_i = 0.5 ^ (age_i / recencyHalfLife), age counted in history positions.
 * sim(i, j) is i's precomputed top-K neighbour list: user co-occurrence, mixed for
 * User-Personalization with sequential neighbours (items consumed shortly after i) and for
 * Similar-Items with shared metadata. SIMS and Similar-Items queried with an itemId return that
 * item's neighbour list directly, back-filled with popular items.
 * Real-time events (`recentInteractions`) are appended to the stored history, so they change
 * results immediately.
 *
 * Seen items: User-Personalization and Personalized-Ranking score items the user already
 * interacted with by the repeat behaviour learnt at training (`repeats.ts`: propensity per event
 * type of the latest interaction and recency), blended with their neighbour scores. When the
 * training data shows no repeats (no `repeat` state), and always for SIMS user queries, seen items
 * are excluded (`excludeSeen`): on such data the relevant items are the user's *next*, new ones.
 * GetPersonalizedRanking never drops items: it orders exactly the input list.
 */
import { EngineModel, MODEL_FORMAT, compact, rankInputList } from '../model';
import type { NeighbourhoodState, RepeatState, SerializedModel } from '../model';
import { AGE_BUCKETS, ageBucket, cellKey, coarseIndex, eventTypeKey, typeBit } from '../repeats';
import { createRandom, hashString } from '../random';
import type { Random } from '../random';
import { range, selectTop } from '../top-k';
import type { ExplorationConfig, Interaction, RankQuery, RecommendQuery, ScoredItem } from '../types';

const POPULAR_ITEM = 'Popular item';
const EXPLORATION = 'Exploration';
const SECONDS_PER_DAY = 86_400;
/** Newest history items matched against other users by the user-neighbour vote. */
const USER_NEIGHBOUR_HISTORY = 20;
/** Half-lives of recency weighting after which history items are not read. */
const RECENCY_HORIZON = 50;
/** Users who vote. */
const USER_NEIGHBOURS = 50;

/** What a user did with a seen item (see `repeats.ts`). */
interface SeenFeature {
  type: number;
  mask: number;
  tied: boolean;
}

/** A neighbourhood model, restorable from its serialized state. */
export class NeighbourhoodModel extends EngineModel {
  private readonly itemIndex: Map<string, number>;
  private readonly userIndex: Map<string, number>;
  private readonly all: Int32Array;
  // Derived lookup structures, built on first use (never serialized).
  private usersOfItem: number[][] | undefined;
  private scratch: Float64Array | undefined;
  private decayed: { values: Float64Array; top: Float64Array } | undefined;
  private tokenCount: number | undefined;
  private eventTypeIndex: Map<string, number> | undefined;
  private topPropensity: number | undefined;
  private cells: Map<number, number> | undefined;
  private coldItems: number[] | undefined;
  private seenFlags: Uint8Array | undefined;
  private readonly itemBuffers: (Float64Array | undefined)[] = [undefined, undefined];

  constructor(
    recipe: string,
    private readonly state: NeighbourhoodState,
  ) {
    super(recipe);
    this.itemIndex = new Map(state.itemIds.map((itemId, index) => [itemId, index]));
    this.userIndex = new Map(state.userIds.map((userId, index) => [userId, index]));
    this.all = range(state.itemIds.length);
  }

  recommend(q: RecommendQuery): ScoredItem[] {
    const numResults = Math.max(0, Math.floor(q.numResults));
    if (numResults === 0) return [];
    const accept = this.acceptor(q.candidateFilter);
    const { settings } = this.state;

    if (settings.mode === 'related' && q.itemId !== undefined) {
      return this.relatedTo(q.itemId, numResults, accept);
    }

    const history = this.historyOf(q.userId, q.recentInteractions);
    const seen = new Set(history);
    const repeats = settings.mode === 'personalized' && this.state.repeat !== undefined;
    const accepted = settings.excludeSeen && !repeats ? (i: number) => !seen.has(i) && accept(i) : accept;
    if (history.length === 0) return this.popular(numResults, accepted, settings.mode === 'personalized');

    const scores = this.scoreHistory(history, this.timeOf(q.userId, q.recentInteractions));
    if (repeats) this.scoreSeen(scores, history, seen, q.userId, q.recentInteractions);
    const best = selectTop(this.all, (i) => scores[i] as number, numResults, accepted);
    const personalised = this.toScored(best, scores);
    if (settings.mode !== 'personalized' || q.exploration === undefined || q.exploration.weight <= 0) {
      return personalised;
    }
    const chosen = new Set(best);
    return this.explore(
      personalised,
      q.userId ?? '',
      q.exploration,
      q.now,
      (i) => !chosen.has(i) && accepted(i),
    );
  }

  rank(q: RankQuery): ScoredItem[] {
    const history = this.historyOf(q.userId, q.recentInteractions);
    let scores: Float64Array;
    if (history.length > 0) {
      scores = this.scoreHistory(history, this.timeOf(q.userId, q.recentInteractions));
      if (this.state.settings.mode === 'personalized' && this.state.repeat !== undefined) {
        this.scoreSeen(scores, history, new Set(history), q.userId, q.recentInteractions);
      }
    } else {
      scores = this.popularityScores();
    }
    return rankInputList(q.inputList, (itemId) => {
      const index = this.itemIndex.get(itemId);
      return index === undefined ? undefined : (scores[index] as number);
    });
  }

  serialize(): SerializedModel {
    return { format: MODEL_FORMAT, recipe: this.recipe, kind: 'neighbourhood', state: this.state };
  }

  private acceptor(filter: ((itemId: string) => boolean) | undefined): (index: number) => boolean {
    if (filter === undefined) return () => true;
    const { itemIds } = this.state;
    return (index) => filter(itemIds[index] as string);
  }

  /** Stored history plus real-time events, deduplicated (latest occurrence wins), oldest first. */
  private historyOf(userId: string | undefined, recent: readonly Interaction[] | undefined): number[] {
    const stored = userId === undefined ? undefined : this.userIndex.get(userId);
    const base = stored === undefined ? [] : (this.state.histories[stored] as number[]);
    if (recent === undefined || recent.length === 0) return base;
    const ordered = new Map<number, true>();
    for (const item of base) ordered.set(item, true);
    for (const event of recent) {
      const index = this.itemIndex.get(event.itemId);
      if (index === undefined) continue;
      ordered.delete(index);
      ordered.set(index, true);
    }
    return [...ordered.keys()];
  }

  /**
   * Scores seen items by their learnt repeat propensity p (by what the user did with the item:
   * the latest event type, the set of event types, whether it shares the user's newest timestamp,
   * and its recency in history positions):
   *
   *   score(i) = neighbourScore(i) · p / max p  +  bestUnseenScore · p / unseenReference
   *
   * so a propensity equal to `unseenReference` ranks with the best unseen item, and the similarity
   * of the item to the rest of the history counts only as far as items like it are repeated (a
   * just-purchased item that its co-purchases point at stays down).
   */
  private scoreSeen(
    scores: Float64Array,
    history: readonly number[],
    seen: ReadonlySet<number>,
    userId: string | undefined,
    recent: readonly Interaction[] | undefined,
  ): void {
    const repeat = this.state.repeat as RepeatState;
    const features = this.seenFeatures(userId, recent, repeat);
    // A flag per item instead of a Set lookup per item: this loop runs over the whole catalogue.
    const flags = (this.seenFlags ??= new Uint8Array(scores.length));
    for (const item of seen) flags[item] = 1;
    let topUnseen = 0;
    for (let j = 0; j < scores.length; j++) {
      if (flags[j] === 0 && (scores[j] as number) > topUnseen) topUnseen = scores[j] as number;
    }
    for (const item of seen) flags[item] = 0;
    const scale = (topUnseen || 1) / repeat.unseenReference;
    this.topPropensity ??=
      [...repeat.propensity, ...(repeat.cellRates ?? [])].reduce((max, p) => Math.max(max, p), 0) || 1;
    for (let position = 0; position < history.length; position++) {
      const item = history[position] as number;
      const p = this.propensityOf(repeat, features.get(item), history.length - 1 - position);
      scores[item] = ((scores[item] as number) * p) / this.topPropensity + scale * p;
    }
  }

  /** The learnt propensity of a seen item: its fine cell, else its coarse one. */
  private propensityOf(repeat: RepeatState, feature: SeenFeature | undefined, age: number): number {
    const anyType = repeat.eventTypes.length;
    const type = feature?.type ?? anyType;
    const bucket = ageBucket(age);
    if (repeat.cellKeys === undefined || repeat.cellRates === undefined) {
      // Models trained before the finer cells: one row per latest type.
      return repeat.propensity[type * AGE_BUCKETS + bucket] as number;
    }
    const tied = feature?.tied ?? false;
    if (feature !== undefined && feature.type < anyType) {
      this.cells ??= new Map(repeat.cellKeys.map((key, k) => [key, repeat.cellRates?.[k] as number]));
      const fine = this.cells.get(cellKey(feature.type, feature.mask, tied, bucket));
      if (fine !== undefined) return fine;
    }
    return repeat.propensity[coarseIndex(type, tied, bucket)] as number;
  }

  /**
   * What the user did with each seen item: the latest event type, the set of types and whether
   * its latest interaction has the user's newest timestamp (stored history, then real-time events).
   */
  private seenFeatures(
    userId: string | undefined,
    recent: readonly Interaction[] | undefined,
    repeat: RepeatState,
  ): Map<number, SeenFeature> {
    this.eventTypeIndex ??= new Map(repeat.eventTypes.map((type, index) => [type, index]));
    const anyType = repeat.eventTypes.length;
    const features = new Map<number, SeenFeature & { time: number }>();
    const stored = userId === undefined ? undefined : this.userIndex.get(userId);
    let newest = -Infinity;
    if (stored !== undefined) {
      const items = this.state.histories[stored] as number[];
      const events = repeat.historyEvents[stored] ?? [];
      const masks = repeat.historyMasks?.[stored] ?? [];
      const tiedFrom = items.length - (repeat.tiedCounts?.[stored] ?? 0);
      newest = this.state.lastSeen[stored] ?? -Infinity;
      items.forEach((item, k) => {
        const type = events[k] ?? anyType;
        features.set(item, {
          type,
          mask: masks[k] ?? typeBit(type),
          tied: false,
          time: k >= tiedFrom ? newest : -Infinity,
        });
      });
    }
    for (const event of recent ?? []) {
      const index = this.itemIndex.get(event.itemId);
      if (index === undefined) continue;
      const type = this.eventTypeIndex.get(eventTypeKey(event.eventType)) ?? anyType;
      const previous = features.get(index);
      const bit = type < anyType ? typeBit(type) : 0;
      if (previous === undefined)
        features.set(index, { type, mask: bit, tied: false, time: event.timestamp });
      else {
        previous.type = type;
        previous.mask |= bit;
        previous.time = event.timestamp;
      }
      newest = Math.max(newest, event.timestamp);
    }
    for (const feature of features.values()) feature.tied = feature.time === newest;
    return features;
  }

  /** The user's latest activity time: stored history or real-time events, whichever is newer. */
  private timeOf(userId: string | undefined, recent: readonly Interaction[] | undefined): number | undefined {
    const stored = userId === undefined ? undefined : this.userIndex.get(userId);
    let time = stored === undefined ? undefined : this.state.lastSeen[stored];
    for (const event of recent ?? [])
      time = time === undefined ? event.timestamp : Math.max(time, event.timestamp);
    return time;
  }

  /**
   * Adds `weight` × popularity just before `time`: interactions in `time`'s bucket count fully,
   * halving per bucket further back; later buckets do not count. Scaled to a maximum of 1.
   */
  private addRecentPopularity(scores: Float64Array, time: number, weight: number): void {
    const { timeline } = this.state;
    const decayed = this.decayedPopularity();
    const bucket = Math.min(timeline.size - 1, Math.floor((time - timeline.start) / timeline.width));
    if (bucket < 0) return;
    const top = decayed.top[bucket] as number;
    if (top === 0) return;
    const scale = weight / top;
    const values = decayed.values;
    for (let j = 0, k = bucket * scores.length; j < scores.length; j++, k++) {
      scores[j] = (scores[j] as number) + scale * (values[k] as number);
    }
  }

  /** Per bucket and item: interactions up to that bucket, halving per bucket back (built once). */
  private decayedPopularity(): { values: Float64Array; top: Float64Array } {
    if (this.decayed !== undefined) return this.decayed;
    const { timeline } = this.state;
    const itemCount = this.state.itemIds.length;
    // Bucket-major, so a query reads one contiguous row.
    const values = new Float64Array(itemCount * timeline.size);
    const top = new Float64Array(timeline.size);
    for (let j = 0; j < itemCount; j++) {
      for (let k = timeline.offsets[j] as number; k < (timeline.offsets[j + 1] as number); k++) {
        const index = (timeline.buckets[k] as number) * itemCount + j;
        values[index] = (values[index] as number) + (timeline.counts[k] as number);
      }
      for (let b = 0; b < timeline.size; b++) {
        const index = b * itemCount + j;
        if (b > 0) values[index] = (values[index] as number) + 0.5 * (values[index - itemCount] as number);
        top[b] = Math.max(top[b] as number, values[index] as number);
      }
    }
    this.decayed = { values, top };
    return this.decayed;
  }

  private popularityScores(): Float64Array {
    return Float64Array.from(this.state.popularity);
  }

  private scoreHistory(history: readonly number[], time: number | undefined): Float64Array {
    const { settings, neighbours, popularity, tokens } = this.state;
    const scores = this.itemBuffer(0);
    if (settings.popularityWeight > 0) {
      for (let j = 0; j < scores.length; j++)
        scores[j] = settings.popularityWeight * (popularity[j] as number);
    }
    if (settings.recentPopularityWeight > 0 && time !== undefined) {
      this.addRecentPopularity(scores, time, settings.recentPopularityWeight);
    }
    const used = history.slice(-this.historyHorizon());
    const weights = used.map((_, position) =>
      settings.recencyHalfLife > 0
        ? Math.pow(0.5, (used.length - 1 - position) / settings.recencyHalfLife)
        : 1,
    );
    const totalWeight = weights.reduce((sum, w) => sum + w, 0);
    used.forEach((item, position) => {
      const w = (weights[position] as number) / totalWeight;
      const end = neighbours.offsets[item + 1] as number;
      for (let k = neighbours.offsets[item] as number; k < end; k++) {
        const j = neighbours.items[k] as number;
        scores[j] = (scores[j] as number) + w * (neighbours.scores[k] as number);
      }
    });
    if (settings.userNeighbourWeight > 0) this.addUserNeighbourVote(scores, used, weights);
    if (settings.metadataWeight > 0 && tokens.ids.length > 0) {
      this.addMetadataAffinity(scores, used, weights, totalWeight);
    }
    return scores;
  }

  /**
   * Newest history items that can count: `maxHistoryLength` (`bptt`) when set, and with recency
   * weights no further back than `RECENCY_HORIZON` half-lives (older items weigh under 2^-50 of
   * the newest, so dropping them changes no score, only the cost of a long history).
   */
  private historyHorizon(): number {
    const { maxHistoryLength, recencyHalfLife } = this.state.settings;
    const byRecency = recencyHalfLife > 0 ? Math.ceil(recencyHalfLife * RECENCY_HORIZON) : Infinity;
    return Math.min(maxHistoryLength > 0 ? maxHistoryLength : Infinity, byRecency);
  }

  /**
   * Session-kNN: the users sharing most (recency-weighted) of the newest history items, by
   * cosine, vote for their own items; the votes are scaled to a maximum of 1.
   */
  private addUserNeighbourVote(
    scores: Float64Array,
    history: readonly number[],
    weights: readonly number[],
  ): void {
    const { histories, settings } = this.state;
    const usersOfItem = this.invertedHistories();
    const similarity = this.userScratch();
    const touched: number[] = [];
    const start = Math.max(0, history.length - USER_NEIGHBOUR_HISTORY);
    for (let position = start; position < history.length; position++) {
      const w = weights[position] as number;
      for (const user of usersOfItem[history[position] as number] as number[]) {
        if (similarity[user] === 0) touched.push(user);
        similarity[user] = (similarity[user] as number) + w;
      }
    }
    for (const user of touched) {
      similarity[user] = (similarity[user] as number) / Math.sqrt((histories[user] as number[]).length);
    }
    const neighbours = selectTop(touched, (user) => similarity[user] as number, USER_NEIGHBOURS);
    const votes = this.itemBuffer(1);
    let top = 0;
    for (const user of neighbours) {
      const score = similarity[user] as number;
      for (const item of histories[user] as number[]) {
        const vote = (votes[item] as number) + score;
        votes[item] = vote;
        if (vote > top) top = vote;
      }
    }
    for (const user of touched) similarity[user] = 0;
    if (top === 0) return;
    const scale = settings.userNeighbourWeight / top;
    for (let j = 0; j < scores.length; j++) scores[j] = (scores[j] as number) + scale * (votes[j] as number);
  }

  /**
   * A zeroed per-item buffer, reused across queries to spare the garbage collector: slot 0 holds
   * the scores of the current query, slot 1 the user-neighbour votes.
   */
  private itemBuffer(slot: 0 | 1): Float64Array {
    let buffer = this.itemBuffers[slot];
    if (buffer === undefined) {
      buffer = new Float64Array(this.state.itemIds.length);
      this.itemBuffers[slot] = buffer;
    } else {
      buffer.fill(0);
    }
    return buffer;
  }

  /** Users per item, built on first use. */
  private invertedHistories(): number[][] {
    if (this.usersOfItem === undefined) {
      const usersOfItem: number[][] = this.state.itemIds.map(() => []);
      this.state.histories.forEach((items, user) => {
        for (const item of items) (usersOfItem[item] as number[]).push(user);
      });
      this.usersOfItem = usersOfItem;
    }
    return this.usersOfItem;
  }

  /** A zeroed per-user buffer reused across queries (callers restore the zeros they touch). */
  private userScratch(): Float64Array {
    this.scratch ??= new Float64Array(this.state.userIds.length);
    return this.scratch;
  }

  /**
   * Adds `metadataWeight` × the cosine between the history's metadata profile and each cold
   * item's (no training interactions), so items nobody has touched yet reach the users whose
   * history looks like them. Items with interactions are scored by their neighbours: on MovieLens
   * the metadata term on them lowered NDCG@10 (see the ablations) and doubled the query time.
   */
  private addMetadataAffinity(
    scores: Float64Array,
    history: readonly number[],
    weights: readonly number[],
    totalWeight: number,
  ): void {
    const { tokens, settings } = this.state;
    this.tokenCount ??= tokens.ids.reduce((max, id) => Math.max(max, id + 1), 0);
    const profile = new Float64Array(this.tokenCount);
    history.forEach((item, position) => {
      const w = (weights[position] as number) / totalWeight;
      for (let k = tokens.offsets[item] as number; k < (tokens.offsets[item + 1] as number); k++) {
        const id = tokens.ids[k] as number;
        profile[id] = (profile[id] as number) + w * (tokens.weights[k] as number);
      }
    });
    let squares = 0;
    for (const value of profile) squares += value * value;
    if (squares === 0) return;
    const scale = settings.metadataWeight / Math.sqrt(squares);
    this.coldItems ??= Array.from(this.all).filter((j) => (this.state.userCounts[j] as number) === 0);
    for (const j of this.coldItems) {
      let dot = 0;
      for (let k = tokens.offsets[j] as number; k < (tokens.offsets[j + 1] as number); k++) {
        dot += (profile[tokens.ids[k] as number] as number) * (tokens.weights[k] as number);
      }
      if (dot > 0) scores[j] = (scores[j] as number) + scale * dot;
    }
  }

  private relatedTo(itemId: string, numResults: number, accept: (index: number) => boolean): ScoredItem[] {
    const item = this.itemIndex.get(itemId);
    if (item === undefined) return this.popular(numResults, accept, false);
    const { neighbours } = this.state;
    const results: ScoredItem[] = [];
    const used = new Set<number>([item]);
    const end = neighbours.offsets[item + 1] as number;
    const start = neighbours.offsets[item] as number;
    const top = (neighbours.scores[start] as number | undefined) ?? 1;
    for (let k = start; k < end && results.length < numResults; k++) {
      const j = neighbours.items[k] as number;
      if (!accept(j)) continue;
      used.add(j);
      results.push({
        itemId: this.state.itemIds[j] as string,
        score: compact((neighbours.scores[k] as number) / top),
      });
    }
    if (results.length < numResults) {
      // Back-fill with popular items, scored below every neighbour.
      const floor = results.length > 0 ? (results[results.length - 1] as ScoredItem).score : 1;
      const fill = this.popular(numResults - results.length, (i) => !used.has(i) && accept(i), false);
      for (const entry of fill) results.push({ ...entry, score: compact(entry.score * floor * 0.5) });
    }
    return results;
  }

  private popular(numResults: number, accept: (index: number) => boolean, withReason: boolean): ScoredItem[] {
    const { popularity } = this.state;
    const best = selectTop(this.all, (i) => popularity[i] as number, numResults, accept);
    const top = (popularity[best[0] ?? 0] as number | undefined) || 1;
    return best.map((i) => {
      const entry: ScoredItem = {
        itemId: this.state.itemIds[i] as string,
        score: compact((popularity[i] as number) / top),
      };
      if (withReason && this.state.settings.reasons) entry.reason = [POPULAR_ITEM];
      return entry;
    });
  }

  private toScored(best: readonly number[], scores: Float64Array): ScoredItem[] {
    const top = (scores[best[0] ?? 0] as number | undefined) || 1;
    return best.map((i) => ({
      itemId: this.state.itemIds[i] as string,
      score: compact((scores[i] as number) / top),
    }));
  }

  /**
   * Replaces a share of the result slots (each slot with probability `weight`) with exploration
   * items: items younger than the age cut-off, favouring those with few interactions. The draw is
   * deterministic for a given model seed and user.
   */
  private explore(
    personalised: ScoredItem[],
    userId: string,
    exploration: ExplorationConfig,
    now: number | undefined,
    accept: (index: number) => boolean,
  ): ScoredItem[] {
    const random = createRandom(this.state.seed ^ hashString(userId));
    const numResults = personalised.length;
    const pool = this.explorationPool(
      exploration.itemAgeCutOffDays,
      now ?? this.state.referenceTime,
      random,
      accept,
      numResults,
    );
    const results: ScoredItem[] = [];
    let regular = 0;
    let explored = 0;
    while (results.length < numResults) {
      const slotScore = personalised[regular]?.score ?? results[results.length - 1]?.score ?? 0;
      const explore = random() < exploration.weight && explored < pool.length;
      if (explore) {
        results.push({
          itemId: this.state.itemIds[pool[explored] as number] as string,
          score: slotScore,
          ...(this.state.settings.reasons ? { reason: [EXPLORATION] } : {}),
        });
        explored++;
      } else {
        const next = personalised[regular++];
        if (next === undefined) break;
        results.push(next);
      }
    }
    return results;
  }

  private explorationPool(
    cutOffDays: number,
    now: number,
    random: Random,
    accept: (index: number) => boolean,
    limit: number,
  ): number[] {
    const { itemAges, userCounts } = this.state;
    const oldest = now - cutOffDays * SECONDS_PER_DAY;
    const keyed: { index: number; key: number }[] = [];
    for (let i = 0; i < itemAges.length; i++) {
      const age = itemAges[i];
      if (age !== null && age !== undefined && age < oldest) continue;
      // Exponential race: a weighted random order favouring items with few interactions.
      const key = -Math.log(1 - random()) * (1 + (userCounts[i] as number));
      keyed.push({ index: i, key });
    }
    keyed.sort((a, b) => a.key - b.key || a.index - b.index);
    const pool: number[] = [];
    for (const { index } of keyed) {
      if (pool.length >= limit) break;
      if (accept(index)) pool.push(index);
    }
    return pool;
  }
}
