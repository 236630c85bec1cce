import { randomUUID } from 'node:crypto';
import type { ExplorationConfig, ScoredItem } from '../engine';
import { InvalidInputException } from './errors';
import type { Serving, ServingModel } from './serving';
import { checkInteger, checkString, isRecord, PATTERNS, type RequestReader } from './validation';

/**
 * The runtime API (GetRecommendations, GetPersonalizedRanking): reads and checks the request, answers it
 * through the serving path (serving.ts) with the campaign's model, and shapes the response. Real-time
 * events recorded after the model was trained are passed to it as the user's recent interactions, so a
 * PutEvents changes that user's next recommendations without retraining.
 */

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

/** What answers a request: a campaign or a recommender, with the model it serves now. */
interface Endpoint {
  /** `Campaign` or `Recommender` (for messages). */
  readonly label: string;
  readonly arn: string;
  readonly target: ServingModel;
  readonly exploration: ExplorationConfig | undefined;
  readonly metadataEnabled: boolean;
  readonly excludeEventTypes?: readonly string[];
}

function present(
  serving: Serving,
  endpoint: Endpoint,
  items: readonly ScoredItem[],
  metadataColumns: string[] | undefined,
): Record<string, unknown>[] {
  const catalogue = metadataColumns ? serving.itemsOf(endpoint.target.itemsArn) : undefined;
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

function requireMetadata(endpoint: Endpoint, req: CommonRequest): void {
  if (req.metadataColumns && !endpoint.metadataEnabled) {
    throw new InvalidInputException(
      `${endpoint.label} ${endpoint.arn} does not have enableMetadataWithRecommendations set; metadataColumns cannot be used.`,
    );
  }
}

function campaignEndpoint(serving: Serving, campaignArn: string): Endpoint {
  const campaign = serving.campaign(campaignArn);
  return {
    label: 'Campaign',
    arn: campaign.campaign.arn,
    target: campaign.target,
    exploration: campaign.exploration,
    metadataEnabled: campaign.metadataEnabled,
  };
}

/** A recommender as an endpoint, after checking the request has the `userId` / `itemId` its use case needs. */
function recommenderEndpoint(
  serving: Serving,
  recommenderArn: string,
  userId: string | undefined,
  itemId: string | undefined,
): Endpoint {
  const recommender = serving.recommender(recommenderArn);
  const { useCase } = recommender;
  if (useCase.needsUserId && !userId)
    throw new InvalidInputException(
      `userId is required for recommenders of use case ${useCase.recipe.name}.`,
    );
  if (useCase.needsItemId && !itemId)
    throw new InvalidInputException(
      `itemId is required for recommenders of use case ${useCase.recipe.name}.`,
    );
  return {
    label: 'Recommender',
    arn: recommender.recommender.arn,
    target: recommender.target,
    exploration: recommender.exploration,
    metadataEnabled: recommender.metadataEnabled,
    excludeEventTypes: useCase.excludeEventTypes,
  };
}

/** A GetRecommendations promotion: a filter-defined share of the list. */
interface Promotion {
  readonly name: string;
  readonly percentPromotedItems: number;
  readonly filterArn: string;
  readonly filterValues: Record<string, string> | undefined;
}

/** Reads `promotions` (at most one, as the API allows) with the model's member constraints. */
function readPromotion(list: unknown[] | undefined): Promotion | undefined {
  const raw = list?.[0];
  if (raw === undefined) return undefined;
  const field = 'promotions.1';
  if (!isRecord(raw))
    throw new InvalidInputException(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be a structure`,
    );
  if (raw.filterArn === undefined || raw.filterArn === null)
    throw new InvalidInputException(`${field}.filterArn is required: the filter defines the promoted items.`);
  const filterArn = checkString(`${field}.filterArn`, raw.filterArn, { max: 256, pattern: PATTERNS.arn });
  const name =
    raw.name === undefined || raw.name === null
      ? 'promotion'
      : checkString(`${field}.name`, raw.name, { min: 1, max: 63, pattern: PATTERNS.name });
  const percentPromotedItems =
    raw.percentPromotedItems === undefined || raw.percentPromotedItems === null
      ? 100
      : checkInteger(`${field}.percentPromotedItems`, raw.percentPromotedItems, 1, 100);
  let filterValues: Record<string, string> | undefined;
  if (raw.filterValues !== undefined && raw.filterValues !== null) {
    if (!isRecord(raw.filterValues))
      throw new InvalidInputException(
        `1 validation error detected: Value at '${field}.filterValues' failed to satisfy constraint: Member must be a map`,
      );
    const entries = Object.entries(raw.filterValues);
    if (entries.length > 25)
      throw new InvalidInputException(
        `1 validation error detected: Value at '${field}.filterValues' failed to satisfy constraint: Member must have length less than or equal to 25`,
      );
    filterValues = Object.fromEntries(
      entries.map(([k, v]) => [
        checkString(`${field}.filterValues.key`, k, { min: 1, max: 50, pattern: PATTERNS.filterValueKey }),
        checkString(`${field}.filterValues.${k}`, v, { max: 1000 }),
      ]),
    );
  }
  return { name, percentPromotedItems, filterArn, filterValues };
}

/** A deterministic 32-bit hash (FNV-1a) of a request, to place promoted items. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Mixes promoted items into a list: `promoted` keep their order among themselves and take positions
 * chosen pseudo-randomly but deterministically from `seed` (the same request gets the same list); the
 * other positions keep `regular` in order, without the promoted items.
 */
export function placePromoted(
  regular: readonly ScoredItem[],
  promoted: readonly ScoredItem[],
  numResults: number,
  seed: string,
): (ScoredItem & { promoted?: true })[] {
  const promotedIds = new Set(promoted.map((item) => item.itemId));
  const rest = regular.filter((item) => !promotedIds.has(item.itemId));
  const size = Math.min(numResults, promoted.length + rest.length);
  const slots = Array.from({ length: size }, (_, k) => k);
  let state = hashOf(seed) || 1;
  for (let k = slots.length - 1; k > 0; k--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const j = state % (k + 1);
    [slots[k], slots[j]] = [slots[j] as number, slots[k] as number];
  }
  const promotedSlots = new Set(slots.slice(0, Math.min(promoted.length, size)));
  const out: (ScoredItem & { promoted?: true })[] = [];
  let p = 0;
  let r = 0;
  for (let k = 0; k < size; k++) {
    if (promotedSlots.has(k)) out.push({ ...(promoted[p++] as ScoredItem), promoted: true });
    else out.push(rest[r++] as ScoredItem);
  }
  return out;
}

/** The 8 hex digits of a campaign's or recommender's ARN that recommendation ids carry. */
export function recommendationSourceKey(arn: string): string {
  return hashOf(arn).toString(16).padStart(8, '0');
}

/**
 * A fresh recommendation id (40 characters, as events accept): `RID-`, the key of the campaign or
 * recommender that answered ({@link recommendationSourceKey}), then random digits. Events that carry it
 * are attributed to that campaign or recommender by metric attributions, as Personalize does.
 */
function newRecommendationId(sourceArn: string): string {
  return `RID-${recommendationSourceKey(sourceArn)}-${randomUUID().replace(/-/g, '').slice(0, 27)}`;
}

/** The source key of a recommendation id made by {@link newRecommendationId}, or undefined. */
export function sourceKeyOfRecommendationId(recommendationId: string): string | undefined {
  return /^RID-([0-9a-f]{8})-/.exec(recommendationId)?.[1];
}

/** GetRecommendations. */
export function getRecommendations(serving: Serving, input: RequestReader): Record<string, unknown> {
  const campaignArn = input.optionalArn('campaignArn');
  const recommenderArn = input.optionalArn('recommenderArn');
  const itemId = input.optionalString('itemId', { max: 256 });
  const common = readCommon(input);
  const numResults = input.optionalInteger('numResults', 0, common.metadataColumns ? 50 : 500) ?? 25;
  const promotions = input.optionalList('promotions', 1);
  if (campaignArn && recommenderArn)
    throw new InvalidInputException('Specify either campaignArn or recommenderArn, not both.');
  if (!campaignArn && !recommenderArn)
    throw new InvalidInputException('Specify campaignArn or recommenderArn.');
  const promotion = readPromotion(promotions);
  const endpoint = recommenderArn
    ? recommenderEndpoint(serving, recommenderArn, common.userId, itemId)
    : campaignEndpoint(serving, campaignArn as string);
  requireMetadata(endpoint, common);
  switch (endpoint.target.recipeType) {
    case 'PERSONALIZED_RANKING':
      throw new InvalidInputException(
        `Campaign ${endpoint.arn} uses a PERSONALIZED_RANKING recipe; call GetPersonalizedRanking.`,
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
  // The promotion's share of the list: at least one item for any percentage.
  const share = promotion
    ? Math.min(numResults, Math.ceil((numResults * promotion.percentPromotedItems) / 100))
    : 0;
  const exclusions = endpoint.excludeEventTypes ? { excludeEventTypes: endpoint.excludeEventTypes } : {};
  const items = serving.recommend(endpoint.target, {
    userId: common.userId,
    itemId,
    // Room for the regular items a promoted item may duplicate.
    numResults: numResults + share,
    filterArn: common.filterArn,
    filterValues: common.filterValues,
    exploration: endpoint.exploration,
    ...exclusions,
  });
  if (!promotion) {
    return {
      itemList: present(serving, endpoint, items, common.metadataColumns),
      recommendationId: newRecommendationId(endpoint.arn),
    };
  }
  // Promoted items come from the model's ranking under the promotion's filter (the request filter
  // applies to the other items); as many as exist when fewer match.
  const promoted =
    share === 0
      ? []
      : serving.recommend(endpoint.target, {
          userId: common.userId,
          itemId,
          numResults: share,
          filterArn: promotion.filterArn,
          filterValues: promotion.filterValues,
          exploration: endpoint.exploration,
          ...exclusions,
        });
  const mixed = placePromoted(
    items,
    promoted,
    numResults,
    [endpoint.arn, common.userId ?? '', itemId ?? '', promotion.name].join('\u0000'),
  );
  const presented = present(serving, endpoint, mixed, common.metadataColumns);
  mixed.forEach((item, k) => {
    if (item.promoted) (presented[k] as Record<string, unknown>).promotionName = promotion.name;
  });
  return { itemList: presented, recommendationId: newRecommendationId(endpoint.arn) };
}

/** GetPersonalizedRanking. */
export function getPersonalizedRanking(serving: Serving, input: RequestReader): Record<string, unknown> {
  const campaignArn = input.arn('campaignArn');
  const common = readCommon(input);
  const userId = input.string('userId', { max: 256 });
  const inputList = input
    .list('inputList', common.metadataColumns ? 50 : 500, 1)
    .map((v, i) => checkString(`inputList.${i + 1}`, v, { min: 1, max: 256 }));
  const campaign = campaignEndpoint(serving, campaignArn);
  requireMetadata(campaign, common);
  if (campaign.target.recipeType !== 'PERSONALIZED_RANKING') {
    throw new InvalidInputException(
      `Campaign ${campaignArn} does not use a PERSONALIZED_RANKING recipe; call GetRecommendations.`,
    );
  }
  const ranked = serving.rank(campaign.target, {
    userId,
    inputList,
    filterArn: common.filterArn,
    filterValues: common.filterValues,
  });
  return {
    personalizedRanking: present(serving, campaign, ranked, common.metadataColumns),
    recommendationId: newRecommendationId(campaign.arn),
  };
}
