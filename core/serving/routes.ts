/**
 * The serving API's routes: the path and method of each route a client application may call (the names of
 * `serving.clients[].routes`), which handler serves it, and how a request path is matched to one.
 *
 * The API Gateway resources of the ServingStack, the Powertools routers of the handlers and the local
 * server's dispatch are all built from {@link SERVING_API}, so the three never disagree.
 */
import type { ServingRoute } from '../config/serving-routes';

/** The HTTP methods the API serves. */
export type ServingMethod = 'GET' | 'POST' | 'PUT';

/** The API handlers (lambda/serving/<name>.ts), each serving some routes. */
export type ApiHandlerName = 'recommendations' | 'events' | 'catalog';

/** One route of the API. */
export interface RouteSpec {
  /** The route's name, as clients' `routes` list it. */
  readonly route: ServingRoute;
  readonly method: ServingMethod;
  /** The path in the router's syntax, e.g. `/items/:itemId/related`. */
  readonly path: `/${string}`;
  /** The same path as an API Gateway resource path, e.g. `/items/{itemId}/related`. */
  readonly resourcePath: string;
  /** The handler serving it. */
  readonly handler: ApiHandlerName;
  /** What the route does, for documentation. */
  readonly description: string;
}

/** Every route of the serving API. */
export const SERVING_API: readonly RouteSpec[] = [
  {
    route: 'recommendations',
    method: 'GET',
    path: '/recommendations',
    resourcePath: '/recommendations',
    handler: 'recommendations',
    description: 'Items for a user (userId) or an anonymous shopper (sessionId).',
  },
  {
    route: 'related',
    method: 'GET',
    path: '/items/:itemId/related',
    resourcePath: '/items/{itemId}/related',
    handler: 'recommendations',
    description: 'Items related to an item.',
  },
  {
    route: 'ranking',
    method: 'POST',
    path: '/rankings',
    resourcePath: '/rankings',
    handler: 'recommendations',
    description: 'The given items, ranked for a user.',
  },
  {
    route: 'popular',
    method: 'GET',
    path: '/popular',
    resourcePath: '/popular',
    handler: 'recommendations',
    description: 'Popular items.',
  },
  {
    route: 'events',
    method: 'POST',
    path: '/events',
    resourcePath: '/events',
    handler: 'events',
    description: 'Interaction events of a session, queued for PutEvents.',
  },
  {
    route: 'items',
    method: 'PUT',
    path: '/items',
    resourcePath: '/items',
    handler: 'catalog',
    description: 'Catalogue upserts (PutItems).',
  },
  {
    route: 'users',
    method: 'PUT',
    path: '/users',
    resourcePath: '/users',
    handler: 'catalog',
    description: 'User profile upserts (PutUsers).',
  },
];

/** The routes a handler serves. */
export function routesOf(handler: ApiHandlerName): RouteSpec[] {
  return SERVING_API.filter((spec) => spec.handler === handler);
}

/** The route spec of a route name. */
export function routeSpec(route: ServingRoute): RouteSpec {
  const spec = SERVING_API.find((candidate) => candidate.route === route);
  if (!spec) throw new Error(`No route named "${route}" in SERVING_API`);
  return spec;
}

/** How a request matched the API. */
export type RouteMatch =
  | {
      readonly kind: 'route';
      readonly spec: RouteSpec;
      /** Path parameters, still URL-encoded as they appear in the path. */
      readonly params: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly ServingMethod[] }
  | { readonly kind: 'unknown' };

/** The segments of a path without empty ones at its ends: `/items/x/related/` → `['items', 'x', 'related']`. */
function segmentsOf(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** Path parameters when `path` has the shape of `spec.path`, else `undefined`. */
function matchPath(spec: RouteSpec, path: string): Record<string, string> | undefined {
  const pattern = segmentsOf(spec.path);
  const actual = segmentsOf(path);
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of pattern.entries()) {
    const value = actual[index] ?? '';
    if (segment.startsWith(':')) {
      if (value === '') return undefined;
      params[segment.slice(1)] = value;
    } else if (segment !== value) {
      return undefined;
    }
  }
  return params;
}

/**
 * Matches a request to the API: its route, or the methods its path accepts when the method is wrong, or
 * nothing. A trailing slash is ignored, as the router ignores it.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const upper = method.toUpperCase();
  const allowed: ServingMethod[] = [];
  for (const spec of SERVING_API) {
    const params = matchPath(spec, path);
    if (params === undefined) continue;
    if (spec.method === upper) return { kind: 'route', spec, params };
    allowed.push(spec.method);
  }
  return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'unknown' };
}

/** The handler owning a path (whatever the method), so a request reaches the router that can answer it. */
export function handlerOfPath(path: string): ApiHandlerName | undefined {
  return SERVING_API.find((spec) => matchPath(spec, path) !== undefined)?.handler;
}

/** `GET /recommendations, GET /items/{itemId}/related, ...`: the API in one line, for messages. */
export function describeApi(): string {
  return SERVING_API.map((spec) => `${spec.method} ${spec.resourcePath}`).join(', ');
}
