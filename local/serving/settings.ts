/**
 * The serving settings of a local run: the config's `serving` section, or, for a config without one (such
 * as the sample config), every route the config can serve with one local client allowed to call them all.
 * Plus the deterministic local API keys: one per client, the same on every run of the same project.
 */
import { createHash } from 'node:crypto';
import type { PipelineConfig, ServingClient, ServingSettings } from '../../core/config';
import { findRecipe, type RecipeType } from '../../core/recipes';
import { CAMPAIGN_ROUTES, type ServingRoute } from '../../core/config/serving-routes';

/** The recipe family each read route needs (as the config check requires). */
const ROUTE_RECIPE_TYPES: Readonly<Record<(typeof CAMPAIGN_ROUTES)[number], RecipeType>> = {
  recommendations: 'USER_PERSONALIZATION',
  related: 'RELATED_ITEMS',
  ranking: 'PERSONALIZED_RANKING',
  popular: 'POPULAR_ITEMS',
};

/** Name of the client a config without `serving` gets. */
export const DEFAULT_CLIENT = 'local';

/** The serving settings of a config, whether it has a `serving` section (`fromConfig`) or not. */
export interface LocalServing {
  readonly settings: ServingSettings;
  /** True when the settings come from the config; false when derived from its solutions. */
  readonly fromConfig: boolean;
}

/**
 * The config's serving settings, or: each read route served by the first solution with a campaign of the
 * route's recipe family, and one client `local` allowed every route the config can serve.
 */
export function localServing(config: PipelineConfig): LocalServing {
  if (config.serving) return { settings: config.serving, fromConfig: true };
  const campaigns: Partial<Record<(typeof CAMPAIGN_ROUTES)[number], string>> = {};
  for (const route of CAMPAIGN_ROUTES) {
    const solution = config.solutions.find(
      (s) => s.campaign !== undefined && findRecipe(s.recipe)?.recipeType === ROUTE_RECIPE_TYPES[route],
    );
    if (solution) campaigns[route] = solution.name;
  }
  const routes: ServingRoute[] = [
    ...CAMPAIGN_ROUTES.filter((route) => campaigns[route] !== undefined),
    ...(config.eventTracker.enabled ? (['events'] as const) : []),
    ...(config.datasets.items ? (['items'] as const) : []),
    ...(config.datasets.users ? (['users'] as const) : []),
  ];
  const client: ServingClient = { name: DEFAULT_CLIENT, routes, rateLimit: 50, burstLimit: 100 };
  return {
    settings: {
      campaigns,
      allowedOrigins: [],
      clients: [client],
      waf: { enabled: false, rateLimitPer5Minutes: 2000 },
      experiments: [],
    },
    fromConfig: false,
  };
}

/** The local API key of a client: the same for the same project and client on every run. */
export function localApiKey(projectName: string, client: string): string {
  return `local-${createHash('sha256').update(`personalize-pipeline/${projectName}/${client}`).digest('hex').slice(0, 32)}`;
}

/** The id API Gateway would pass for a client's key (`requestContext.identity.apiKeyId`). */
export function localApiKeyId(client: string): string {
  return `local-key-${client}`;
}
