import { randomUUID } from 'node:crypto';
import { findRecipe, type RecipeType } from '../../core/recipes';
import {
  EngineError,
  FilterParameterError,
  type ExplorationConfig,
  type Interaction,
  type ItemRecord,
  type Model,
  type ScoredItem,
} from '../engine';
import { compileFilter, parseFilterExpression, type FilterAst } from '../engine';
import type { EmulatorContext } from './context';
import type { CampaignConfig } from './documents';
import { resolveServingVersion } from './control/campaigns';
import { InvalidInputException, ResourceNotFoundException, UnsupportedOperationException } from './errors';
import { Status } from './lifecycle';
import { groupDatasets } from './resources';
import type { ResourceOf } from './store';
import { checkString, PATTERNS, type RequestReader } from './validation';

/**
 * The runtime API (GetRecommendations, GetPersonalizedRanking) answered from the campaign's model.
 * Real-time events recorded after the model was trained are passed to it as the user's recent
 * interactions, so a PutEvents changes that user's next recommendations without retraining.
 */

/** Everything needed to serve one campaign; rebuilt whenever a resource changes. */
interface Serving {
  readonly campaign: ResourceOf<'campaign'>;
  readonly versionArn: string;
  readonly recipeType: RecipeType | undefined;
  readonly model: Model;
  readonly interactionsArn: string | undefined;
  readonly itemsArn: string | undefined;
  readonly usersArn: string | undefined;
  readonly watermark: number;
  readonly exploration: ExplorationConfig | undefined;
  readonly metadataEnabled: boolean;
}

const MAX_RECENT = 100;
const RESULT_CACHE_SIZE = 20_000;

/**
 * Memo of GetRecommendations results. The engine's models are deterministic functions of the request
 * and of the stored state, so a result can be reused as long as nothing it depends on changed: the key
 * holds the store's resource generation, the item/user record version and the number of events
 * streamed for the user. Bounded, least recently used entries go first.
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

function explorationOf(config: CampaignConfig | undefined): ExplorationConfig | undefined {
  const exploration = config?.itemExplorationConfig;
  if (!exploration) return undefined;
  return {
    weight: Number(exploration.explorationWeight ?? '0.3'),
    itemAgeCutOffDays: Number(exploration.explorationItemAgeCutOff ?? '30'),
  };
}

/** Per-instance caches for the runtime path, invalidated by the store's generation counter. */
export class RuntimeCache {
  private generation = -1;
  private readonly serving = new Map<string, Serving>();
  private readonly filters = new Map<string, FilterAst>();
  private readonly items = new Map<string, { version: number; map: Map<string, ItemRecord> }>();
  /** Memoized GetRecommendations results. */
  readonly results = new ResultCache();

  constructor(private readonly ctx: EmulatorContext) {}

  private sync(): void {
    if (this.generation !== this.ctx.store.generation) {
      this.generation = this.ctx.store.generation;
      this.serving.clear();
      this.filters.clear();
      this.results.clear();
    }
  }

  /** The serving setup of an ACTIVE campaign. */
  servingFor(campaignArn: string): Serving {
    this.sync();
    const cached = this.serving.get(campaignArn);
    if (cached) return cached;
    const campaign = this.ctx.store.getResource(campaignArn, 'campaign');
    if (!campaign) throw new ResourceNotFoundException(`Campaign ${campaignArn} does not exist.`);
    if (campaign.status !== Status.ACTIVE)
      throw new ResourceNotFoundException(
        `Campaign ${campaignArn} is not ACTIVE (status: ${campaign.status}).`,
      );
    const version = resolveServingVersion(this.ctx, campaign.doc.solutionVersionArn);
    const model = this.ctx.models.get(version.arn);
    if (!model)
      throw new ResourceNotFoundException(`The model of solution version ${version.arn} is missing.`);
    const datasets = groupDatasets(this.ctx, version.doc.datasetGroupArn);
    const config = campaign.doc.campaignConfig;
    const serving: Serving = {
      campaign,
      versionArn: version.arn,
      recipeType: findRecipe(version.doc.recipeArn)?.recipeType,
      model,
      interactionsArn: datasets.get('INTERACTIONS')?.arn,
      itemsArn: datasets.get('ITEMS')?.arn,
      usersArn: datasets.get('USERS')?.arn,
      watermark: version.doc._interactionWatermark ?? 0,
      exploration: explorationOf(campaign.doc.campaignConfig),
      metadataEnabled: config?.enableMetadataWithRecommendations === true,
    };
    this.serving.set(campaignArn, serving);
    return serving;
  }

