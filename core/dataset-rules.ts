/**
 * Rule checks for bulk CSV data against a parsed Personalize schema: the header, each row, and the
 * minimum amount of interaction data needed to train.
 *
 * Pure module: no I/O, no AWS, no CDK. The pipeline's validation step and the local emulator's
 * import jobs both use it, so a file is rejected for the same reason, in the same words, in both.
 */
import type { SchemaField } from './schema-rules';

/** One problem in one CSV row. Lines are 1-based and count the header as line 1. */
export interface RowProblem {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  /** The column the problem is in; absent when the row as a whole is wrong (column count). */
  readonly column?: string;
  /** A sentence naming the column and line, saying what is wrong and what is expected. */
  readonly message: string;
}

/** Checks one data row; returns the first problem found, or `undefined` when the row is valid. */
export type RowChecker = (row: readonly string[], line: number) => RowProblem | undefined;

/** A typed CSV value: numbers and booleans parsed, empty cells as `null`. */
export type RecordValue = string | number | boolean | null;

/** Minimum number of interactions to train a solution version or recommender. */
export const MIN_INTERACTIONS = 1000;

/** Minimum number of users with at least two interactions each. */
export const MIN_USERS_WITH_TWO = 25;

/** Minimum share of all users that must have at least two interactions (current Personalize docs). */
export const MIN_SHARE_OF_USERS_WITH_TWO = 0.01;

/** Maximum length of a user, item or action ID. */
export const MAX_ID_LENGTH = 256;

/** Maximum length of a (categorical or plain) string value, and of an IMPRESSION list. */
export const MAX_STRING_LENGTH = 1000;

/** Maximum length of a textual value. */
export const MAX_TEXTUAL_LENGTH = 20_000;

/** Epoch-seconds values above this are taken to be milliseconds (1e11 s is the year 5138). */
export const MILLISECONDS_THRESHOLD = 1e11;

const ID_FIELDS = new Set(['USER_ID', 'ITEM_ID', 'ACTION_ID']);
const TIMESTAMP_FIELDS = new Set(['TIMESTAMP', 'CREATION_TIMESTAMP', 'EXPIRATION_TIMESTAMP']);

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Strips a UTF-8 byte order mark that spreadsheet tools put before the first header name. */
function headerName(name: string, index: number): string {
  return index === 0 ? name.replace(/^\uFEFF/, '') : name;
}

function bracketList(names: readonly string[]): string {
  return `[${names.join(', ')}]`;
}

/**
 * Checks a CSV header against the schema's fields: every field present, no unknown or duplicate
 * columns, and columns in schema order.
 *
 * @returns one sentence per problem; the missing-columns sentence uses Personalize's own wording,
 *   `Input CSV is missing the following columns: [EVENT_TYPE]`. Empty when the header is valid.
 */
export function checkHeader(header: readonly string[], fields: readonly SchemaField[]): string[] {
  const names = header.map(headerName);
  const fieldNames = fields.map((f) => f.name);
  const known = new Set(fieldNames);
  const present = new Set(names);
  const problems: string[] = [];

  const missing = fieldNames.filter((n) => !present.has(n));
  if (missing.length > 0)
    problems.push(`Input CSV is missing the following columns: ${bracketList(missing)}`);

  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    problems.push(`Input CSV has columns that are not in the schema: ${bracketList(unknown)}`);
  }

  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length > 0) problems.push(`Input CSV has duplicate columns: ${bracketList(duplicates)}`);

  if (problems.length === 0 && names.some((n, i) => n !== fieldNames[i])) {
    problems.push(
      `Input CSV columns are not in schema order: expected ${bracketList(fieldNames)}, found ${bracketList(names)}`,
    );
  }
  return problems;
}

/** Checks one non-empty cell of a field; returns the problem sentence, if any. */
type CellCheck = (value: string, line: number) => string | undefined;

function quote(value: string): string {
  return value.length > 40 ? `"${value.slice(0, 37)}..."` : `"${value}"`;
}

function numberCheck(field: SchemaField): CellCheck {
  const name = field.name;
  switch (field.type) {
    case 'int':
      return (v, line) => {
        if (!INTEGER.test(v))
          return `Column ${name} on line ${line} has value ${quote(v)}, which is not an int.`;
        const n = Number(v);
        return n < INT32_MIN || n > INT32_MAX
          ? `Column ${name} on line ${line} has value ${v}, which is out of range for an int; use a long field.`
          : undefined;
      };
    case 'long':
      return (v, line) => {
        if (!INTEGER.test(v))
          return `Column ${name} on line ${line} has value ${quote(v)}, which is not a long integer.`;
        if (TIMESTAMP_FIELDS.has(name) && Number(v) > MILLISECONDS_THRESHOLD) {
          return `Column ${name} has value ${v} on line ${line}, which looks like milliseconds; use epoch seconds.`;
        }
        return undefined;
      };
    default:
      return (v, line) =>
        DECIMAL.test(v)
          ? undefined
          : `Column ${name} on line ${line} has value ${quote(v)}, which is not a number (${field.type} expected).`;
  }
}

