/**
 * Personalize's offline ranking metrics (GetSolutionMetrics), per user. Averages over users are
 * taken by the caller.
 */

/** |relevant ∩ top-k| / k. */
export function precisionAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  for (let position = 0; position < Math.min(k, ranked.length); position++) {
    if (relevant.has(ranked[position] as string)) hits++;
  }
  return hits / k;
}

/** 1 / rank of the first relevant item within the top k (1-based), 0 when there is none. */
export function reciprocalRankAtK(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number {
  for (let position = 0; position < Math.min(k, ranked.length); position++) {
    if (relevant.has(ranked[position] as string)) return 1 / (position + 1);
  }
  return 0;
}

/**
 * DCG / IDCG with gain 1 per relevant item and discount 1 / log(1 + position), position 1-based;
 * the ideal ranking puts min(k, |relevant|) relevant items first. 0 when nothing is relevant.
 */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  for (let position = 0; position < Math.min(k, ranked.length); position++) {
    if (relevant.has(ranked[position] as string)) dcg += 1 / Math.log2(position + 2);
  }
  let ideal = 0;
  for (let position = 0; position < Math.min(k, relevant.size); position++)
    ideal += 1 / Math.log2(position + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Distinct recommended items / catalogue size (Interactions ∪ Items). */
export function coverage(recommended: ReadonlySet<string>, catalogueSize: number): number {
  return catalogueSize === 0 ? 0 : recommended.size / catalogueSize;
}
