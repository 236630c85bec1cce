import { findRecipe, type RecipeType } from '../../core/recipes';
import {
  compileFilter,
  EngineError,
  FilterParameterError,
  parseFilterExpression,
  type ExplorationConfig,
  type FilterAst,
  type Interaction,
  type ItemRecord,
  type Model,
  type ScoredItem,
} from '../engine';
import type { EmulatorContext } from './context';
import { resolveServingVersion } from './control/campaigns';
import { requireServingRecommender, useCaseOf } from './control/recommenders';
import type { ItemExplorationConfig } from './documents';
import { InvalidInputException, ResourceNotFoundException } from './errors';
import { Status } from './lifecycle';
import { toInteraction, toItemRecord, toUserRecord } from './records';
import { groupDatasets } from './resources';
import type { ResourceOf } from './store';
import type { UseCase } from './use-cases';

/**
 * Serving: the one path from a trained solution version and the stored state to a ranked list.
 * GetRecommendations, GetPersonalizedRanking and batch inference jobs all answer through it, so the
 * same user in the same state gets the same list from each: the same model, the same items, the same
 * real-time history (events stored after the model's training, with their event types, which the repeat
 * model reads) and the same filters with their values and the user's record.
 */

/** Real-time events passed to a model per request (the newest ones). */
const MAX_RECENT = 100;
/** Interactions of the user a filter sees per request (the newest ones). */
const MAX_FILTER_HISTORY = 1000;
const RESULT_CACHE_SIZE = 20_000;

/** A trained solution version and the datasets it answers from. */
export interface ServingModel {
  readonly versionArn: string;
  /** The dataset group; filters must belong to it. */
  readonly groupArn: string;
  readonly recipeType: RecipeType | undefined;
  readonly model: Model;
  readonly interactionsArn: string | undefined;
  readonly itemsArn: string | undefined;
  readonly usersArn: string | undefined;
  /** Interactions stored after this row id arrived after training: they are the real-time history. */
  readonly watermark: number;
}

/** An ACTIVE campaign: the model it serves and its configuration. */
export interface ServingCampaign {
  readonly campaign: ResourceOf<'campaign'>;
  readonly target: ServingModel;
  readonly exploration: ExplorationConfig | undefined;
  readonly metadataEnabled: boolean;
}

/** An ACTIVE recommender: the model it serves now, its use case and its configuration. */
export interface ServingRecommender {
  readonly recommender: ResourceOf<'recommender'>;
  readonly useCase: UseCase;
  readonly target: ServingModel;
  readonly exploration: ExplorationConfig | undefined;
  readonly metadataEnabled: boolean;
}

/** The filter of a request. */
export interface FilterRequest {
  readonly filterArn?: string;
  /** Parameter name (without `$`) → quoted value list, as the APIs take them. */
  readonly filterValues?: Readonly<Record<string, string>>;
}

/** What to recommend: for a user (USER_PERSONALIZATION, POPULAR_ITEMS) or an item (RELATED_ITEMS). */
export interface RecommendRequest extends FilterRequest {
  readonly userId?: string;
  readonly itemId?: string;
  readonly numResults: number;
  readonly exploration?: ExplorationConfig;
  /**
   * Leaves out the items the user interacted with through these event types (exact spelling): the
   * automatic filters of domain use cases ("items the user purchased", "videos the user watched").
   */
  readonly excludeEventTypes?: readonly string[];
}

/** What to rank (PERSONALIZED_RANKING). */
export interface RankRequest extends FilterRequest {
  readonly userId: string;
  readonly inputList: readonly string[];
}

/** The engine's exploration settings from an `itemExplorationConfig` (Personalize's defaults for missing keys). */
export function explorationOf(config: ItemExplorationConfig | undefined): ExplorationConfig | undefined {
  if (!config) return undefined;
  return {
    weight: Number(config.explorationWeight ?? '0.3'),
    itemAgeCutOffDays: Number(config.explorationItemAgeCutOff ?? '30'),
  };
}

/**
 * Memo of recommendation lists. The engine's models are deterministic functions of the request and of
 * the stored state, so a list can be reused as long as nothing it depends on changed: the key holds the
 * store's resource generation, the item/user record version and the number of events streamed for the
 * user. Bounded, least recently used entries go first.
 */
class ResultCache {
  private readonly entries = new Map<string, ScoredItem[]>();

