import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchema, CURRENT_RECIPE_NAMES } from '../../core/config';

const root = join(__dirname, '..', '..');

interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly enum?: readonly string[];
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
}

describe('the config JSON Schema', () => {
  test('committed next to the config is up to date (regenerate with scripts/write-config-json-schema.ts)', () => {
    // Prepare
    const committed: unknown = JSON.parse(readFileSync(join(root, CONFIG_JSON_SCHEMA_FILE), 'utf8'));

    // Act
    const current = configJsonSchema();

    // Assess
    expect(committed).toEqual(current);
  });

  test('offers the recipe names for completion', () => {
    // Act
    const schema = configJsonSchema() as SchemaNode;

    // Assess
    expect(schema.properties?.solutions?.items?.properties?.recipe?.enum).toEqual(CURRENT_RECIPE_NAMES);
  });

  test('requires only the fields without defaults and forbids unknown keys', () => {
    // Act
    const schema = configJsonSchema() as SchemaNode;

    // Assess
    expect(schema.required).toEqual(['projectName', 'datasets', 'solutions']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties ?? {})).toContain('$schema');
  });
});
