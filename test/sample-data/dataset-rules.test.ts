import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkHeader,
  checkMinimumData,
  createRowChecker,
  MIN_INTERACTIONS,
  MIN_USERS_WITH_TWO,
  toRecord,
} from '../../core/dataset-rules';
import { parseSchema, type SchemaField } from '../../core/schema-rules';

function shippedFields(name: string): SchemaField[] {
  return parseSchema(readFileSync(join(__dirname, '..', '..', 'schemas', name), 'utf8')).fields;
}

const interactionFields = shippedFields('interactions.json');
const itemFields = shippedFields('items.json');
const INTERACTIONS_HEADER = interactionFields.map((f) => f.name);
const ITEMS_HEADER = itemFields.map((f) => f.name);

/** A valid interactions row, with `overrides` applied by column name. */
function interactionRow(overrides: Record<string, string> = {}): string[] {
  const row: Record<string, string> = {
    USER_ID: 'user-0001',
    ITEM_ID: 'item-0001',
    TIMESTAMP: '1790000000',
    EVENT_TYPE: 'purchase',
    EVENT_VALUE: '19.99',
    IMPRESSION: '',
    RECOMMENDATION_ID: '',
    ...overrides,
  };
  return INTERACTIONS_HEADER.map((name) => row[name] ?? '');
}

