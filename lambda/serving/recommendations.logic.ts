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
import type { VariantChoice } from '../../core/experiments/serving';
import type { ServingParameter } from './parameters';
import type { RouteSolutions } from './settings';

/** A read route. */
export type CampaignRoute = (typeof CAMPAIGN_ROUTES)[number];

/** What answers a GetRecommendations call: a campaign, or a recommender of a domain dataset group. */
export type RuntimeTarget = { readonly campaignArn: string } | { readonly recommenderArn: string };

/**
 * The campaign of the solution, or the recommender, named `name`, from the serving parameter.
 * @throws NotDeployed when it is not deployed yet
 */
export function targetNamed(name: string, route: CampaignRoute, serving: ServingParameter): RuntimeTarget {
  if (Object.hasOwn(serving.campaigns, name)) return { campaignArn: serving.campaigns[name] ?? '' };
  if (Object.hasOwn(serving.recommenders, name)) return { recommenderArn: serving.recommenders[name] ?? '' };
  throw new NotDeployed(
    `route "${route}" is served by "${name}", whose campaign or recommender is not deployed yet; run the pipeline`,
  );
}

/** The solution or recommender the config names for a route. @throws NotDeployed when the route has none. */
function routeTarget(route: CampaignRoute, solutions: RouteSolutions): string {
  const name = solutions[route];
  if (name === undefined)
    throw new NotDeployed(`route "${route}" is not served: the config sets no serving.campaigns.${route}`);
  return name;
}

/** What answers a read route, a campaign or a recommender. @throws NotDeployed when it is not deployed. */
export function targetFor(
  route: CampaignRoute,
  solutions: RouteSolutions,
  serving: ServingParameter,
): RuntimeTarget {
  return targetNamed(routeTarget(route, solutions), route, serving);
}

/** The campaign serving a route (ranking has no recommenders). @throws NotDeployed when it is not deployed. */
export function campaignFor(
  route: CampaignRoute,
  solutions: RouteSolutions,
  serving: ServingParameter,
): string {
  const target = targetFor(route, solutions, serving);
  if ('campaignArn' in target) return target.campaignArn;
  throw new NotDeployed(`route "${route}" needs a campaign; "${solutions[route]}" is a recommender`);
}

/**
 * The target and request of a variant: its solution or recommender, and its filter unless the request names
 * its own. @throws NotDeployed when the variant's target is not deployed
 */
export function experimentRequest<R extends ReadOptions>(
  choice: VariantChoice,
  route: CampaignRoute,
  request: R,
  serving: ServingParameter,
): { target: RuntimeTarget; query: R } {
  const { variant } = choice;
  const target = targetNamed(variant.target, route, serving);
  const filter =
    request.filter ?? (variant.filter !== undefined ? { name: variant.filter, values: {} } : undefined);
  return { target, query: { ...request, ...(filter !== undefined ? { filter } : {}) } };
}

/** The experiment member of a response: the variant, and the attribution source its events should carry. */
export function presentChoice(choice: VariantChoice): {
  name: string;
  variant: string;
  attributionSource: string;
} {
  return {
    name: choice.experiment,
    variant: choice.variant.name,
    attributionSource: choice.attributionSource,
  };
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
  target: RuntimeTarget,
  request: ReadOptions & { readonly userId?: string; readonly itemId?: string },
  serving: ServingParameter,
): GetRecommendationsCommandInput {
  return {
    ...target,
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
