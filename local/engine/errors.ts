/** Named errors thrown by the local recommendation engine. */

/** Base class: invalid training input, an unsupported recipe or a malformed model. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}