describe('checkHeader', () => {
  it('accepts a header equal to the schema fields in order', () => {
    expect(checkHeader(INTERACTIONS_HEADER, interactionFields)).toEqual([]);
  });

  it('accepts a header with a UTF-8 byte order mark before the first name', () => {
    expect(checkHeader([`\uFEFF${INTERACTIONS_HEADER[0]}`, ...INTERACTIONS_HEADER.slice(1)], interactionFields)).toEqual([]);
  });

  it('reports missing columns in Personalize wording', () => {
    // Prepare
    const header = INTERACTIONS_HEADER.filter((n) => n !== 'EVENT_TYPE');
    // Act
    const problems = checkHeader(header, interactionFields);
    // Assess
    expect(problems).toEqual(['Input CSV is missing the following columns: [EVENT_TYPE]']);
  });

  it('lists every missing column', () => {
    const problems = checkHeader(['USER_ID', 'ITEM_ID'], interactionFields);
    expect(problems).toEqual([
      'Input CSV is missing the following columns: [TIMESTAMP, EVENT_TYPE, EVENT_VALUE, IMPRESSION, RECOMMENDATION_ID]',
    ]);
  });

  it('reports columns that are not in the schema', () => {
    const problems = checkHeader([...INTERACTIONS_HEADER, 'DEVICE'], interactionFields);
    expect(problems).toEqual(['Input CSV has columns that are not in the schema: [DEVICE]']);
  });

  it('reports duplicate columns', () => {
    const problems = checkHeader([...INTERACTIONS_HEADER, 'USER_ID'], interactionFields);
    expect(problems).toEqual(['Input CSV has duplicate columns: [USER_ID]']);
  });

  it('reports columns out of schema order', () => {
    // Prepare
    const header = ['ITEM_ID', 'USER_ID', ...INTERACTIONS_HEADER.slice(2)];
    // Act
    const problems = checkHeader(header, interactionFields);
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/not in schema order: expected \[USER_ID, ITEM_ID, .*found \[ITEM_ID, USER_ID/);
  });
});

describe('createRowChecker', () => {
  const check = createRowChecker(interactionFields, INTERACTIONS_HEADER);

  it('accepts a valid row', () => {
    expect(check(interactionRow(), 2)).toBeUndefined();
  });

  it('accepts empty values in nullable columns', () => {
    expect(check(interactionRow({ EVENT_VALUE: '', IMPRESSION: '', RECOMMENDATION_ID: '' }), 2)).toBeUndefined();
  });

  it('rejects a TIMESTAMP in milliseconds, naming the column and line', () => {
    // Act
    const problem = check(interactionRow({ TIMESTAMP: '1790000000000' }), 17);
    // Assess
    expect(problem).toEqual({
      line: 17,
      column: 'TIMESTAMP',
      message: 'Column TIMESTAMP has value 1790000000000 on line 17, which looks like milliseconds; use epoch seconds.',
    });
  });

  it('rejects a non-numeric value in a float column', () => {
    const problem = check(interactionRow({ EVENT_VALUE: 'cheap' }), 5);
    expect(problem?.column).toBe('EVENT_VALUE');
    expect(problem?.line).toBe(5);
    expect(problem?.message).toBe('Column EVENT_VALUE on line 5 has value "cheap", which is not a number (float expected).');
  });

  it('rejects a fractional TIMESTAMP', () => {
    const problem = check(interactionRow({ TIMESTAMP: '1790000000.5' }), 9);
    expect(problem?.message).toBe('Column TIMESTAMP on line 9 has value "1790000000.5", which is not a long integer.');
  });

  it('rejects a row with the wrong number of columns', () => {
    const problem = check(interactionRow().slice(0, 5), 8);
    expect(problem).toEqual({ line: 8, message: 'Line 8 has 5 values, but the header has 7 columns.' });
  });

  it('rejects an empty value in a non-nullable column', () => {
    const problem = check(interactionRow({ USER_ID: '' }), 3);
    expect(problem).toEqual({
      line: 3,
      column: 'USER_ID',
      message: 'Column USER_ID on line 3 is empty, but the field is not nullable.',
    });
  });

  it('rejects an ID longer than 256 characters', () => {
    const problem = check(interactionRow({ ITEM_ID: 'x'.repeat(257) }), 4);
    expect(problem?.column).toBe('ITEM_ID');
    expect(problem?.message).toBe('Column ITEM_ID on line 4 is 257 characters long; the maximum for an ID is 256.');
  });

  it('rejects a string longer than 1000 characters', () => {
    const problem = check(interactionRow({ IMPRESSION: 'a|'.repeat(501) }), 6);
    expect(problem?.column).toBe('IMPRESSION');
    expect(problem?.message).toMatch(/line 6 is 1002 characters long; the maximum for a string value is 1000/);
  });

  it('allows a textual value up to 20,000 characters but not beyond', () => {
    // Prepare
    const checkItems = createRowChecker(itemFields, ITEMS_HEADER);
    const item = (description: string): string[] => [
      'item-0001',
      'books',
      'fiction',
      'Inkwell House',
      '12.99',
      '1780000000',
      description,
    ];
    // Act
    const long = checkItems(item('w'.repeat(20_000)), 2);
    const tooLong = checkItems(item('w'.repeat(20_001)), 3);
    // Assess
    expect(long).toBeUndefined();
    expect(tooLong?.column).toBe('DESCRIPTION');
    expect(tooLong?.message).toMatch(/line 3 is 20001 characters long; the maximum for a textual value is 20000/);
  });

  it('rejects a boolean that is not lowercase true or false', () => {
    // Prepare
    const fields: SchemaField[] = [
      { name: 'USER_ID', type: 'string', nullable: false, categorical: false, textual: false },
      { name: 'ACTIVE', type: 'boolean', nullable: false, categorical: false, textual: false },
    ];
    const checkUsers = createRowChecker(fields, ['USER_ID', 'ACTIVE']);
    // Act / Assess
    expect(checkUsers(['user-1', 'false'], 2)).toBeUndefined();
    expect(checkUsers(['user-1', 'True'], 7)?.message).toBe(
      'Column ACTIVE on line 7 has value "True"; booleans must be lowercase true or false.',
    );
  });

  it('rejects an int out of 32-bit range', () => {
    const fields: SchemaField[] = [
      { name: 'USER_ID', type: 'string', nullable: false, categorical: false, textual: false },
      { name: 'AGE', type: 'int', nullable: false, categorical: false, textual: false },
    ];
    const problem = createRowChecker(fields, ['USER_ID', 'AGE'])(['u', '3000000000'], 11);
    expect(problem?.message).toMatch(/Column AGE on line 11 .* out of range for an int/);
  });

  it('matches columns by name when the header order differs from the schema', () => {
    // Prepare
    const header = ['ITEM_ID', 'USER_ID', ...INTERACTIONS_HEADER.slice(2)];
    const row = interactionRow({ TIMESTAMP: 'yesterday' });
    // Act
    const problem = createRowChecker(interactionFields, header)(row, 2);
    // Assess
    expect(problem?.column).toBe('TIMESTAMP');
  });
});

describe('toRecord', () => {
  it('parses numbers and turns empty cells into null', () => {
    // Act
    const record = toRecord(interactionRow({ RECOMMENDATION_ID: 'rec-1' }), INTERACTIONS_HEADER, interactionFields);
    // Assess
    expect(record).toEqual({
      USER_ID: 'user-0001',
      ITEM_ID: 'item-0001',
      TIMESTAMP: 1790000000,
      EVENT_TYPE: 'purchase',
      EVENT_VALUE: 19.99,
      IMPRESSION: null,
      RECOMMENDATION_ID: 'rec-1',
    });
  });

  it('parses booleans', () => {
    const fields: SchemaField[] = [{ name: 'ACTIVE', type: 'boolean', nullable: true, categorical: false, textual: false }];
    expect(toRecord(['true'], ['ACTIVE'], fields)).toEqual({ ACTIVE: true });
    expect(toRecord(['false'], ['ACTIVE'], fields)).toEqual({ ACTIVE: false });
  });
});

describe('checkMinimumData', () => {
  /** `users` users with `each` interactions each. */
  const interactionsOf = (users: number, each: number): { userId: string }[] =>
    Array.from({ length: users * each }, (_, i) => ({ userId: `user-${i % users}` }));

  it('accepts 1000 interactions from 25 users with two or more each', () => {
    expect(checkMinimumData(interactionsOf(25, 40))).toBeUndefined();
  });

  it('says how many interactions are needed and how many there are', () => {
    const message = checkMinimumData(interactionsOf(50, 19));
    expect(message).toBe(
      `Insufficient data to train: the interactions data needs at least ${MIN_INTERACTIONS} interactions, but there are 950.`,
    );
  });

  it('says how many users with two interactions are needed and how many there are', () => {
    // Prepare: 24 users with 2 interactions, 1000 users with 1.
    const data = [...interactionsOf(24, 2), ...Array.from({ length: 1000 }, (_, i) => ({ userId: `single-${i}` }))];
    // Act
    const message = checkMinimumData(data);
    // Assess
    expect(message).toMatch(new RegExp(`at least ${MIN_USERS_WITH_TWO} unique users with 2 or more interactions each, but there are 24`));
    expect(message).not.toMatch(/interactions, but there are/);
  });

  it('requires at least 1% of all users to have two or more interactions', () => {
    const data = [...interactionsOf(30, 2), ...Array.from({ length: 4000 }, (_, i) => ({ userId: `single-${i}` }))];
    expect(checkMinimumData(data)).toMatch(/at least 1% of all users \(41 of 4030\) .* but there are 30/);
  });
});
