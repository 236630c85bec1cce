/**
 * The read routes' logic: which campaign serves a route, which filter ARN a filter name is, the runtime
 * request built from a checked API request, and the API's answer built from Personalize's.
 */
import type {
  GetPersonalizedRankingCommandInput,
  GetRecommendationsCommandInput,
  PredictedItem,
} from '@aws-sdk/client-personalize-runtime';
import type { CAMPAIGN_ROUTES } from '../../core/config/serving-routes';
import { BadRequest, NotDeployed } from '../../core/serving/errors';
import type { FilterRequest, RankingRequest, ReadOptions } from '../../core/serving/requests';
import type { ServingParameter } from './parameters';
import type { RouteSolutions } from './settings';

/** A read route. */
export type CampaignRoute = (typeof CAMPAIGN_ROUTES)[number];

/** The campaign serving a route. @throws NotDeployed when the route has no solution or its campaign is not deployed. */
export function campaignFor(
  route: CampaignRoute,
  solutions: RouteSolutions,
  serving: ServingParameter,
): string {
  const solution = solutions[route];
  if (solution === undefined)
    throw new NotDeployed(`route "${route}" is not served: the config sets no serving.campaigns.${route}`);
  const campaignArn = Object.hasOwn(serving.campaigns, solution) ? serving.campaigns[solution] : undefined;
  if (campaignArn === undefined)
    throw new NotDeployed(
      `route "${route}" is served by solution "${solution}", whose campaign is not deployed yet; run the pipeline`,
    );
  return campaignArn;
}

/** The filter members of a runtime request. @throws BadRequest naming `filter` for a name the config does not have. */
export function filterMembers(
  filter: FilterRequest | undefined,
  serving: ServingParameter,
): { filterArn?: string; filterValues?: Record<string, string> } {
  if (filter === undefined) return {};
  const filterArn = Object.hasOwn(serving.filters, filter.name) ? serving.filters[filter.name] : undefined;
  if (filterArn === undefined) {
    const names = Object.keys(serving.filters);
    throw new BadRequest(
      `filter: unknown filter "${filter.name}"; ${names.length > 0 ? `the filters are ${names.join(', ')}` : 'the API has no filters'}`,
    );
  }
  const values = Object.keys(filter.values).length > 0 ? { filterValues: { ...filter.values } } : {};
  return { filterArn, ...values };
}

function commonMembers(request: Omit<ReadOptions, 'numResults'>, serving: ServingParameter) {
  return {
    ...filterMembers(request.filter, serving),
    ...(request.context ? { context: { ...request.context } } : {}),
    ...(request.metadataColumns ? { metadataColumns: { ITEMS: [...request.metadataColumns] } } : {}),
  };
}

/** GetRecommendations for a checked read request. */
export function recommendationsInput(
  campaignArn: string,
  request: ReadOptions & { readonly userId?: string; readonly itemId?: string },
  serving: ServingParameter,
): GetRecommendationsCommandInput {
  return {
    campaignArn,
    ...(request.userId !== undefined ? { userId: request.userId } : {}),
    ...(request.itemId !== undefined ? { itemId: request.itemId } : {}),
    ...(request.numResults !== undefined ? { numResults: request.numResults } : {}),
    ...commonMembers(request, serving),
  };
}

/** GetPersonalizedRanking for a checked ranking request. */
export function rankingInput(
  campaignArn: string,
  request: RankingRequest,
  serving: ServingParameter,
): GetPersonalizedRankingCommandInput {
  return {
    campaignArn,
    userId: request.userId,
    inputList: [...request.itemIds],
    ...commonMembers(request, serving),
  };
}

/** One recommended item as the API returns it. */
export interface ApiItem {
  readonly itemId: string;
  readonly score?: number;
  readonly metadata?: Record<string, string>;
  readonly reason?: string[];
  readonly promotionName?: string;
}

/** The API's answer: `{ recommendationId, items: [{ itemId, score, ... }] }`. */
export function presentItems(
  items: readonly PredictedItem[] | undefined,
  recommendationId: string | undefined,
): { recommendationId?: string; items: ApiItem[] } {
  return {
    ...(recommendationId !== undefined ? { recommendationId } : {}),
    items: (items ?? []).map((item) => ({
      itemId: item.itemId ?? '',
      ...(item.score !== undefined ? { score: item.score } : {}),
      ...(item.metadata ? { metadata: item.metadata } : {}),
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.promotionName !== undefined ? { promotionName: item.promotionName } : {}),
    })),
  };
}
