/**
 * Simple, strong recommenders the engine is measured against, under the engine's own evaluation
 * split: popularity, item-kNN (cosine), EASE (Steck 2019) with a recency-weighted history, and
 * "the user's last m items, then EASE". Bench code: exact and plain, not tuned for speed.
 *
 * EASE is solved in its dual form: with U training users and N items,
 * (XᵀX + λI)⁻¹ = (I − Xᵀ(λI + XXᵀ)⁻¹X) / λ, so only a U × U system is inverted — exact EASE over
 * the whole catalogue, cheap while users are fewer than items (MovieLens POC: ~550 × ~9,000).
 */
import type { Interaction } from '../../local/engine';

/** A baseline's answer for one held-out user (history oldest first): item ids, best first. */
export type Recommender = (history: readonly Interaction[], count: number, excludeSeen: boolean) => string[];

/** A history (oldest first, as the evaluation split gives it) as distinct items, newest last. */
export function distinctNewestLast(history: readonly Interaction[]): string[] {
  const latest = new Set<string>();
  for (const { itemId } of history) {
    latest.delete(itemId);
    latest.add(itemId);
  }
  return [...latest];
}

/** Weight of each distinct history item: 0.5^(positions from the newest / halfLife); 0 = flat. */
export function recencyWeights(items: readonly string[], halfLife: number): number[] {
  return items.map((_, i) => (halfLife > 0 ? 0.5 ** ((items.length - 1 - i) / halfLife) : 1));
}

/** The training users' distinct items as an index. */
export class TrainingMatrix {
  readonly itemIds: string[] = [];
  readonly itemIndex = new Map<string, number>();
  /** Per user: distinct item indices. */
  readonly userItems: Int32Array[];
  /** Per item: user indices. */
  readonly itemUsers: Int32Array[];
  /** Interactions per item (all events, not distinct users). */
  readonly counts: Float64Array;

  constructor(interactions: readonly Interaction[]) {
    const users = new Map<string, Set<number>>();
    const counts: number[] = [];
    for (const { userId, itemId } of interactions) {
      let item = this.itemIndex.get(itemId);
      if (item === undefined) {
        item = this.itemIds.length;
        this.itemIndex.set(itemId, item);
        this.itemIds.push(itemId);
        counts.push(0);
      }
      counts[item] = (counts[item] as number) + 1;
      let set = users.get(userId);
      if (set === undefined) users.set(userId, (set = new Set()));
      set.add(item);
    }
    this.counts = Float64Array.from(counts);
    this.userItems = [...users.values()].map((set) => Int32Array.from(set));
    const perItem: number[][] = this.itemIds.map(() => []);
    this.userItems.forEach((items, user) => items.forEach((item) => (perItem[item] as number[]).push(user)));
    this.itemUsers = perItem.map((list) => Int32Array.from(list));
  }

  /** The best `count` item indices by score, skipping `skip`. */
  top(scores: Float64Array, count: number, skip: ReadonlySet<string>): string[] {
    const order = Array.from(scores.keys())
      .filter((i) => !skip.has(this.itemIds[i] as string))
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    return order.slice(0, count).map((i) => this.itemIds[i] as string);
  }

  /** A history's known items with their recency weights. */
  weighted(history: readonly Interaction[], halfLife: number): { item: number; weight: number }[] {
    const items = distinctNewestLast(history);
    const weights = recencyWeights(items, halfLife);
    return items.flatMap((itemId, i) => {
      const item = this.itemIndex.get(itemId);
      return item === undefined ? [] : [{ item, weight: weights[i] as number }];
    });
  }
}

/** Items by number of training interactions. */
export function popularity(matrix: TrainingMatrix): Recommender {
  return (history, count, excludeSeen) =>
    matrix.top(matrix.counts, count, excludeSeen ? new Set(history.map((i) => i.itemId)) : new Set());
}

/**
 * Item-kNN: score(j) = Σ_i w_i · |U_i ∩ U_j| / (|U_i|^α |U_j|^(1−α)) over the history items i,
 * w_i the recency weight (α = 0.5 is cosine similarity).
 */
