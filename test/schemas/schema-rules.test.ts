import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkSchema,
  isDatasetType,
  MAX_SCHEMA_LENGTH,
  normalizeDatasetType,
  parseSchema,
  SchemaError,
  type DatasetType,
} from '../../core/schema-rules';

const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

function readSchemaFile(name: string): string {
  return readFileSync(join(SCHEMAS_DIR, name), 'utf8');
}

type FieldSpec = { name: string; type: unknown; categorical?: boolean; textual?: boolean };

function schemaJson(name: string, fields: FieldSpec[]): string {
  return JSON.stringify({
    type: 'record',
    name,
    namespace: 'com.amazonaws.personalize.schema',
    fields,
    version: '1.0',
  });
}

const interactionsBase: FieldSpec[] = [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
];

/** Interactions schema with the required fields plus `extra`. */
const interactions = (...extra: FieldSpec[]): string =>
  schemaJson('Interactions', [...interactionsBase, ...extra]);
const items = (...extra: FieldSpec[]): string =>
  schemaJson('Items', [{ name: 'ITEM_ID', type: 'string' }, ...extra]);
const users = (...extra: FieldSpec[]): string =>
  schemaJson('Users', [{ name: 'USER_ID', type: 'string' }, ...extra]);

const category: FieldSpec = { name: 'CATEGORY_L1', type: 'string', categorical: true };

/** Asserts exactly one problem was found and that it names `field`. */
function expectOneProblemNaming(problems: string[], field: string): void {
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`"${field}"`);
}

describe('the shipped schemas', () => {
  const shipped: [DatasetType, string][] = [
    ['Interactions', 'interactions.json'],
    ['Items', 'items.json'],
    ['Users', 'users.json'],
  ];

  it.each(shipped)('%s schema passes every rule for a custom dataset group', (datasetType, file) => {
    // Prepare
    const json = readSchemaFile(file);
    // Act
    const problems = checkSchema(datasetType, json);
    // Assess
    expect(problems).toEqual([]);
  });

  it.each(shipped)('%s schema passes every rule in the ECOMMERCE domain', (datasetType, file) => {
    expect(checkSchema(datasetType, readSchemaFile(file), { domain: 'ECOMMERCE' })).toEqual([]);
  });

  it.each(shipped)(
    '%s schema is a record named after its dataset type in the Personalize namespace',
    (datasetType, file) => {
      // Prepare
      const raw = JSON.parse(readSchemaFile(file)) as { namespace: string; version: string };
      // Act
      const parsed = parseSchema(readSchemaFile(file));
      // Assess
      expect(parsed.recordName).toBe(datasetType);
      expect(raw.namespace).toBe('com.amazonaws.personalize.schema');
      expect(raw.version).toBe('1.0');
    },
  );

  it('interactions schema declares the e-commerce columns in CSV order', () => {
    const parsed = parseSchema(readSchemaFile('interactions.json'));
    expect(parsed.fields.map((f) => `${f.name}:${f.type}${f.nullable ? '?' : ''}`)).toEqual([
      'USER_ID:string',
      'ITEM_ID:string',
      'TIMESTAMP:long',
      'EVENT_TYPE:string',
      'EVENT_VALUE:float?',
      'IMPRESSION:string?',
      'RECOMMENDATION_ID:string?',
    ]);
  });

  it('items schema marks the category and brand fields categorical and the description textual', () => {
    const { fields } = parseSchema(readSchemaFile('items.json'));
    expect(fields.filter((f) => f.categorical).map((f) => f.name)).toEqual([
      'CATEGORY_L1',
      'CATEGORY_L2',
      'BRAND',
    ]);
    expect(fields.filter((f) => f.textual).map((f) => f.name)).toEqual(['DESCRIPTION']);
  });
});

