/**
 * The named errors of the serving API. Each carries its HTTP status, the `error` name of its JSON body and
 * the headers it needs, so every handler answers a failure the same way:
 * `{"error": "BadRequest", "message": "numResults: expected an integer from 1 to 500"}`.
 *
 * - 400 `BadRequest`        the request is malformed; the message names the field.
 * - 403 `Forbidden`         no API key, or the key's client may not call the route.
 * - 404 `NotFound`          no such route.
 * - 405 `MethodNotAllowed`  the path exists with other methods (`Allow` lists them).
 * - 413 `PayloadTooLarge`   the body is larger than the API takes.
 * - 429 `TooManyRequests`   the client's rate, or Personalize's, was exceeded (`Retry-After`).
 * - 503 `Retry`             nothing was done or kept; send the same request again (`Retry-After`).
 * - 503 `NotDeployed`       the route has no campaign (or dataset) to serve it yet.
 */

/** Base of the API's errors: an HTTP status, a name for the body and optional extra body fields. */
export abstract class ServingError extends Error {
  /** HTTP status code. */
  abstract readonly status: number;
  /** Response headers the error needs, e.g. `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra members of the JSON body, e.g. the route and client of a Forbidden. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    options: { headers?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }

  /** The JSON body: `{ error, message, ...details }`. */
  body(): Record<string, unknown> {
    return { error: this.name, message: this.message, ...this.details };
  }
}

/** 400: the request is malformed. The message starts with the field: `numResults: ...`. */
export class BadRequest extends ServingError {
  override readonly name = 'BadRequest';
  readonly status = 400;
}

/** 403: no API key, or a key whose client may not call the route. */
export class Forbidden extends ServingError {
  override readonly name = 'Forbidden';
  readonly status = 403;
}

/** 404: no route has this path. */
export class NotFound extends ServingError {
  override readonly name = 'NotFound';
  readonly status = 404;
}

/** 405: the path exists, with other methods. */
export class MethodNotAllowed extends ServingError {
  override readonly name = 'MethodNotAllowed';
  readonly status = 405;

  constructor(method: string, path: string, allowed: readonly string[]) {
    super(`${path} accepts ${allowed.join(', ')}, not ${method}`, {
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** 413: the body is larger than the API takes. */
export class PayloadTooLarge extends ServingError {
  override readonly name = 'PayloadTooLarge';
  readonly status = 413;
}

/** 429: a rate was exceeded; retry after `retryAfterSeconds`. */
export class TooManyRequests extends ServingError {
  override readonly name = 'TooManyRequests';
  readonly status = 429;

  constructor(message: string, retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super(message, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
      details,
    });
  }
}

/** 503 `Retry`: nothing was kept; the same request can be sent again after `retryAfterSeconds`. */
export class RetryLater extends ServingError {
  override readonly name = 'Retry';
  readonly status = 503;

  constructor(message: string, retryAfterSeconds = 1) {
    super(message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** 503 `NotDeployed`: the route has nothing to serve it yet (no campaign, dataset or event tracker). */
export class NotDeployed extends ServingError {
  override readonly name = 'NotDeployed';
  readonly status = 503;

  constructor(message: string) {
    super(message, { headers: { 'Retry-After': '60' } });
  }
}