export function itemKnn(matrix: TrainingMatrix, params: { halfLife: number; alpha: number }): Recommender {
  return (history, count, excludeSeen) => {
    const scores = new Float64Array(matrix.itemIds.length);
    for (const { item, weight } of matrix.weighted(history, params.halfLife)) {
      const users = matrix.itemUsers[item] as Int32Array;
      const share = weight / Math.max(1, users.length) ** params.alpha;
      for (const user of users)
        for (const j of matrix.userItems[user] as Int32Array) scores[j] = (scores[j] as number) + share;
    }
    for (let j = 0; j < scores.length; j++) {
      scores[j] =
        (scores[j] as number) / Math.max(1, (matrix.itemUsers[j] as Int32Array).length) ** (1 - params.alpha);
    }
    return matrix.top(scores, count, excludeSeen ? new Set(history.map((i) => i.itemId)) : new Set());
  };
}

/** Inverts a symmetric positive-definite matrix (row-major, n × n) by Gauss-Jordan elimination. */
function invert(a: Float64Array, n: number): Float64Array {
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inverse[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    const pivot = a[col * n + col] as number;
    for (let k = 0; k < n; k++) {
      a[col * n + k] = (a[col * n + k] as number) / pivot;
      inverse[col * n + k] = (inverse[col * n + k] as number) / pivot;
    }
    for (let row = 0; row < n; row++) {
      const factor = a[row * n + col] as number;
      if (row === col || factor === 0) continue;
      for (let k = 0; k < n; k++) {
        a[row * n + k] = (a[row * n + k] as number) - factor * (a[col * n + k] as number);
        inverse[row * n + k] = (inverse[row * n + k] as number) - factor * (inverse[col * n + k] as number);
      }
    }
  }
  return inverse;
}

/** A trained EASE model: scores for any weighted history. */
export class Ease {
  private readonly y: Float64Array;
  private readonly diagonal: Float64Array;
  private readonly users: number;

  constructor(
    private readonly matrix: TrainingMatrix,
    private readonly lambda: number,
  ) {
    const users = (this.users = matrix.userItems.length);
    const items = matrix.itemIds.length;
    const gram = new Float64Array(users * users);
    for (const list of matrix.itemUsers) {
      for (const a of list) for (const b of list) gram[a * users + b] = (gram[a * users + b] as number) + 1;
    }
    for (let a = 0; a < users; a++) gram[a * users + a] = (gram[a * users + a] as number) + lambda;
    const m = invert(gram, users);
    // Y = M X, users × items, stored item-major: y[j * users + a].
    const y = (this.y = new Float64Array(items * users));
    matrix.itemUsers.forEach((list, j) => {
      for (const b of list) {
        for (let a = 0; a < users; a++)
          y[j * users + a] = (y[j * users + a] as number) + (m[a * users + b] as number);
      }
    });
    this.diagonal = new Float64Array(items);
    matrix.itemUsers.forEach((list, j) => {
      let dot = 0;
      for (const a of list) dot += y[j * users + a] as number;
      this.diagonal[j] = (1 - dot) / lambda;
    });
  }

  /** xB for the weighted history x (B's diagonal is zero, so history items score −x_j·0 + x_j − …). */
  scores(weighted: readonly { item: number; weight: number }[]): Float64Array {
    const { users, y, lambda } = this;
    const x = new Float64Array(this.matrix.itemIds.length);
    for (const { item, weight } of weighted) x[item] = weight;
    const z = new Float64Array(users);
    for (const { item, weight } of weighted)
      for (const a of this.matrix.itemUsers[item] as Int32Array) z[a] = (z[a] as number) + weight;
    const scores = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      let dot = 0;
      const base = j * users;
      for (let a = 0; a < users; a++) dot += (z[a] as number) * (y[base + a] as number);
      const xp = ((x[j] as number) - dot) / lambda;
      scores[j] = (x[j] as number) - xp / (this.diagonal[j] as number);
    }
    return scores;
  }
}

/** EASE over a recency-weighted history. */
export function ease(model: Ease, matrix: TrainingMatrix, params: { halfLife: number }): Recommender {
  return (history, count, excludeSeen) => {
    const scores = model.scores(matrix.weighted(history, params.halfLife));
    return matrix.top(scores, count, excludeSeen ? new Set(history.map((i) => i.itemId)) : new Set());
  };
}

/** The user's newest `m` distinct items (newest first), then `rest`'s list without them. */
export function lastItemsThen(rest: Recommender, m: number): Recommender {
  return (history, count, excludeSeen) => {
    const latest = excludeSeen ? [] : distinctNewestLast(history).reverse().slice(0, m);
    const taken = new Set(latest);
    const more = rest(history, count + latest.length, excludeSeen).filter((itemId) => !taken.has(itemId));
    return [...latest, ...more].slice(0, count);
  };
}