describe('parseSchema', () => {
  it('reads nullable unions in either order', () => {
    // Prepare
    const json = interactions({ name: 'A', type: ['null', 'string'] }, { name: 'B', type: ['int', 'null'] });
    // Act
    const { fields } = parseSchema(json);
    // Assess
    expect(fields.slice(3)).toEqual([
      { name: 'A', type: 'string', nullable: true, categorical: false, textual: false },
      { name: 'B', type: 'int', nullable: true, categorical: false, textual: false },
    ]);
  });

  it('throws a SchemaError for text that is not JSON', () => {
    expect(() => parseSchema('{"type": "record",')).toThrow(SchemaError);
    expect(() => parseSchema('{"type": "record",')).toThrow(/not valid JSON/);
  });

  it('throws a SchemaError naming a field of unknown type', () => {
    expect(() => parseSchema(interactions({ name: 'SCORE', type: 'decimal' }))).toThrow(
      /"SCORE" has unknown type/,
    );
  });

  it('throws a SchemaError naming a field without a type', () => {
    expect(() => parseSchema(interactions({ name: 'SCORE', type: undefined }))).toThrow(
      'Field "SCORE" has no "type".',
    );
  });

  it('throws a SchemaError for a schema that is not a record', () => {
    expect(() => parseSchema(JSON.stringify({ type: 'enum', name: 'Interactions', symbols: ['A'] }))).toThrow(
      /"type": "record"/,
    );
  });
});

