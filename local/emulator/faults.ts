import { closestMatch } from '../../core/config/messages';
import { InvalidInputException, KNOWN_ERROR_CODES, errorFromCode, type PersonalizeError } from './errors';
import { isRecord } from './validation';

/**
 * Fault injection for tests: make chosen operations throw a named error (throttling, quota), fail the
 * resource they create into `CREATE FAILED` with a given reason, or answer late.
 */
export interface FaultRule {
  /** Operation name, e.g. `CreateSolutionVersion`, `GetRecommendations`, `PutEvents`, or `*` for all. */
  readonly operation: string;
  /** Error code to answer with, e.g. `ThrottlingException` or `LimitExceededException`. */
  readonly error?: string;
  /** Message of the injected error. @default a sentence naming the fault */
  readonly message?: string;
  /** For Create* operations: the resource is created, then ends in `CREATE FAILED` with this reason. */
  readonly failResource?: string;
  /** Extra latency before the request is handled, in milliseconds. */
  readonly latencyMs?: number;
  /** How many matching requests the rule affects before it expires. @default unlimited */
  readonly count?: number;
}

/** What the server must do for one request. */
export interface FaultEffect {
  readonly error?: PersonalizeError;
  readonly failResource?: string;
  readonly latencyMs: number;
}

/**
 * Parses and checks one fault rule from JSON.
 * @param operations the operation names a rule may name (besides `*`); any other name is refused, so a
 *   misspelt operation is an error instead of a rule that never fires
 */
export function parseFaultRule(value: unknown, operations: ReadonlySet<string>): FaultRule {
  if (!isRecord(value)) throw new InvalidInputException('A fault rule must be an object.');
  const { operation, error, message, failResource, latencyMs, count } = value;
  if (typeof operation !== 'string' || operation.length === 0)
    throw new InvalidInputException('A fault rule needs an "operation" (an operation name or "*").');
  if (operation !== '*' && !operations.has(operation)) {
    // Operation names are long and alike (Describe…/Create…): allow one edit per 4 characters.
    const suggestion = closestMatch(operation, operations, 4);
    throw new InvalidInputException(
      `Fault "operation" ${JSON.stringify(operation.slice(0, 100))} is not an operation of the emulator${
        suggestion
          ? `; did you mean ${suggestion}?`
          : '; use an operation name such as CreateSolutionVersion, or "*".'
      }`,
    );
  }
  if (error !== undefined && (typeof error !== 'string' || !KNOWN_ERROR_CODES.includes(error))) {
    throw new InvalidInputException(`Fault "error" must be one of ${KNOWN_ERROR_CODES.join(', ')}.`);
  }
  if (message !== undefined && typeof message !== 'string')
    throw new InvalidInputException('Fault "message" must be a string.');
  if (failResource !== undefined && typeof failResource !== 'string')
    throw new InvalidInputException('Fault "failResource" must be a string.');
  if (
    latencyMs !== undefined &&
    (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0)
  )
    throw new InvalidInputException('Fault "latencyMs" must be a non-negative number.');
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1))
    throw new InvalidInputException('Fault "count" must be a positive integer.');
  if (error === undefined && failResource === undefined && latencyMs === undefined) {
    throw new InvalidInputException('A fault rule needs "error", "failResource" or "latencyMs".');
  }
  return {
    operation,
    ...(error !== undefined ? { error } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(failResource !== undefined ? { failResource } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(count !== undefined ? { count } : {}),
  };
}

interface ActiveRule {
  readonly rule: FaultRule;
  remaining: number;
}

/** The fault rules of one emulator instance. */
export class FaultRegistry {
  private rules: ActiveRule[] = [];

  /**
   * @param operations the operation names rules may name (besides `*`)
   * @param initial rules in force from the start
   * @throws InvalidInputException when a rule is malformed or names an unknown operation
   */
  constructor(
    private readonly operations: ReadonlySet<string>,
    initial: readonly FaultRule[] = [],
  ) {
    this.add(initial);
  }

  /**
   * Adds rules; they apply in the order added. Every rule is checked first, so either all are added or
   * none.
   * @throws InvalidInputException when a rule is malformed or names an unknown operation
   */
  add(rules: readonly FaultRule[]): void {
    const checked = rules.map((rule) => parseFaultRule(rule, this.operations));
    for (const rule of checked) this.rules.push({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The rules still in force. */
  list(): FaultRule[] {
    return this.rules.map(({ rule, remaining }) =>
      Number.isFinite(remaining) ? { ...rule, count: remaining } : rule,
    );
  }

  /** Consumes the rules matching an operation and returns their combined effect. */
  effectFor(operation: string): FaultEffect {
    let latencyMs = 0;
    let error: PersonalizeError | undefined;
    let failResource: string | undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.operation !== operation && rule.operation !== '*') continue;
      if (rule.failResource !== undefined && !operation.startsWith('Create')) continue;
      active.remaining -= 1;
      latencyMs += rule.latencyMs ?? 0;
      if (rule.error !== undefined && error === undefined) {
        error = errorFromCode(
          rule.error,
          rule.message ?? `Injected fault: ${operation} answered ${rule.error}.`,
        );
      }
      if (rule.failResource !== undefined && failResource === undefined) failResource = rule.failResource;
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return {
      latencyMs,
      ...(error ? { error } : {}),
      ...(failResource !== undefined ? { failResource } : {}),
    };
  }
}
