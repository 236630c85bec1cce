/**
 * Non-personalised models (Popularity-Count, Trending-Now): one global ranked list.
 */
import { EngineModel, MODEL_FORMAT, compact, rankInputList } from '../model';
import type { RankedListState, SerializedModel } from '../model';
import type { RankQuery, RecommendQuery, ScoredItem } from '../types';

/** A model that answers every request from the same ranked list, applying the request's filter. */
export class RankedListModel extends EngineModel {
  private readonly scoreById: Map<string, number>;

  constructor(
    recipe: string,
    private readonly state: RankedListState,
  ) {
    super(recipe);
    this.scoreById = new Map(state.itemIds.map((itemId, k) => [itemId, state.scores[k] as number]));
  }

  recommend(q: RecommendQuery): ScoredItem[] {
    const results: ScoredItem[] = [];
    const top = this.state.scores[0] ?? 1;
    for (let k = 0; k < this.state.itemIds.length && results.length < q.numResults; k++) {
      const itemId = this.state.itemIds[k] as string;
      if (q.candidateFilter !== undefined && !q.candidateFilter(itemId)) continue;
      results.push({ itemId, score: compact((this.state.scores[k] as number) / top) });
    }
    return results;
  }

  rank(q: RankQuery): ScoredItem[] {
    return rankInputList(q.inputList, (itemId) => this.scoreById.get(itemId));
  }

  serialize(): SerializedModel {
    return { format: MODEL_FORMAT, recipe: this.recipe, kind: 'ranked-list', state: this.state };
  }
}

/** Builds a ranked list from per-item scores: positive scores only, best first, ties by item id. */
export function rankedListState(scores: Map<string, number>): RankedListState {
  const entries = [...scores.entries()]
    .filter(([, score]) => score > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { itemIds: entries.map(([itemId]) => itemId), scores: entries.map(([, score]) => compact(score)) };
}