describe('checkSchema rules', () => {
  it('rejects an Interactions schema without USER_ID', () => {
    // Prepare
    const json = schemaJson('Interactions', [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
    ]);
    // Act
    const problems = checkSchema('Interactions', json);
    // Assess
    expectOneProblemNaming(problems, 'USER_ID');
    expect(problems[0]).toMatch(/required/);
  });

  it('rejects TIMESTAMP declared as a string', () => {
    const json = schemaJson('Interactions', [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'string' },
    ]);
    const problems = checkSchema('Interactions', json);
    expectOneProblemNaming(problems, 'TIMESTAMP');
    expect(problems[0]).toMatch(/long/);
  });

  it('rejects a nullable USER_ID', () => {
    const json = schemaJson('Users', [
      { name: 'USER_ID', type: ['null', 'string'] },
      { name: 'AGE', type: 'int' },
    ]);
    const problems = checkSchema('Users', json);
    expectOneProblemNaming(problems, 'USER_ID');
    expect(problems[0]).toMatch(/nullable/);
  });

  it('rejects a schema whose top-level type is not record', () => {
    const problems = checkSchema('Users', JSON.stringify({ type: 'array', items: 'string' }));
    expect(problems).toEqual([expect.stringMatching(/must have "type": "record"/)]);
  });

  it('rejects a nested record field', () => {
    const json = items({ name: 'DIMENSIONS', type: { type: 'record', name: 'Dim', fields: [] } });
    const problems = checkSchema('Items', json);
    expect(problems).toContainEqual(expect.stringMatching(/"DIMENSIONS" has a nested type \(record\)/));
  });

  it('rejects an array field inside a nullable union', () => {
    const json = items(category, { name: 'TAGS', type: ['null', { type: 'array', items: 'string' }] });
    expectOneProblemNaming(checkSchema('Items', json), 'TAGS');
  });

  it('rejects a union of two non-null types', () => {
    const json = items(category, { name: 'SIZE', type: ['int', 'string'] });
    const problems = checkSchema('Items', json);
    expectOneProblemNaming(problems, 'SIZE');
    expect(problems[0]).toMatch(/union/);
  });

  it('rejects a field name with characters other than letters, digits and underscores', () => {
    expectOneProblemNaming(
      checkSchema('Items', items(category, { name: 'PRICE-USD', type: 'float' })),
      'PRICE-USD',
    );
  });

  it('rejects names that collide after removing underscores, ignoring case', () => {
    // Prepare
    const json = items(
      { name: 'GENRES_1', type: 'string', categorical: true },
      { name: 'genres1', type: 'string' },
    );
    // Act
    const problems = checkSchema('Items', json);
    // Assess
    expectOneProblemNaming(problems, 'genres1');
    expect(problems[0]).toContain('"GENRES_1"');
  });

  it('rejects a field declared twice', () => {
    expectOneProblemNaming(checkSchema('Items', items(category, category)), 'CATEGORY_L1');
  });

  it('rejects a categorical EVENT_TYPE', () => {
    const problems = checkSchema(
      'Interactions',
      interactions({ name: 'EVENT_TYPE', type: 'string', categorical: true }),
    );
    expectOneProblemNaming(problems, 'EVENT_TYPE');
    expect(problems[0]).toMatch(/not be categorical/);
  });

  it('rejects EVENT_VALUE of type string', () => {
    const problems = checkSchema(
      'Interactions',
      interactions({ name: 'EVENT_VALUE', type: ['null', 'string'] }),
    );
    expectOneProblemNaming(problems, 'EVENT_VALUE');
    expect(problems[0]).toMatch(/float/);
  });

  it('rejects IMPRESSION of type int', () => {
    expectOneProblemNaming(
      checkSchema('Interactions', interactions({ name: 'IMPRESSION', type: 'int' })),
      'IMPRESSION',
    );
  });

  it('rejects RECOMMENDATION_ID of type long', () => {
    expectOneProblemNaming(
      checkSchema('Interactions', interactions({ name: 'RECOMMENDATION_ID', type: 'long' })),
      'RECOMMENDATION_ID',
    );
  });

  it('rejects CREATION_TIMESTAMP of type string in Items', () => {
    const problems = checkSchema('Items', items(category, { name: 'CREATION_TIMESTAMP', type: 'string' }));
    expectOneProblemNaming(problems, 'CREATION_TIMESTAMP');
    expect(problems[0]).toMatch(/long/);
  });

  it('rejects categorical on a float field', () => {
    const problems = checkSchema('Items', items({ name: 'PRICE', type: 'float', categorical: true }));
    expectOneProblemNaming(problems, 'PRICE');
    expect(problems[0]).toMatch(/only string fields can be categorical/);
  });

  it('rejects a textual field in a Users schema', () => {
    const problems = checkSchema('Users', users({ name: 'BIO', type: 'string', textual: true }));
    expectOneProblemNaming(problems, 'BIO');
    expect(problems[0]).toMatch(/only allowed in Items/);
  });

  it('rejects two textual fields in an Items schema', () => {
    // Prepare
    const json = items(
      { name: 'TITLE', type: 'string', textual: true },
      { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
    );
    // Act
    const problems = checkSchema('Items', json);
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/at most 1 textual field/);
    expect(problems[0]).toContain('"TITLE"');
    expect(problems[0]).toContain('"DESCRIPTION"');
  });

  it('rejects a textual field that is not a string', () => {
    expectOneProblemNaming(
      checkSchema('Items', items({ name: 'RATING', type: 'float', textual: true })),
      'RATING',
    );
  });

  it('rejects more than 5 custom metadata fields in Interactions', () => {
    // Prepare
    const extra = ['DEVICE', 'PAGE', 'CHANNEL', 'COUNTRY', 'LOCALE', 'SOURCE'].map((name) => ({
      name,
      type: 'string',
    }));
    // Act
    const problems = checkSchema(
      'Interactions',
      interactions({ name: 'EVENT_TYPE', type: 'string' }, ...extra),
    );
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/at most 5 metadata fields/);
    expect(problems[0]).toContain('"SOURCE"');
  });

  it('allows 5 custom metadata fields in Interactions next to every reserved field', () => {
    const extra = ['DEVICE', 'PAGE', 'CHANNEL', 'COUNTRY', 'LOCALE'].map((name) => ({
      name,
      type: 'string',
    }));
    const reserved: FieldSpec[] = [
      { name: 'EVENT_TYPE', type: 'string' },
      { name: 'EVENT_VALUE', type: ['null', 'float'] },
      { name: 'IMPRESSION', type: ['null', 'string'] },
      { name: 'RECOMMENDATION_ID', type: ['null', 'string'] },
      { name: 'EVENT_ATTRIBUTION_SOURCE', type: ['null', 'string'] },
    ];
    expect(checkSchema('Interactions', interactions(...reserved, ...extra))).toEqual([]);
  });

  it('rejects more than 25 metadata fields in Users', () => {
    const extra = Array.from({ length: 26 }, (_, i) => ({ name: `ATTR${i}`, type: 'int' }));
    const problems = checkSchema('Users', users(...extra));
    expect(problems).toEqual([
      expect.stringMatching(/Users datasets allow at most 25 metadata fields.*"ATTR25"/),
    ]);
  });

  it('rejects more than 100 metadata fields in Items', () => {
    const extra = Array.from({ length: 101 }, (_, i) => ({ name: `F${i}`, type: 'int' }));
    expect(checkSchema('Items', items(...extra))).toEqual([
      expect.stringMatching(/Items datasets allow at most 100 metadata fields/),
    ]);
  });

  it('rejects an Items schema with no metadata field', () => {
    const problems = checkSchema('Items', items({ name: 'CREATION_TIMESTAMP', type: 'long' }));
    expect(problems).toEqual([expect.stringMatching(/at least 1 metadata field besides "ITEM_ID"/)]);
  });

  it('rejects a Users schema with no metadata field', () => {
    expect(checkSchema('Users', users())).toEqual([expect.stringMatching(/besides "USER_ID"/)]);
  });

  it('rejects schema JSON longer than 20,000 characters', () => {
    // Prepare
    const json = users({ name: 'AGE', type: 'int' }).padEnd(MAX_SCHEMA_LENGTH + 1, ' ');
    // Act
    const problems = checkSchema('Users', json);
    // Assess
    expect(problems).toEqual([expect.stringMatching(/20001 characters long; the maximum is 20000/)]);
  });

  it('reports every violated rule, not only the first', () => {
    const json = schemaJson('Interactions', [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'int' },
      { name: 'COLOR', type: 'float', categorical: true },
    ]);
    const problems = checkSchema('Interactions', json);
    expect(problems).toHaveLength(3);
    expect(problems.join(' ')).toEqual(expect.stringContaining('"USER_ID"'));
    expect(problems.join(' ')).toEqual(expect.stringContaining('"TIMESTAMP"'));
    expect(problems.join(' ')).toEqual(expect.stringContaining('"COLOR"'));
  });

  it('checks the required fields of Actions and Action_Interactions', () => {
    const actions = schemaJson('Actions', [
      { name: 'ACTION_ID', type: 'string' },
      { name: 'VALUE', type: ['null', 'long'] },
      { name: 'LEVEL', type: 'string', categorical: true },
    ]);
    const actionInteractions = schemaJson('Action_Interactions', [
      { name: 'USER_ID', type: 'string' },
      { name: 'ACTION_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
    ]);
    expect(checkSchema('Actions', actions)).toEqual([]);
    expectOneProblemNaming(checkSchema('Action_Interactions', actionInteractions), 'EVENT_TYPE');
  });
});

