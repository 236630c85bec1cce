/** Top-K selection with a bounded binary heap: O(n log k) instead of sorting everything. */

/** True when a ranks below b: lower score, or equal score and larger index (ties by index). */
function worse(scoreA: number, a: number, scoreB: number, b: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && a > b);
}

/**
 * The `k` best candidates by descending score (ties: smaller index first). Candidates rejected by
 * `accept` are skipped; `accept` is only consulted for candidates that would enter the top k, so an
 * expensive filter runs rarely.
 */
export function selectTop(
  candidates: ArrayLike<number>,
  scoreOf: (index: number) => number,
  k: number,
  accept?: (index: number) => boolean,
): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  const heapScores: number[] = [];
  const swap = (x: number, y: number): void => {
    const item = heap[x] as number;
    heap[x] = heap[y] as number;
    heap[y] = item;
    const score = heapScores[x] as number;
    heapScores[x] = heapScores[y] as number;
    heapScores[y] = score;
  };
  const isWorse = (x: number, y: number): boolean =>
    worse(heapScores[x] as number, heap[x] as number, heapScores[y] as number, heap[y] as number);
  const siftUp = (start: number): void => {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!isWorse(child, parent)) break;
      swap(child, parent);
      child = parent;
    }
  };
  const siftDown = (): void => {
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < heap.length && isWorse(left, smallest)) smallest = left;
      if (right < heap.length && isWorse(right, smallest)) smallest = right;
      if (smallest === parent) return;
      swap(parent, smallest);
      parent = smallest;
    }
  };

  for (let c = 0; c < candidates.length; c++) {
    const index = candidates[c] as number;
    const score = scoreOf(index);
    if (heap.length === k && !worse(heapScores[0] as number, heap[0] as number, score, index)) continue;
    if (accept !== undefined && !accept(index)) continue;
    if (heap.length < k) {
      heap.push(index);
      heapScores.push(score);
      siftUp(heap.length - 1);
    } else {
      heap[0] = index;
      heapScores[0] = score;
      siftDown();
    }
  }
  const order = heap.map((index, position) => ({ index, score: heapScores[position] as number }));
  order.sort((a, b) => b.score - a.score || a.index - b.index);
  return order.map(({ index }) => index);
}

/** `[0, 1, ..., n-1]` as a typed array. */
export function range(n: number): Int32Array {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return indices;
}
