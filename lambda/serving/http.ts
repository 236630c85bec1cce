/**
 * The HTTP side every API handler shares: the handler's routes from core/serving/routes.ts, CORS for the
 * configured origins (core/serving/cors.ts), the API-key check of each route, and one error path that
 * turns every failure into a named JSON error (core/serving/errors.ts):
 *
 * unknown path → 404, known path with another method → 405, no key or a key whose client may not call the
 * route → 403, malformed input → 400 naming the field, Personalize throttling → 429. Nothing a caller
 * sends can make a handler throw.
 *
 * The routing is the route table's own (matchRoute) rather than a router framework's: the table is the
 * one the ServingStack builds its resources from, and a REST proxy event already carries the method and
 * path, so nothing is gained by turning each event into a web Request and back (that round trip cost a
 * fifth of the handler's CPU time under load; see BENCHMARKS.md).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ServingRoute } from '../../core/config/serving-routes';
import { authorize, type ApiClients } from '../../core/serving/access';
import { corsHeaders, preflightHeaders } from '../../core/serving/cors';
import { BadRequest, MethodNotAllowed, NotFound, ServingError } from '../../core/serving/errors';
import type { QueryParameters } from '../../core/serving/requests';
import { type ApiHandlerName, describeApi, matchRoute, routesOf } from '../../core/serving/routes';
import { logger } from '../shared/logger';
import type { CorrelationKeys } from '../shared/observability';
import { upstreamError } from './upstream';

/** A request that passed routing and the key check, as a route's action sees it. */
export interface ServingRequest {
  readonly route: ServingRoute;
  /** The client application whose key the request came with. */
  readonly client: string;
  /** Decoded path parameters, e.g. `{ itemId }`. */
  readonly params: Readonly<Record<string, string>>;
  /** Query string parameters with all their values. */
  readonly query: QueryParameters;
  /** The body as text (base64 bodies decoded), or `null`. */
  readonly body: string | null;
  /** API Gateway's request id. */
  readonly requestId: string;
}

/** What an action answers: a status and a JSON body. */
export interface ServingResponse {
  readonly status: number;
  readonly body: unknown;
}

/** What a route does once the request is routed and authorized. */
export type RouteAction = (request: ServingRequest) => Promise<ServingResponse>;

/** A Lambda handler for API Gateway (REST, proxy integration) events. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Options of {@link servingApi}. */
export interface ServingApiOptions {
  /** Which handler this is: it serves that handler's routes (core/serving/routes.ts). */
  readonly handler: ApiHandlerName;
  /** API key id → client (`API_CLIENTS`). */
  readonly clients: ApiClients;
  /** Origins browsers may call from (`ALLOWED_ORIGINS`); none: no CORS headers. */
  readonly allowedOrigins: readonly string[];
  /** The action of each of the handler's routes. */
  readonly actions: Readonly<Partial<Record<ServingRoute, RouteAction>>>;
  /** Called with each request that passed routing and the key check, before its action (e.g. to count it). */
  readonly onRequest?: (request: ServingRequest) => void;
}

/** Header names in lower case, as HTTP/2 sends them and as every answer of the API names them. */
function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function jsonResult(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: lowerCased({ 'Content-Type': 'application/json', ...headers }),
    body: JSON.stringify(body),
  };
}

/** The keys that tie an API call's log lines and trace to it: API Gateway's request id (also in error bodies). */
export function requestKeys(event: APIGatewayProxyEvent): CorrelationKeys {
  return { requestId: event.requestContext?.requestId };
}

/** Query parameters of a REST proxy event, multi-valued. */
export function queryOf(event: APIGatewayProxyEvent): QueryParameters {
  if (event.multiValueQueryStringParameters) {
    return Object.fromEntries(
      Object.entries(event.multiValueQueryStringParameters).map(([name, values]) => [name, values ?? []]),
    );
  }
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, [value]]],
    ),
  );
}

function bodyOf(event: APIGatewayProxyEvent): string | null {
  if (event.body === null || event.body === undefined) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** A header of a REST proxy event, whatever its case. */
function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Path parameters decoded; a malformed encoding or a blank value is a 400. */
function decodeParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    try {
      decoded[name] = decodeURIComponent(value);
    } catch {
      throw new BadRequest('path: not a valid URL-encoded path');
    }
    if (decoded[name].trim() === '') throw new BadRequest(`path: ${name} is empty`);
  }
  return decoded;
}

/** The failure as a named API error, upstream (AWS SDK) errors included; anything else is rethrown. */
function servingErrorOf(error: unknown): ServingError {
  if (error instanceof ServingError) return error;
  const upstream = upstreamError(error);
  if (upstream) return upstream;
  throw error;
}

/**
 * Builds an API handler: the handler's routes, each checking the caller's key, then running its action.
 * Failures become named JSON errors; an unexpected one is logged and answered 500.
 */
export function servingApi(options: ServingApiOptions): ApiHandler {
  const actions = new Map<ServingRoute, RouteAction>();
  for (const spec of routesOf(options.handler)) {
    const action = options.actions[spec.route];
    if (!action) throw new Error(`The ${options.handler} handler has no action for route "${spec.route}"`);
    actions.set(spec.route, action);
  }
  const origins = options.allowedOrigins;

  const answer = async (event: APIGatewayProxyEvent, method: string, path: string) => {
    const match = matchRoute(method, path);
    if (match.kind === 'wrong-method') throw new MethodNotAllowed(method, path, match.allowed);
    const action = match.kind === 'route' ? actions.get(match.spec.route) : undefined;
    if (match.kind !== 'route' || !action)
      throw new NotFound(`no route ${method} ${path}; the API has ${describeApi()}`);
    const route = match.spec.route;
    const params = decodeParams(match.params);
    const client = authorize(options.clients, event.requestContext?.identity?.apiKeyId, route);
    const request: ServingRequest = {
      route,
      client,
      params,
      query: queryOf(event),
      body: bodyOf(event),
      requestId: event.requestContext?.requestId ?? '',
    };
    options.onRequest?.(request);
    return action(request);
  };

  return async (event) => {
    const method = String(event.httpMethod ?? '').toUpperCase();
    const path = typeof event.path === 'string' && event.path !== '' ? event.path : '/';
    const origin = headerOf(event, 'origin');
    const cors = origins.length > 0 ? corsHeaders(origins, origin) : {};
    if (method === 'OPTIONS' && origins.length > 0) {
      const preflight = preflightHeaders(origins, {
        origin,
        requestMethod: headerOf(event, 'access-control-request-method'),
        requestHeaders: headerOf(event, 'access-control-request-headers'),
      });
      if (preflight) return { statusCode: 204, headers: lowerCased(preflight), body: '' };
    }
    try {
      const response = await answer(event, method, path);
      return jsonResult(response.status, response.body, cors);
    } catch (error) {
      try {
        const failure = servingErrorOf(error);
        return jsonResult(failure.status, failure.body(), { ...failure.headers, ...cors });
      } catch {
        logger.error('Unexpected error', { error, method, path });
        return jsonResult(
          500,
          { error: 'InternalError', message: 'the request failed; it has been logged' },
          cors,
        );
      }
    }
  };
}
