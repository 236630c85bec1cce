/** The routes of the serving API, as client applications name them in `serving.clients[].routes`. */
export const SERVING_ROUTES = [
  'recommendations',
  'related',
  'ranking',
  'popular',
  'events',
  'items',
  'users',
] as const;

/** A route of the serving API. */
export type ServingRoute = (typeof SERVING_ROUTES)[number];

/** The read routes, each served by the campaign of one solution (`serving.campaigns.<route>`). */
export const CAMPAIGN_ROUTES = [
  'recommendations',
  'related',
  'ranking',
  'popular',
] as const satisfies readonly ServingRoute[];