function lengthCheck(field: SchemaField): CellCheck {
  const name = field.name;
  const [max, what] = ID_FIELDS.has(name)
    ? [MAX_ID_LENGTH, 'an ID']
    : field.textual
      ? [MAX_TEXTUAL_LENGTH, 'a textual value']
      : [MAX_STRING_LENGTH, 'a string value'];
  return (v, line) =>
    v.length > max
      ? `Column ${name} on line ${line} is ${v.length} characters long; the maximum for ${what} is ${max}.`
      : undefined;
}

function booleanCheck(field: SchemaField): CellCheck {
  return (v, line) =>
    v === 'true' || v === 'false'
      ? undefined
      : `Column ${field.name} on line ${line} has value ${quote(v)}; booleans must be lowercase true or false.`;
}

/** Builds the check for non-empty cells of a field. */
function cellCheck(field: SchemaField): CellCheck {
  switch (field.type) {
    case 'string':
      return lengthCheck(field);
    case 'boolean':
      return booleanCheck(field);
    default:
      return numberCheck(field);
  }
}

/**
 * Creates a checker for data rows of a file with the given header. Columns are matched to fields by
 * name; columns not in the schema are not checked (report those with {@link checkHeader}).
 */
export function createRowChecker(fields: readonly SchemaField[], header: readonly string[]): RowChecker {
  const names = header.map(headerName);
  const columns = fields.flatMap((field) => {
    const index = names.indexOf(field.name);
    return index < 0 ? [] : [{ field, index, check: cellCheck(field) }];
  });
  const width = header.length;
  return (row, line) => {
    if (row.length !== width) {
      return {
        line,
        message: `Line ${line} has ${row.length} values, but the header has ${width} columns.`,
      };
    }
    for (const { field, index, check } of columns) {
      const value = row[index] ?? '';
      if (value === '') {
        if (field.nullable) continue;
        return {
          line,
          column: field.name,
          message: `Column ${field.name} on line ${line} is empty, but the field is not nullable.`,
        };
      }
      const message = check(value, line);
      if (message !== undefined) return { line, column: field.name, message };
    }
    return undefined;
  };
}

function parseValue(field: SchemaField, value: string): RecordValue {
  if (value === '') return null;
  switch (field.type) {
    case 'string':
      return value;
    case 'boolean':
      return value === 'true';
    default:
      return Number(value);
  }
}

/**
 * Converts a CSV row into a record keyed by field name, with numbers and booleans parsed and empty
 * cells as `null`. Columns not in the schema are dropped; fields missing from the header are `null`.
 * Run the row through a {@link RowChecker} first: invalid numbers come out as `NaN`.
 */
export function toRecord(
  row: readonly string[],
  header: readonly string[],
  fields: readonly SchemaField[],
): Record<string, RecordValue> {
  const names = header.map(headerName);
  const record: Record<string, RecordValue> = {};
  for (const field of fields) {
    const index = names.indexOf(field.name);
    record[field.name] = index < 0 ? null : parseValue(field, row[index] ?? '');
  }
  return record;
}

/**
 * Checks Personalize's minimum training data: at least {@link MIN_INTERACTIONS} interactions, and at
 * least {@link MIN_USERS_WITH_TWO} users (and at least 1% of all users) with two or more interactions.
 *
 * @returns a sentence saying what is needed and what there is, or `undefined` when there is enough.
 */
export function checkMinimumData(
  interactions: ReadonlyArray<{ readonly userId: string }>,
): string | undefined {
  const tally = new InteractionTally();
  for (const { userId } of interactions) tally.add(userId);
  return tally.shortfall();
}

/**
 * {@link checkMinimumData} one interaction at a time, for data streamed from a file: it keeps one count per
 * user, not the interactions.
 */
export class InteractionTally {
  private readonly perUser = new Map<string, number>();
  private interactions = 0;
  private usersWithTwo = 0;

  /** Counts one interaction of `userId`. */
  add(userId: string): void {
    this.interactions += 1;
    const count = (this.perUser.get(userId) ?? 0) + 1;
    this.perUser.set(userId, count);
    if (count === 2) this.usersWithTwo += 1;
  }

  /** What the interactions counted so far lack for training, or `undefined` when there is enough. */
  shortfall(): string | undefined {
    const { interactions, usersWithTwo } = this;
    const users = this.perUser.size;
    const shortfalls: string[] = [];
    if (interactions < MIN_INTERACTIONS) {
      shortfalls.push(`at least ${MIN_INTERACTIONS} interactions, but there are ${interactions}`);
    }
    if (usersWithTwo < MIN_USERS_WITH_TWO) {
      shortfalls.push(
        `at least ${MIN_USERS_WITH_TWO} unique users with 2 or more interactions each, but there are ${usersWithTwo}`,
      );
    }
    const minShare = Math.ceil(users * MIN_SHARE_OF_USERS_WITH_TWO);
    if (usersWithTwo >= MIN_USERS_WITH_TWO && usersWithTwo < minShare) {
      shortfalls.push(
        `at least 1% of all users (${minShare} of ${users}) with 2 or more interactions each, but there are ${usersWithTwo}`,
      );
    }
    if (shortfalls.length === 0) return undefined;
    return `Insufficient data to train: the interactions data needs ${shortfalls.join('; and ')}.`;
  }
}
