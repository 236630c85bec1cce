/**
 * The read routes: GET /recommendations (a user, or an anonymous shopper's session), GET
 * /items/{itemId}/related, POST /rankings and GET /popular, each answered by the campaign of the solution
 * `serving.campaigns.<route>` names (ROUTE_SOLUTIONS), or the recommender it names, found in the pipeline's
 * `<PARAMETER_PREFIX>/serving`. A route with an experiment (EXPERIMENTS) is answered by the variant of the
 * shopper instead, and the response names the variant (core/experiments/serving.ts).
 */
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
} from '@aws-sdk/client-personalize-runtime';
import {
  parsePopularQuery,
  parseRankingBody,
  parseRecommendationsQuery,
  parseRelatedQuery,
  readJsonBody,
} from '../../core/serving/requests';
import { requireEnv } from '../shared/env';
import { instrumented } from '../shared/observability';
import { runtimeClient } from './clients';
import { requestKeys, servingApi, type ServingRequest, type ServingResponse } from './http';
import { servingParameter } from './parameters';
import { chooseVariant, type Shopper } from '../../core/experiments/serving';
import { countImpressions, countRequest } from './metrics';
import {
  campaignFor,
  type CampaignRoute,
  experimentRequest,
  presentChoice,
  presentItems,
  rankingInput,
  recommendationsInput,
  targetFor,
} from './recommendations.logic';
import { parseAllowedOrigins, parseApiClients, parseExperiments, parseRouteSolutions } from './settings';

const PARAMETER_PREFIX = requireEnv('PARAMETER_PREFIX');
const ROUTE_SOLUTIONS = parseRouteSolutions(requireEnv('ROUTE_SOLUTIONS'));
const API_CLIENTS = parseApiClients(requireEnv('API_CLIENTS'));
const ALLOWED_ORIGINS = parseAllowedOrigins(requireEnv('ALLOWED_ORIGINS'));
const EXPERIMENTS = parseExperiments(requireEnv('EXPERIMENTS'));

/** A GetRecommendations route: its request is read first, so bad input is a 400 whatever is deployed. */
function recommend(
  route: CampaignRoute,
  read: (request: ServingRequest) => Parameters<typeof recommendationsInput>[1] & Shopper,
) {
  return async (request: ServingRequest): Promise<ServingResponse> => {
    const input = read(request);
    const serving = await servingParameter(PARAMETER_PREFIX);
    const choice = chooseVariant(EXPERIMENTS, route, input);
    const { target, query } =
      choice === undefined
        ? { target: targetFor(route, ROUTE_SOLUTIONS, serving), query: input }
        : experimentRequest(choice, route, input, serving);
    const output = await runtimeClient().send(
      new GetRecommendationsCommand(recommendationsInput(target, query, serving)),
    );
    const body = presentItems(output.itemList, output.recommendationId);
    if (choice !== undefined) countImpressions(choice, body.items.length);
    return {
      status: 200,
      body: choice === undefined ? body : { ...body, experiment: presentChoice(choice) },
    };
  };
}

/** This file's routes, each request counted per client. */
const api = servingApi({
  handler: 'recommendations',
  clients: API_CLIENTS,
  allowedOrigins: ALLOWED_ORIGINS,
  actions: {
    recommendations: recommend('recommendations', ({ query }) => parseRecommendationsQuery(query)),
    related: recommend('related', ({ params, query }) => parseRelatedQuery(params.itemId, query)),
    popular: recommend('popular', ({ query }) => parsePopularQuery(query)),
    ranking: async ({ body }) => {
      const input = parseRankingBody(readJsonBody(body));
      const serving = await servingParameter(PARAMETER_PREFIX);
      const campaignArn = campaignFor('ranking', ROUTE_SOLUTIONS, serving);
      const output = await runtimeClient().send(
        new GetPersonalizedRankingCommand(rankingInput(campaignArn, input, serving)),
      );
      return { status: 200, body: presentItems(output.personalizedRanking, output.recommendationId) };
    },
  },
  onRequest: countRequest,
});

/** The Lambda handler: API Gateway REST API proxy events of this file's routes. */
export const handler = instrumented(api, requestKeys);
