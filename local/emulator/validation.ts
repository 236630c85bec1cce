import { createHash } from 'node:crypto';
import { InvalidInputException, InvalidNextTokenException, TooManyTagsException } from './errors';
import type { Shape } from './shapes';

/**
 * Request validation with the limits of the Personalize service model. Every constraint failure is an
 * {@link InvalidInputException} worded like the service's own validation errors, e.g.
 * `1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy
 * regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*`.
 */

/** The patterns of the service model. */
export const PATTERNS = {
  name: /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/,
  arn: /^arn:([a-z\d-]+):personalize:.*:.*:.+$/,
  roleArn: /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
  kmsKeyArn: /^arn:aws.*:kms:.*:[0-9]{12}:key\/.*$/,
  s3Path: /^(s3|http|https):\/\/.+$/,
  datasetType: /^[A-Za-z_]+$/,
  tagKey: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u,
  tagValue: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u,
  filterValueKey: /^[A-Za-z0-9_]+$/,
  contextKey: /^[A-Za-z\d_]+$/,
} as const;

/** A Personalize tag. */
export interface Tag {
  readonly tagKey: string;
  readonly tagValue: string;
}

/** Longest rendering of a value in an error message. */
const MAX_SHOWN = 200;

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}

/** Builds the service's "1 validation error detected" message. */
export function constraintMessage(field: string, value: unknown, constraint: string): string {
  return `1 validation error detected: Value '${show(value)}' at '${field}' failed to satisfy constraint: ${constraint}`;
}

function fail(field: string, value: unknown, constraint: string): never {
  throw new InvalidInputException(constraintMessage(field, value, constraint));
}

function missing(field: string): never {
  throw new InvalidInputException(
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}

/** Options for string members. */
export interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

/** Reads and validates the members of one request body. */
export class RequestReader {
  constructor(private readonly body: Readonly<Record<string, unknown>>) {}

  /** Whether the member is present (not undefined/null). */
  has(field: string): boolean {
    return this.body[field] !== undefined && this.body[field] !== null;
  }

  /** A required string member. */
  string(field: string, rule: StringRule = {}): string {
    const value = this.optionalString(field, rule);
    if (value === undefined) missing(field);
    return value;
  }

  /** An optional string member. */
  optionalString(field: string, rule: StringRule = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    return checkString(field, value, rule);
  }

  /** An optional string member that must be one of `values`. */
  optionalEnum<T extends string>(field: string, values: readonly T[]): T | undefined {
    const value = this.optionalString(field);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value))
      fail(field, value, `Member must satisfy enum value set: [${values.join(', ')}]`);
    return value as T;
  }

  /** A required resource name (1–63 chars, `^[a-zA-Z0-9][a-zA-Z0-9\-_]*`). */
  name(field = 'name'): string {
    return this.string(field, { min: 1, max: 63, pattern: PATTERNS.name });
  }

  /** A required Personalize ARN. */
  arn(field: string): string {
    return this.string(field, { max: 256, pattern: PATTERNS.arn });
  }

  /** An optional Personalize ARN. */
  optionalArn(field: string): string | undefined {
    return this.optionalString(field, { max: 256, pattern: PATTERNS.arn });
  }

  /** An optional IAM role ARN. */
  optionalRoleArn(field = 'roleArn'): string | undefined {
    return this.optionalString(field, { max: 256, pattern: PATTERNS.roleArn });
  }

  /** An optional KMS key ARN. */
  optionalKmsKeyArn(field = 'kmsKeyArn'): string | undefined {
    return this.optionalString(field, { max: 2048, pattern: PATTERNS.kmsKeyArn });
  }

  /** An optional boolean. */
  optionalBoolean(field: string): boolean | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') fail(field, value, 'Member must be a boolean');
    return value;
  }

  /** An optional integer within a range. */
  optionalInteger(field: string, min?: number, max?: number): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    return checkInteger(field, value, min, max);
  }

  /** An optional JSON object. */
  optionalObject(field: string): Record<string, unknown> | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) fail(field, value, 'Member must be a structure');
    return value;
  }

  /** An optional member checked against a shape of the service model (see model-shapes.ts). */
  optionalShape<T>(field: string, shape: Shape<T>): T | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    return shape.read(value, field);
  }

  /** A required JSON object. */
  object(field: string): Record<string, unknown> {
    const value = this.optionalObject(field);
    if (value === undefined) missing(field);
    return value;
  }

  /** An optional list with a maximum length. */
  optionalList(field: string, max?: number, min = 0): unknown[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) fail(field, value, 'Member must be a list');
    if (value.length < min) fail(field, value, `Member must have length greater than or equal to ${min}`);
    if (max !== undefined && value.length > max)
      fail(field, `[${value.length} items]`, `Member must have length less than or equal to ${max}`);
    return value;
  }

  /** A required list. */
  list(field: string, max?: number, min = 0): unknown[] {
    const value = this.optionalList(field, max, min);
    if (value === undefined) missing(field);
    return value;
  }

  /** An optional string→string map with a maximum number of entries. */
  optionalStringMap(
    field: string,
    rules: { maxEntries?: number; key?: StringRule; value?: StringRule } = {},
  ): Record<string, string> | undefined {
    const value = this.optionalObject(field);
    if (value === undefined) return undefined;
    const entries = Object.entries(value);
    if (rules.maxEntries !== undefined && entries.length > rules.maxEntries) {
      fail(
        field,
        `{${entries.length} entries}`,
        `Member must have length less than or equal to ${rules.maxEntries}`,
      );
    }
    // Object.fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
    return Object.fromEntries(
      entries.map(([k, v]) => [
        checkString(`${field}.key`, k, rules.key ?? {}),
        checkString(`${field}.${k}`, v, rules.value ?? {}),
      ]),
    );
  }

  /** The optional `tags` member (≤ 200 tags, model key/value limits). */
  tags(field = 'tags'): Tag[] {
    const list = this.body[field];
    if (list === undefined || list === null) return [];
    return checkTags(field, list);
  }

  /** `maxResults` (1–100, default 100). */
  maxResults(defaultValue = 100): number {
    return this.optionalInteger('maxResults', 1, 100) ?? defaultValue;
  }

  /**
   * `nextToken` decoded to an offset. A token is valid only for the listing that issued it.
   * @param listing names the listing: the operation's result key and the request members that select
   *   what is listed (e.g. `solutions` and the dataset group ARN)
   */
  offset(listing: string): number {
    const token = this.optionalString('nextToken', { max: 1500 });
    return token === undefined ? 0 : decodeNextToken(token, listing);
  }
}

