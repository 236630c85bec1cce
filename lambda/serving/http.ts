/**
 * The HTTP side every API handler shares: a Powertools event-handler Router with the handler's routes from
 * core/serving/routes.ts, CORS for the configured origins, the API-key check of each route, and one error
 * handler that turns every failure into a named JSON error (core/serving/errors.ts):
 *
 * unknown path → 404, known path with another method → 405, no key or a key whose client may not call the
 * route → 403, malformed input → 400 naming the field, Personalize throttling → 429. Nothing a caller
 * sends can make a handler throw: an event the router cannot even read is a 400.
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { cors } from '@aws-lambda-powertools/event-handler/http/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ServingRoute } from '../../core/config/serving-routes';
import { authorize, type ApiClients } from '../../core/serving/access';
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

function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function errorResponse(error: ServingError): Response {
  return jsonResponse(error.status, error.body(), error.headers);
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

/** The failure as a named API error: routing errors, bad path encodings and upstream errors included. */
function servingErrorOf(error: unknown, method: string, url: string): ServingError {
  if (error instanceof ServingError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotFoundError' || name === 'MethodNotAllowedError') {
    const path = new URL(url).pathname;
    const match = matchRoute(method, path);
    if (match.kind === 'wrong-method') return new MethodNotAllowed(method, path, match.allowed);
    return new NotFound(`no route ${method} ${path}; the API has ${describeApi()}`);
  }
  if (error instanceof URIError) return new BadRequest('path: not a valid URL-encoded path');
  if (name === 'ParameterValidationError') return new BadRequest('path: a path parameter is empty');
  const upstream = upstreamError(error);
  if (upstream) return upstream;
  throw error;
}

/**
 * Builds an API handler: the router with the handler's routes, each checking the caller's key, then
 * running its action. Failures become named JSON errors; an unexpected one is logged and answered 500.
 */
export function servingApi(options: ServingApiOptions): ApiHandler {
  const router = new Router({ logger });
  if (options.allowedOrigins.length > 0) {
    router.use(
      cors({
        origin: [...options.allowedOrigins],
        allowHeaders: ['content-type', 'x-api-key'],
        allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
        maxAge: 600,
      }),
    );
  }
  for (const spec of routesOf(options.handler)) {
    const action = options.actions[spec.route];
    if (!action) throw new Error(`The ${options.handler} handler has no action for route "${spec.route}"`);
    router.route(
      async (reqCtx) => {
        const event = reqCtx.event as APIGatewayProxyEvent;
        const client = authorize(options.clients, event.requestContext?.identity?.apiKeyId, spec.route);
        const request: ServingRequest = {
          route: spec.route,
          client,
          params: reqCtx.params,
          query: queryOf(event),
          body: bodyOf(event),
          requestId: event.requestContext?.requestId ?? '',
        };
        options.onRequest?.(request);
        const response = await action(request);
        return jsonResponse(response.status, response.body);
      },
      { method: spec.method, path: spec.path },
    );
  }
  router.errorHandler(Error, async (error, reqCtx) => {
    try {
      return errorResponse(servingErrorOf(error, reqCtx.req.method, reqCtx.req.url));
    } catch {
      logger.error('Unexpected error', { error, route: reqCtx.route });
      return jsonResponse(500, { error: 'InternalError', message: 'the request failed; it has been logged' });
    }
  });

  return async (event, context) => {
    // A GET or HEAD request cannot carry a body in the router's web Request; API Gateway may pass one.
    const method = String(event.httpMethod ?? '').toUpperCase();
    const readable = method === 'GET' || method === 'HEAD' ? { ...event, body: null } : event;
    try {
      return await router.resolve(readable, context);
    } catch (error) {
      // Only an event the router cannot turn into a request gets here (e.g. a malformed header).
      const reason = error instanceof Error ? error.message : String(error);
      return {
        statusCode: 400,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(new BadRequest(`request: cannot be read (${reason.slice(0, 120)})`).body()),
      };
    }
  };
}
