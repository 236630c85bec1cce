import { randomUUID } from 'node:crypto';
import type { ScoredItem } from '../engine';
import { InvalidInputException, UnsupportedOperationException } from './errors';
import type { Serving, ServingCampaign } from './serving';
import { checkString, PATTERNS, type RequestReader } from './validation';

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

function present(
  serving: Serving,
  campaign: ServingCampaign,
  items: readonly ScoredItem[],
  metadataColumns: string[] | undefined,
): Record<string, unknown>[] {
  const catalogue = metadataColumns ? serving.itemsOf(campaign.target.itemsArn) : undefined;
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

function requireMetadata(campaign: ServingCampaign, req: CommonRequest): void {
  if (req.metadataColumns && !campaign.metadataEnabled) {
    throw new InvalidInputException(
      `Campaign ${campaign.campaign.arn} does not have enableMetadataWithRecommendations set; metadataColumns cannot be used.`,
    );
  }
}

/** A fresh recommendation id (at most 40 characters, as events accept). */
function newRecommendationId(): string {
  return `RID-${randomUUID().slice(0, 32)}`;
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
  if (recommenderArn)
    throw new UnsupportedOperationException(
      'Recommenders are not supported by the emulator; use a campaignArn.',
    );
  if (!campaignArn) throw new InvalidInputException('campaignArn is required.');
  if (promotions && promotions.length > 0)
    throw new UnsupportedOperationException('promotions are not supported by the emulator.');
  const campaign = serving.campaign(campaignArn);
  requireMetadata(campaign, common);
  switch (campaign.target.recipeType) {
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
  const items = serving.recommend(campaign.target, {
    userId: common.userId,
    itemId,
    numResults,
    filterArn: common.filterArn,
    filterValues: common.filterValues,
    exploration: campaign.exploration,
  });
  return {
    itemList: present(serving, campaign, items, common.metadataColumns),
    recommendationId: newRecommendationId(),
  };
}

/** GetPersonalizedRanking. */
export function getPersonalizedRanking(serving: Serving, input: RequestReader): Record<string, unknown> {
  const campaignArn = input.arn('campaignArn');
  const common = readCommon(input);
  const userId = input.string('userId', { max: 256 });
  const inputList = input
    .list('inputList', common.metadataColumns ? 50 : 500, 1)
    .map((v, i) => checkString(`inputList.${i + 1}`, v, { min: 1, max: 256 }));
  const campaign = serving.campaign(campaignArn);
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
    recommendationId: newRecommendationId(),
  };
}