/** Validates one string value. */
export function checkString(field: string, value: unknown, rule: StringRule): string {
  if (typeof value !== 'string') fail(field, value, 'Member must be a string');
  if (rule.min !== undefined && value.length < rule.min)
    fail(field, value, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && value.length > rule.max)
    fail(
      field,
      value.length > 80 ? `${value.slice(0, 80)}...` : value,
      `Member must have length less than or equal to ${rule.max}`,
    );
  if (rule.pattern && !rule.pattern.test(value))
    fail(
      field,
      value,
      `Member must satisfy regular expression pattern: ${rule.pattern.source.replace(/^\^|\$$/g, '')}`,
    );
  return value;
}

/** Validates one integer value. */
export function checkInteger(field: string, value: unknown, min?: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(field, value, 'Member must be an integer');
  if (min !== undefined && value < min)
    fail(field, value, `Member must have value greater than or equal to ${min}`);
  if (max !== undefined && value > max)
    fail(field, value, `Member must have value less than or equal to ${max}`);
  return value;
}

/** Validates a tag list. */
export function checkTags(field: string, list: unknown): Tag[] {
  if (!Array.isArray(list)) fail(field, list, 'Member must be a list');
  if (list.length > 200)
    throw new TooManyTagsException(`A resource can have at most 200 tags; the request has ${list.length}.`);
  return list.map((entry, i) => {
    if (!isRecord(entry)) fail(`${field}.${i + 1}`, entry, 'Member must be a structure');
    return {
      tagKey: checkString(`${field}.${i + 1}.member.tagKey`, entry.tagKey ?? null, {
        min: 1,
        max: 128,
        pattern: PATTERNS.tagKey,
      }),
      tagValue: checkString(`${field}.${i + 1}.member.tagValue`, entry.tagValue ?? null, {
        min: 0,
        max: 256,
        pattern: PATTERNS.tagValue,
      }),
    };
  });
}

/** Type guard for plain JSON objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TOKEN_PREFIX = 'pe2.';

/** A short digest of a listing's identity, carried in its tokens. */
function listingDigest(listing: string): string {
  return createHash('sha256').update(listing).digest('base64url').slice(0, 16);
}

/** Names a listing for {@link encodeNextToken}: its result key and the members that select its rows. */
export function listingOf(key: string, selectors: readonly (string | undefined)[] = []): string {
  return JSON.stringify([key, ...selectors.map((s) => s ?? null)]);
}

/** Encodes a list offset as an opaque `nextToken` valid for one listing (see {@link listingOf}). */
export function encodeNextToken(offset: number, listing: string): string {
  return (
    TOKEN_PREFIX + Buffer.from(JSON.stringify({ o: offset, l: listingDigest(listing) })).toString('base64url')
  );
}

/**
 * Decodes a `nextToken`; anything not issued by {@link encodeNextToken} for the same listing is an
 * InvalidNextTokenException.
 */
export function decodeNextToken(token: string, listing: string): number {
  const invalid = (): never => {
    throw new InvalidNextTokenException('Invalid next token.');
  };
  if (!token.startsWith(TOKEN_PREFIX)) invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (
    isRecord(parsed) &&
    typeof parsed.o === 'number' &&
    Number.isSafeInteger(parsed.o) &&
    parsed.o >= 0 &&
    parsed.l === listingDigest(listing)
  )
    return parsed.o;
  return invalid();
}

/** One page of a listing plus the token for the next one. */
export function paginate<T>(
  items: readonly T[],
  offset: number,
  maxResults: number,
  listing: string,
): { page: T[]; nextToken?: string } {
  const page = items.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return next < items.length ? { page, nextToken: encodeNextToken(next, listing) } : { page };
}

/** Deepest nesting of arrays and objects a request body (or a JSON `properties` string) may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`. Checked before `JSON.parse`, so
 * nothing downstream (validation, storage, serialization) ever walks a pathologically deep value.
 */
export function exceedsJsonDepth(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character (it may be a quote).
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
