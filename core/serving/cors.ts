/**
 * CORS of the serving API's answers, for the origins of the config's `serving.allowedOrigins`: an answer to
 * an allowed origin names it (`Access-Control-Allow-Origin`, `Vary: Origin`; `*` when the list allows any),
 * an answer to any other origin carries no CORS header, so the browser withholds it. A preflight (`OPTIONS`
 * with `Access-Control-Request-Method`) from an allowed origin for an allowed method and headers is
 * answered 204 with the methods, headers and max age below; in AWS, API Gateway answers preflights itself
 * with the same values (lib/constructs/serving-api.ts).
 */

/** Request headers a browser may send. */
export const CORS_ALLOWED_HEADERS = ['content-type', 'x-api-key'] as const;
/** Methods a browser may use. */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'OPTIONS'] as const;
/** How long a browser may cache a preflight's answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** The CORS headers of an answer to a request from `origin` (none when the origin is not allowed). */
export function corsHeaders(
  allowedOrigins: readonly string[],
  origin: string | undefined,
): Record<string, string> {
  if (origin === undefined) return {};
  if (allowedOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  if (!allowedOrigins.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** The headers of a CORS preflight that matter. */
export interface PreflightRequest {
  readonly origin: string | undefined;
  /** `Access-Control-Request-Method`. */
  readonly requestMethod: string | undefined;
  /** `Access-Control-Request-Headers`, comma-separated. */
  readonly requestHeaders: string | undefined;
}

/**
 * The headers of the 204 answering a preflight, or `undefined` when it is not one the API accepts (no or
 * another origin, a method or header browsers may not use): such an `OPTIONS` request is routed as any other.
 */
export function preflightHeaders(
  allowedOrigins: readonly string[],
  request: PreflightRequest,
): Record<string, string> | undefined {
  const base = corsHeaders(allowedOrigins, request.origin);
  if (Object.keys(base).length === 0 || request.requestMethod === undefined) return undefined;
  const methods: readonly string[] = CORS_ALLOWED_METHODS;
  const headers: readonly string[] = CORS_ALLOWED_HEADERS;
  if (!methods.includes(request.requestMethod.toUpperCase())) return undefined;
  const asked = (request.requestHeaders ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (!asked.every((name) => headers.includes(name))) return undefined;
  return {
    ...base,
    'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS.join(','),
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(','),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
  };
}
