/** Named errors thrown by the local recommendation engine. */

/** Base class: invalid training input, an unsupported recipe or a malformed model. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** A filter expression does not parse. `position` is the 0-based character offset of the problem. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    public readonly position: number,
  ) {
    super(`${message} (at position ${position})`);
    this.name = 'FilterSyntaxError';
  }
}

/** An INCLUDE filter expression needs a `$PARAMETER` that the request did not supply in filterValues. */
export class FilterParameterError extends Error {
  constructor(
    message: string,
    public readonly parameter: string,
  ) {
    super(message);
    this.name = 'FilterParameterError';
  }
}