  get(key: string): ScoredItem[] | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: ScoredItem[]): void {
    this.entries.set(key, value);
    if (this.entries.size > RESULT_CACHE_SIZE) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The serving path of one emulator instance, with caches invalidated by the store's counters. */
export class Serving {
  private generation = -1;
  private readonly models = new Map<string, ServingModel>();
  private readonly campaigns = new Map<string, ServingCampaign>();
  private readonly recommenders = new Map<string, ServingRecommender>();
  private readonly filters = new Map<string, FilterAst>();
  private readonly items = new Map<string, { version: number; map: Map<string, ItemRecord> }>();
  private readonly results = new ResultCache();

  constructor(private readonly ctx: EmulatorContext) {}

  private sync(): void {
    if (this.generation !== this.ctx.store.generation) {
      this.generation = this.ctx.store.generation;
      this.models.clear();
      this.campaigns.clear();
      this.recommenders.clear();
      this.filters.clear();
      this.results.clear();
    }
  }

  /** The model of a solution version and the datasets around it; throws when the model is missing. */
  modelOf(version: ResourceOf<'solutionVersion'>): ServingModel {
    return this.servingModel(
      version.arn,
      version.doc.datasetGroupArn,
      findRecipe(version.doc.recipeArn)?.recipeType,
      version.doc._interactionWatermark ?? 0,
      'solution version',
    );
  }

  /** A stored model (by the key it is stored under) with the datasets of its dataset group. */
  private servingModel(
    modelArn: string,
    groupArn: string,
    recipeType: RecipeType | undefined,
    watermark: number,
    label: string,
  ): ServingModel {
    this.sync();
    const cached = this.models.get(modelArn);
    if (cached) return cached;
    const model = this.ctx.models.get(modelArn);
    if (!model) throw new ResourceNotFoundException(`The model of ${label} ${modelArn} is missing.`);
    const datasets = groupDatasets(this.ctx, groupArn);
    const target: ServingModel = {
      versionArn: modelArn,
      groupArn,
      recipeType,
      model,
      interactionsArn: datasets.get('INTERACTIONS')?.arn,
      itemsArn: datasets.get('ITEMS')?.arn,
      usersArn: datasets.get('USERS')?.arn,
      watermark,
    };
    this.models.set(modelArn, target);
    return target;
  }

  /** An ACTIVE recommender with the model it serves now (the newest ACTIVE update's, else its own). */
  recommender(recommenderArn: string): ServingRecommender {
    this.sync();
    const cached = this.recommenders.get(recommenderArn);
    if (cached) return cached;
    const recommender = requireServingRecommender(this.ctx, recommenderArn);
    const useCase = useCaseOf(recommender);
    const config = recommender.doc.recommenderConfig;
    const serving: ServingRecommender = {
      recommender,
      useCase,
      target: this.servingModel(
        recommender.doc._modelArn ?? recommender.arn,
        recommender.doc.datasetGroupArn,
        useCase.recipeType,
        recommender.doc._interactionWatermark ?? 0,
        'recommender',
      ),
      exploration: explorationOf(config.itemExplorationConfig),
      metadataEnabled: config.enableMetadataWithRecommendations === true,
    };
    this.recommenders.set(recommenderArn, serving);
    return serving;
  }

  /** An ACTIVE campaign with the solution version it serves now. */
  campaign(campaignArn: string): ServingCampaign {
    this.sync();
    const cached = this.campaigns.get(campaignArn);
    if (cached) return cached;
    const campaign = this.ctx.store.getResource(campaignArn, 'campaign');
    if (!campaign) throw new ResourceNotFoundException(`Campaign ${campaignArn} does not exist.`);
    if (campaign.status !== Status.ACTIVE)
      throw new ResourceNotFoundException(
        `Campaign ${campaignArn} is not ACTIVE (status: ${campaign.status}).`,
      );
    const config = campaign.doc.campaignConfig;
    const serving: ServingCampaign = {
      campaign,
      target: this.modelOf(resolveServingVersion(this.ctx, campaign.doc.solutionVersionArn)),
      exploration: explorationOf(config?.itemExplorationConfig),
      metadataEnabled: config?.enableMetadataWithRecommendations === true,
    };
    this.campaigns.set(campaignArn, serving);
    return serving;
  }

  /** The parsed expression of an ACTIVE filter of the dataset group `groupArn`. */
  filter(filterArn: string, groupArn: string): FilterAst {
    this.sync();
    const cached = this.filters.get(filterArn);
    if (cached) return cached;
    const filter = this.ctx.store.getResource(filterArn, 'filter');
    if (!filter) throw new ResourceNotFoundException(`Filter ${filterArn} does not exist.`);
    if (filter.status !== Status.ACTIVE)
      throw new InvalidInputException(`Filter ${filterArn} is not ACTIVE (status: ${filter.status}).`);
    if (filter.doc.datasetGroupArn !== groupArn)
      throw new InvalidInputException(
        `Filter ${filterArn} belongs to another dataset group than the campaign.`,
      );
    const ast = parseFilterExpression(filter.doc.filterExpression);
    this.filters.set(filterArn, ast);
    return ast;
  }

  /** The items dataset as a map (reloaded when item or user records change). */
  itemsOf(itemsArn: string | undefined): Map<string, ItemRecord> {
    if (!itemsArn) return new Map();
    const version = this.ctx.store.entityVersion;
    const cached = this.items.get(itemsArn);
    if (cached && cached.version === version) return cached.map;
    const map = new Map(this.ctx.store.entities(itemsArn).map((e) => [e.id, toItemRecord(e)]));
    this.items.set(itemsArn, { version, map });
    return map;
  }

  /** GetRecommendations and batch inference of USER_PERSONALIZATION, POPULAR_ITEMS and RELATED_ITEMS. */
  recommend(target: ServingModel, req: RecommendRequest): ScoredItem[] {
    this.sync();
    const related = target.recipeType === 'RELATED_ITEMS';
    const personalized = target.recipeType === 'USER_PERSONALIZATION';
    const key = this.ctx.cacheResults ? this.resultKey(target, req) : undefined;
    const cached = key !== undefined ? this.results.get(key) : undefined;
    if (cached) return cached;
    const filter = this.withExclusions(this.candidateFilter(target, req.userId, req), target, req);
    const items = target.model.recommend({
      ...(req.userId !== undefined && !related ? { userId: req.userId } : {}),
      ...(req.itemId !== undefined && related ? { itemId: req.itemId } : {}),
      numResults: req.numResults,
      ...(personalized ? { recentInteractions: this.recentOf(target, req.userId) } : {}),
      ...(filter ? { candidateFilter: filter } : {}),
      ...(personalized && req.exploration ? { exploration: req.exploration } : {}),
    });
    if (key !== undefined) this.results.set(key, items);
    return items;
  }

  /** GetPersonalizedRanking and batch inference of PERSONALIZED_RANKING. */
  rank(target: ServingModel, req: RankRequest): ScoredItem[] {
    const filter = this.candidateFilter(target, req.userId, req);
    return target.model.rank({
      userId: req.userId,
      inputList: filter ? req.inputList.filter(filter) : [...req.inputList],
      recentInteractions: this.recentOf(target, req.userId),
    });
  }

  private resultKey(target: ServingModel, req: RecommendRequest): string {
    return [
      this.ctx.store.generation,
      this.ctx.store.entityVersion,
      target.versionArn,
      req.userId ?? '',
      req.itemId ?? '',
      req.numResults,
      req.filterArn ?? '',
      req.filterValues ? JSON.stringify(req.filterValues) : '',
      req.exploration ? JSON.stringify(req.exploration) : '',
      req.excludeEventTypes?.join('\u0001') ?? '',
      req.userId && target.interactionsArn
        ? this.ctx.store.streamedCount(target.interactionsArn, req.userId)
        : 0,
    ].join('\u0000');
  }

  /** Adds a use case's automatic filter (items the user interacted with by the given event types) to a filter. */
  private withExclusions(
    filter: ((itemId: string) => boolean) | undefined,
    target: ServingModel,
    req: RecommendRequest,
  ): ((itemId: string) => boolean) | undefined {
    const types = req.excludeEventTypes;
    if (!types || types.length === 0 || !req.userId || !target.interactionsArn) return filter;
    const excluded = new Set(
      this.ctx.store
        .userInteractions(target.interactionsArn, req.userId, MAX_FILTER_HISTORY, 0)
        .filter((r) => r.eventType !== undefined && types.includes(r.eventType))
        .map((r) => r.itemId),
    );
    if (excluded.size === 0) return filter;
    return (itemId) => !excluded.has(itemId) && (filter ? filter(itemId) : true);
  }

  /** Events of a user or session stored after the model's training, oldest first. */
  private recentOf(target: ServingModel, userId: string | undefined): Interaction[] {
    if (!userId || !target.interactionsArn) return [];
    return this.ctx.store
      .streamedInteractions(target.interactionsArn, userId, MAX_RECENT, target.watermark)
      .map((r) => ({ ...toInteraction(r), userId }));
  }

  /** The request's filter compiled for the user: their interactions and record, the filter values. */
  private candidateFilter(
    target: ServingModel,
    userId: string | undefined,
    req: FilterRequest,
  ): ((itemId: string) => boolean) | undefined {
    if (!req.filterArn) return undefined;
    const ast = this.filter(req.filterArn, target.groupArn);
    const userInteractions =
      userId && target.interactionsArn
        ? this.ctx.store
            .userInteractions(target.interactionsArn, userId, MAX_FILTER_HISTORY, 0)
            .map(toInteraction)
        : [];
    const user = userId && target.usersArn ? this.ctx.store.entity(target.usersArn, userId) : undefined;
    try {
      return compileFilter(ast, {
        items: this.itemsOf(target.itemsArn),
        userInteractions,
        ...(user ? { user: toUserRecord(user) } : {}),
        values: { ...req.filterValues },
      });
    } catch (error) {
      if (error instanceof FilterParameterError || error instanceof EngineError)
        throw new InvalidInputException(error.message);
      throw error;
    }
  }
}
