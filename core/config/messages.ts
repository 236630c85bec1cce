/**
 * Turns zod issues into one line each, `<path>: <what is wrong; what is allowed>`, with paths in
 * `a.b[1].c` notation and messages that say what was expected and what was received.
 */
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;
type Issue = z.core.$ZodIssue;

/** How the root of the document is named in messages. */
export const ROOT_PATH = '(root)';

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Formats a zod path as `solutions[1].campaign.explorationWeight`; odd keys become `tags["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text || ROOT_PATH;
}

const MAX_SHOWN_STRING = 60;

/** Describes a received value for a message: `string "abc"`, `number 5`, `an array`, `null` ... */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING)}…` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

function describeExpected(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

function plural(count: number | bigint, word: string): string {
  return `${count} ${word}${count === 1 || count === BigInt(1) ? '' : 's'}`;
}

function sizeOf(input: unknown): number | undefined {
  if (typeof input === 'string' || Array.isArray(input)) return input.length;
  return undefined;
}

function tooBigMessage(issue: Extract<RawIssue, { code: 'too_big' }>): string | undefined {
  const size = sizeOf(issue.input);
  switch (issue.origin) {
    case 'number':
    case 'int':
      return `${String(issue.input)} is too large; expected ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'string':
      return `too long (${plural(size ?? 0, 'character')}); expected at most ${plural(issue.maximum, 'character')}`;
    case 'array':
      return `too many entries (${size ?? '?'}); expected at most ${issue.maximum}`;
    default:
      return undefined;
  }
}

function tooSmallMessage(issue: Extract<RawIssue, { code: 'too_small' }>): string | undefined {
  switch (issue.origin) {
    case 'number':
    case 'int':
      return `${String(issue.input)} is too small; expected ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'string':
      return issue.minimum === 1
        ? 'must not be empty'
        : `too short; expected at least ${plural(issue.minimum, 'character')}`;
    case 'array':
      return issue.minimum === 1
        ? 'must not be empty; expected at least one entry'
        : `too few entries; expected at least ${issue.minimum}`;
    default:
      return undefined;
  }
}

/**
 * The per-parse error map for config validation. Schema-level messages (set where a field has a
 * specific rule) take precedence; this covers the generic cases zod describes vaguely.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `missing; expected ${describeExpected(issue.expected)}`
        : `expected ${describeExpected(issue.expected)}, received ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `${describeValue(issue.input)} is not allowed; expected ${issue.values.length === 1 ? '' : 'one of '}${issue.values
        .map((value) => JSON.stringify(value))
        .join(', ')}`;
    case 'too_big':
      return tooBigMessage(issue);
    case 'too_small':
      return tooSmallMessage(issue);
    case 'invalid_format':
      return issue.format === 'regex' && typeof issue.pattern === 'string'
        ? `${describeValue(issue.input)} does not match ${issue.pattern}`
        : undefined;
    case 'invalid_key':
      return `invalid key ${JSON.stringify(issue.input)}`;
    case 'unrecognized_keys':
      return unknownKeysMessage(issue.keys, []);
    default:
      return undefined;
  }
};

/** Edit distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The allowed word closest to `word` (case-insensitive), if it is close enough to be a likely typo: at most
 * max(2, ⌊length / `lengthPerEdit`⌋) edits away.
 */
export function closestMatch(word: string, allowed: Iterable<string>, lengthPerEdit = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / lengthPerEdit))
    ? best
    : undefined;
}

/** Message for unknown object keys, with a suggestion for a single likely typo. */
export function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  const allowedPart = allowed.length > 0 ? `; allowed keys are ${allowed.join(', ')}` : '';
  if (keys.length === 1) {
    const key = keys[0] ?? '';
    const suggestion = closestMatch(key, allowed);
    return `unknown key ${JSON.stringify(key)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}${allowedPart}`;
  }
  return `unknown keys ${keys.map((key) => JSON.stringify(key)).join(', ')}${allowedPart}`;
}

function nestedMessages(issues: readonly Issue[]): string {
  return issues.map((issue) => issue.message).join('; ');
}

/**
 * Formats finalized zod issues as `<path>: <message>` lines. A single unknown key is reported at
 * its own path (`solutions[0].recipie`), several at their parent object's path.
 */
export function formatIssues(issues: readonly Issue[]): string[] {
  const lines = issues.map((issue) => {
    switch (issue.code) {
      case 'unrecognized_keys': {
        const path = issue.keys.length === 1 ? [...issue.path, ...issue.keys] : issue.path;
        return `${formatPath(path)}: ${issue.message}`;
      }
      case 'invalid_key':
        return `${formatPath(issue.path)}: ${issue.message}; ${nestedMessages(issue.issues)}`;
      case 'invalid_union': {
        const first = issue.errors[0];
        return `${formatPath(issue.path)}: ${first ? nestedMessages(first) : issue.message}`;
      }
      default:
        return `${formatPath(issue.path)}: ${issue.message}`;
    }
  });
  return [...new Set(lines)];
}
