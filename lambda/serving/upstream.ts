/**
 * AWS errors as API errors. Personalize says when the caller is at fault (InvalidInputException: the
 * caller's ids, filter values or properties), when it is too busy (throttling: 429 with Retry-After), and
 * when a resource is missing or not ready, which is the deployment's state, not the caller's fault: 503.
 * A GetRecommendations for an unknown user is not an error at all (Personalize answers cold-start items).
 */
import {
  BadRequest,
  NotDeployed,
  RetryLater,
  type ServingError,
  TooManyRequests,
} from '../../core/serving/errors';
import { THROTTLING_ERROR_NAMES } from '../shared/errors';

const THROTTLING: ReadonlySet<string> = new Set([
  ...THROTTLING_ERROR_NAMES,
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);

interface SdkError extends Error {
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $fault?: 'client' | 'server';
  readonly $retryable?: { readonly throttling?: boolean };
}

function isSdkError(error: unknown): error is SdkError {
  return error instanceof Error && ('$metadata' in error || '$fault' in error);
}

/** True for throttling and quota errors of any AWS service. */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (THROTTLING.has(error.name)) return true;
  return (
    isSdkError(error) && (error.$retryable?.throttling === true || error.$metadata?.httpStatusCode === 429)
  );
}

/** True for errors a retry may cure: throttling, server faults and network failures. */
export function isTransient(error: unknown): boolean {
  if (isThrottling(error)) return true;
  if (isSdkError(error)) return error.$fault === 'server' || (error.$metadata?.httpStatusCode ?? 0) >= 500;
  return (
    error instanceof Error &&
    /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|TimeoutError/i.test(
      `${error.name} ${error.message}`,
    )
  );
}

/** The API error for an AWS SDK error, or `undefined` when it is not one. */
export function upstreamError(error: unknown): ServingError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (isThrottling(error))
    return new TooManyRequests('Personalize is receiving more requests than it allows; retry shortly', 1);
  switch (error.name) {
    case 'InvalidInputException':
      return new BadRequest(`request: Personalize refused it: ${error.message}`);
    case 'ResourceNotFoundException':
      return new NotDeployed(`a resource this route needs does not exist (yet): ${error.message}`);
    case 'ResourceInUseException':
      return new RetryLater(`a resource this route needs is being updated: ${error.message}`, 30);
    default:
      break;
  }
  if (isTransient(error))
    return new RetryLater(`the request could not be completed (${error.name}); send it again`);
  return undefined;
}