  /** The parsed expression of an ACTIVE filter. */
  filterFor(filterArn: string, groupArn: string | null): FilterAst {
    this.sync();
    const cached = this.filters.get(filterArn);
    if (cached) return cached;
    const filter = this.ctx.store.getResource(filterArn, 'filter');
    if (!filter) throw new ResourceNotFoundException(`Filter ${filterArn} does not exist.`);
    if (filter.status !== Status.ACTIVE)
      throw new InvalidInputException(`Filter ${filterArn} is not ACTIVE (status: ${filter.status}).`);
    if (filter.groupArn !== groupArn)
      throw new InvalidInputException(
        `Filter ${filterArn} belongs to another dataset group than the campaign.`,
      );
    const ast = parseFilterExpression(filter.doc.filterExpression);
    this.filters.set(filterArn, ast);
    return ast;
  }

  /** The items dataset as a map (reloaded when its record count changes or a resource changes). */
  itemsOf(itemsArn: string | undefined): Map<string, ItemRecord> {
    if (!itemsArn) return new Map();
    this.sync();
    const version = this.ctx.store.entityVersion;
    const cached = this.items.get(itemsArn);
    if (cached && cached.version === version) return cached.map;
    const map = new Map<string, ItemRecord>();
    for (const e of this.ctx.store.entities(itemsArn)) {
      const fields: ItemRecord['fields'] = {};
      for (const [k, v] of Object.entries(e.fields))
        fields[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
      const created = e.fields.CREATION_TIMESTAMP;
      map.set(e.id, {
        itemId: e.id,
        ...(typeof created === 'number' ? { creationTimestamp: created } : {}),
        fields,
      });
    }
    this.items.set(itemsArn, { version, map });
    return map;
  }
}

/** Request members shared by both runtime operations. */
interface CommonRequest {
  readonly userId: string | undefined;
  readonly filterArn: string | undefined;
  readonly filterValues: Record<string, string> | undefined;
  readonly metadataColumns: string[] | undefined;
}

function readCommon(input: RequestReader): CommonRequest {
  const userId = input.optionalString('userId', { max: 256 });
  input.optionalStringMap('context', {
    maxEntries: 150,
    key: { min: 1, max: 150, pattern: PATTERNS.contextKey },
    value: { max: 1000 },
  });
  const filterArn = input.optionalArn('filterArn');
  const filterValues = input.optionalStringMap('filterValues', {
    maxEntries: 25,
    key: { min: 1, max: 50, pattern: PATTERNS.filterValueKey },
    value: { max: 1000 },
  });
  const metadata = input.optionalObject('metadataColumns');
  let metadataColumns: string[] | undefined;
  if (metadata) {
    const keys = Object.keys(metadata);
    if (keys.length > 1 || (keys[0] !== undefined && keys[0] !== 'ITEMS'))
      throw new InvalidInputException('metadataColumns accepts only the key ITEMS.');
    const columns = metadata.ITEMS;
    if (!Array.isArray(columns) || columns.length > 99)
      throw new InvalidInputException('metadataColumns.ITEMS must be a list of at most 99 column names.');
    metadataColumns = columns.map((c, i) => checkString(`metadataColumns.ITEMS.${i + 1}`, c, { max: 150 }));
  }
  return { userId, filterArn, filterValues, metadataColumns };
}

function recentFor(ctx: EmulatorContext, serving: Serving, userId: string | undefined): Interaction[] {
  if (!userId || !serving.interactionsArn) return [];
  return ctx.store
    .streamedInteractions(serving.interactionsArn, userId, MAX_RECENT, serving.watermark)
    .map((r) => ({
      userId,
      itemId: r.itemId,
      timestamp: r.timestamp,
      ...(r.eventType !== undefined ? { eventType: r.eventType } : {}),
      ...(r.eventValue !== undefined ? { eventValue: r.eventValue } : {}),
    }));
}

function candidateFilter(
  ctx: EmulatorContext,
  cache: RuntimeCache,
  serving: Serving,
  req: CommonRequest,
): ((itemId: string) => boolean) | undefined {
  if (!req.filterArn) return undefined;
  const ast = cache.filterFor(req.filterArn, serving.campaign.groupArn);
  const userInteractions: Interaction[] =
    req.userId && serving.interactionsArn
      ? ctx.store.userInteractions(serving.interactionsArn, req.userId, 1000, 0).map((r) => ({
          userId: r.userId,
          itemId: r.itemId,
          timestamp: r.timestamp,
          ...(r.eventType !== undefined ? { eventType: r.eventType } : {}),
        }))
      : [];
  const userRecord =
    req.userId && serving.usersArn ? ctx.store.entity(serving.usersArn, req.userId) : undefined;
  try {
    return compileFilter(ast, {
      items: cache.itemsOf(serving.itemsArn),
      userInteractions,
      ...(userRecord
        ? {
            user: {
              userId: userRecord.id,
              fields: userRecord.fields as Record<string, string | number | boolean | null>,
            },
          }
        : {}),
      values: req.filterValues ?? {},
    });
  } catch (error) {
    if (error instanceof FilterParameterError || error instanceof EngineError)
      throw new InvalidInputException(error.message);
    throw error;
  }
}

function present(
  cache: RuntimeCache,
  serving: Serving,
  items: readonly ScoredItem[],
  metadataColumns: string[] | undefined,
): Record<string, unknown>[] {
  const catalogue = metadataColumns ? cache.itemsOf(serving.itemsArn) : undefined;
  return items.map((item) => {
    const out: Record<string, unknown> = { itemId: item.itemId, score: item.score };
    if (item.reason && item.reason.length > 0) out.reason = item.reason;
    if (catalogue && metadataColumns) {
      const fields = catalogue.get(item.itemId)?.fields ?? {};
      const metadata: Record<string, string> = {};
      for (const column of metadataColumns) {
        const value = fields[column.toUpperCase()] ?? fields[column];
        if (value !== undefined && value !== null) metadata[column.toLowerCase()] = String(value);
      }
      out.metadata = metadata;
    }
    return out;
  });
}

function requireMetadata(serving: Serving, req: CommonRequest): void {
  if (req.metadataColumns && !serving.metadataEnabled) {
    throw new InvalidInputException(
      `Campaign ${serving.campaign.arn} does not have enableMetadataWithRecommendations set; metadataColumns cannot be used.`,
    );
  }
}

/** A fresh recommendation id (at most 40 characters, as events accept). */
export function newRecommendationId(): string {
  return `RID-${randomUUID().slice(0, 32)}`;
}

/** GetRecommendations. */
export function getRecommendations(
  ctx: EmulatorContext,
  cache: RuntimeCache,
  input: RequestReader,
): Record<string, unknown> {
  const campaignArn = input.optionalArn('campaignArn');
  const recommenderArn = input.optionalArn('recommenderArn');
  const itemId = input.optionalString('itemId', { max: 256 });
  const common = readCommon(input);
  const numResults = input.optionalInteger('numResults', 0, common.metadataColumns ? 50 : 500) ?? 25;
  const promotions = input.optionalList('promotions', 1);
  if (campaignArn && recommenderArn)
    throw new InvalidInputException('Specify either campaignArn or recommenderArn, not both.');
  if (recommenderArn)
    throw new UnsupportedOperationException(
      'Recommenders are not supported by the emulator; use a campaignArn.',
    );
  if (!campaignArn) throw new InvalidInputException('campaignArn is required.');
  if (promotions && promotions.length > 0)
    throw new UnsupportedOperationException('promotions are not supported by the emulator.');
  const serving = cache.servingFor(campaignArn);
  requireMetadata(serving, common);
  switch (serving.recipeType) {
    case 'PERSONALIZED_RANKING':
      throw new InvalidInputException(
        `Campaign ${campaignArn} uses a PERSONALIZED_RANKING recipe; call GetPersonalizedRanking.`,
      );
    case 'USER_PERSONALIZATION':
      if (!common.userId)
        throw new InvalidInputException('userId is required for campaigns of USER_PERSONALIZATION recipes.');
      break;
    case 'RELATED_ITEMS':
      if (!itemId)
        throw new InvalidInputException('itemId is required for campaigns of RELATED_ITEMS recipes.');
      break;
    default:
      break;
  }
  const usePersonalization = serving.recipeType === 'USER_PERSONALIZATION';
  const userKey = common.userId ?? '';
  const key = [
    ctx.store.generation,
    ctx.store.entityVersion,
    campaignArn,
    userKey,
    itemId ?? '',
    numResults,
    common.filterArn ?? '',
    common.filterValues ? JSON.stringify(common.filterValues) : '',
    common.userId && serving.interactionsArn
      ? ctx.store.streamedCount(serving.interactionsArn, common.userId)
      : 0,
  ].join('\u0000');
  const cached = ctx.cacheResults ? cache.results.get(key) : undefined;
  if (cached)
    return {
      itemList: present(cache, serving, cached, common.metadataColumns),
      recommendationId: newRecommendationId(),
    };
  const filter = candidateFilter(ctx, cache, serving, common);
  const items = serving.model.recommend({
    ...(common.userId !== undefined && serving.recipeType !== 'RELATED_ITEMS'
      ? { userId: common.userId }
      : {}),
    ...(itemId !== undefined && serving.recipeType === 'RELATED_ITEMS' ? { itemId } : {}),
    numResults,
    ...(usePersonalization ? { recentInteractions: recentFor(ctx, serving, common.userId) } : {}),
    ...(filter ? { candidateFilter: filter } : {}),
    ...(usePersonalization && serving.exploration ? { exploration: serving.exploration } : {}),
  });
  if (ctx.cacheResults) cache.results.set(key, items);
  return {
    itemList: present(cache, serving, items, common.metadataColumns),
    recommendationId: newRecommendationId(),
  };
}

/** GetPersonalizedRanking. */
export function getPersonalizedRanking(
  ctx: EmulatorContext,
  cache: RuntimeCache,
  input: RequestReader,
): Record<string, unknown> {
  const campaignArn = input.arn('campaignArn');
  const common = readCommon(input);
  const userId = input.string('userId', { max: 256 });
  const inputList = input
    .list('inputList', common.metadataColumns ? 50 : 500, 1)
    .map((v, i) => checkString(`inputList.${i + 1}`, v, { min: 1, max: 256 }));
  const serving = cache.servingFor(campaignArn);
  requireMetadata(serving, common);
  if (serving.recipeType !== 'PERSONALIZED_RANKING') {
    throw new InvalidInputException(
      `Campaign ${campaignArn} does not use a PERSONALIZED_RANKING recipe; call GetRecommendations.`,
    );
  }
  const filter = candidateFilter(ctx, cache, serving, common);
  const candidates = filter ? inputList.filter(filter) : inputList;
  const ranked = serving.model.rank({
    userId,
    inputList: candidates,
    recentInteractions: recentFor(ctx, serving, userId),
  });
  return {
    personalizedRanking: present(cache, serving, ranked, common.metadataColumns),
    recommendationId: newRecommendationId(),
  };
}
