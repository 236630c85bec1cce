/**
 * Named errors of the Personalize APIs. Each one knows the HTTP status and the error code
 * (`__type` / `x-amzn-errortype`) a real AWS SDK v3 client expects, so the server can serialize
 * any thrown {@link PersonalizeError} without further mapping.
 *
 * Constraint violations (lengths, patterns, ranges, required members) are reported as
 * {@link InvalidInputException} with the service's "1 validation error detected" wording: the real
 * service answers those with `ValidationException`, which is not in the model and would surface in
 * the JS client as a generic service exception, whereas `InvalidInputException` is a modeled,
 * matchable error class.
 */
export abstract class PersonalizeError extends Error {
  /** The error code sent as `__type` and `x-amzn-errortype`. */
  abstract readonly code: string;
  /** HTTP status for the control plane (awsJson1_1 always uses 400 for modeled errors). */
  readonly controlPlaneStatus: number = 400;
  /** HTTP status for runtime and events (restJson1 `httpError` trait). */
  abstract readonly restStatus: number;
}

/** A request value is missing, malformed or violates a business rule. */
export class InvalidInputException extends PersonalizeError {
  override readonly name = 'InvalidInputException';
  readonly code = 'InvalidInputException';
  readonly restStatus = 400;
}

/** The referenced resource does not exist. */
export class ResourceNotFoundException extends PersonalizeError {
  override readonly name = 'ResourceNotFoundException';
  readonly code = 'ResourceNotFoundException';
  readonly restStatus = 404;
}

/** A resource with that name (or of that kind, where only one is allowed) already exists. */
export class ResourceAlreadyExistsException extends PersonalizeError {
  override readonly name = 'ResourceAlreadyExistsException';
  readonly code = 'ResourceAlreadyExistsException';
  readonly restStatus = 409;
}

/** The resource is in a state that does not allow the operation (not ACTIVE, has children, busy). */
export class ResourceInUseException extends PersonalizeError {
  override readonly name = 'ResourceInUseException';
  readonly code = 'ResourceInUseException';
  readonly restStatus = 409;
}

/** A service quota would be exceeded. */
export class LimitExceededException extends PersonalizeError {
  override readonly name = 'LimitExceededException';
  readonly code = 'LimitExceededException';
  readonly restStatus = 400;
}

/** The `nextToken` of a List request was not issued by this emulator for this listing. */
export class InvalidNextTokenException extends PersonalizeError {
  override readonly name = 'InvalidNextTokenException';
  readonly code = 'InvalidNextTokenException';
  readonly restStatus = 400;
}

/** More than 200 tags on one resource. */
export class TooManyTagsException extends PersonalizeError {
  override readonly name = 'TooManyTagsException';
  readonly code = 'TooManyTagsException';
  readonly restStatus = 400;
}

/** Too many tag keys in one UntagResource request. */
export class TooManyTagKeysException extends PersonalizeError {
  override readonly name = 'TooManyTagKeysException';
  readonly code = 'TooManyTagKeysException';
  readonly restStatus = 400;
}

/** Request rate exceeded (only produced by fault injection). */
export class ThrottlingException extends PersonalizeError {
  override readonly name = 'ThrottlingException';
  readonly code = 'ThrottlingException';
  override readonly controlPlaneStatus = 400;
  readonly restStatus = 429;
}

/** The operation exists in Personalize but the emulator does not implement it. */
export class UnsupportedOperationException extends PersonalizeError {
  override readonly name = 'UnsupportedOperationException';
  readonly code = 'UnsupportedOperationException';
  readonly restStatus = 400;
}

/** The `X-Amz-Target` or path names no Personalize operation. */
export class UnknownOperationException extends PersonalizeError {
  override readonly name = 'UnknownOperationException';
  readonly code = 'UnknownOperationException';
  readonly restStatus = 404;
}

/** The request body is not valid JSON. */
export class SerializationException extends PersonalizeError {
  override readonly name = 'SerializationException';
  readonly code = 'SerializationException';
  readonly restStatus = 400;
}

/** An unexpected failure inside the emulator. */
export class InternalFailure extends PersonalizeError {
  override readonly name = 'InternalFailure';
  readonly code = 'InternalFailure';
  override readonly controlPlaneStatus = 500;
  readonly restStatus = 500;
}

const FACTORIES: Record<string, (message: string) => PersonalizeError> = {
  InvalidInputException: (m) => new InvalidInputException(m),
  ResourceNotFoundException: (m) => new ResourceNotFoundException(m),
  ResourceAlreadyExistsException: (m) => new ResourceAlreadyExistsException(m),
  ResourceInUseException: (m) => new ResourceInUseException(m),
  LimitExceededException: (m) => new LimitExceededException(m),
  InvalidNextTokenException: (m) => new InvalidNextTokenException(m),
  TooManyTagsException: (m) => new TooManyTagsException(m),
  TooManyTagKeysException: (m) => new TooManyTagKeysException(m),
  ThrottlingException: (m) => new ThrottlingException(m),
  UnsupportedOperationException: (m) => new UnsupportedOperationException(m),
  InternalFailure: (m) => new InternalFailure(m),
};

/** Error codes {@link errorFromCode} can build (used by fault injection). */
export const KNOWN_ERROR_CODES: readonly string[] = Object.keys(FACTORIES);

/** Builds a named error from its code; unknown codes become {@link InternalFailure}. */
export function errorFromCode(code: string, message: string): PersonalizeError {
  const factory = FACTORIES[code];
  return factory ? factory(message) : new InternalFailure(message);
}