describe('checkSchema domain rules', () => {
  it('requires PRICE and CATEGORY_L1 for ECOMMERCE Items', () => {
    // Prepare
    const json = items({ name: 'BRAND', type: 'string', categorical: true });
    // Act
    const problems = checkSchema('Items', json, { domain: 'ECOMMERCE' });
    // Assess
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"PRICE"');
    expect(problems[1]).toContain('"CATEGORY_L1"');
    expect(checkSchema('Items', json)).toEqual([]);
  });

  it('requires PRICE to be a float for ECOMMERCE Items', () => {
    const json = items(category, { name: 'PRICE', type: 'int' });
    expectOneProblemNaming(checkSchema('Items', json, { domain: 'ECOMMERCE' }), 'PRICE');
  });

  it('requires CATEGORY_L1 to be categorical for ECOMMERCE Items', () => {
    const json = items({ name: 'CATEGORY_L1', type: 'string' }, { name: 'PRICE', type: 'float' });
    const problems = checkSchema('Items', json, { domain: 'ECOMMERCE' });
    expectOneProblemNaming(problems, 'CATEGORY_L1');
    expect(problems[0]).toMatch(/categorical/);
  });

  it('requires EVENT_TYPE for ECOMMERCE Interactions', () => {
    expectOneProblemNaming(
      checkSchema('Interactions', interactions(), { domain: 'ECOMMERCE' }),
      'EVENT_TYPE',
    );
  });

  it('requires GENRES and CREATION_TIMESTAMP for VIDEO_ON_DEMAND Items', () => {
    const problems = checkSchema('Items', items(category), { domain: 'VIDEO_ON_DEMAND' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"GENRES"');
    expect(problems[1]).toContain('"CREATION_TIMESTAMP"');
  });
});

describe('dataset type names', () => {
  it('recognises only the exact API spelling', () => {
    expect(isDatasetType('Action_Interactions')).toBe(true);
    expect(isDatasetType('interactions')).toBe(false);
  });

  it('normalizes any casing to the API spelling', () => {
    expect(normalizeDatasetType('interactions')).toBe('Interactions');
    expect(normalizeDatasetType('ITEMS')).toBe('Items');
    expect(normalizeDatasetType('action_interactions')).toBe('Action_Interactions');
  });

  it('returns undefined for an unknown dataset type', () => {
    expect(normalizeDatasetType('Events')).toBeUndefined();
  });
});
