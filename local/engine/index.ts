/**
 * Local recommendation engine: the recipes the Personalize emulator trains, Personalize's filter
 * expression language and its offline metrics. Pure and deterministic: no I/O, no AWS.
 *
 * @example
 * const model = train({ interactions, items, users }, { recipe: 'aws-user-personalization' });
 * const stored = JSON.stringify(serializeModel(model));
 * const restored = deserializeModel(JSON.parse(stored));
 * restored.recommend({ userId: 'u1', numResults: 10 });
 */
export type {
  ExplorationConfig,
  FieldValue,
  Interaction,
  ItemRecord,
  Model,
  OfflineMetrics,
  RankQuery,
  RecommendQuery,
  ScoredItem,
  TrainingData,
  TrainOptions,
  UserRecord,
} from './types';
export type { SerializedModel } from './model';
export { decodeModel, encodeModel, isEncodedModel } from './codec';
export { EngineError } from './errors';
export { FilterParameterError, FilterSyntaxError } from '../../core/filter-expression';
export { SUPPORTED_RECIPES, deserializeModel, serializeModel, train } from './recipes';
export { isSegmentingModel, parseItemAttributes } from './recipes/segments';
export type { ScoredUser, SegmentQuery, SegmentingModel } from './recipes/segments';
export { evaluate, evaluateRankings, splitForEvaluation, splitUserHistory, summarise } from './evaluation';
export type { EvaluationRankings, EvaluationSplit, TestUser } from './evaluation';
export { coverage, ndcgAtK, precisionAtK, reciprocalRankAtK } from './metrics';
export { compileFilter, compileUserFilter, type FilterContext, type UserFilterContext } from './filters';
export {
  MAX_FILTER_FIELDS,
  filterParameterNames,
  parseFilterExpression,
  parseFilterValues,
} from '../../core/filter-expression';
export type {
  FilterAst,
  FilterCondition,
  FilterConditionTree,
  FilterDataset,
  FilterExpression,
  FilterOperator,
  FilterValue,
} from '../../core/filter-expression';
