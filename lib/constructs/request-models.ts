/**
 * API Gateway request models from the zod schemas the handlers validate with, so the gateway refuses a
 * malformed body before any function runs, by the same rules. API Gateway takes JSON Schema draft 4 and
 * refuses a model with a keyword it does not know, so the schema is generated for draft 4 and every keyword
 * is checked against the ones a model may hold.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as z from 'zod/mini';

/** The draft-4 keywords a model may hold, by how their value is converted. */
const KEYWORDS = {
  /** A value kept as it is. */
  plain: new Set([
    'title',
    'description',
    'format',
    'default',
    'multipleOf',
    'maximum',
    'exclusiveMaximum',
    'minimum',
    'exclusiveMinimum',
    'maxLength',
    'minLength',
    'pattern',
    'maxItems',
    'minItems',
    'uniqueItems',
    'maxProperties',
    'minProperties',
    'required',
    'enum',
  ]),
  /** A schema, or `true`/`false`. */
  schema: new Set(['additionalProperties', 'additionalItems', 'not']),
  /** A list of schemas. */
  schemas: new Set(['allOf', 'anyOf', 'oneOf']),
  /** A map of name → schema. */
  named: new Set(['properties', 'patternProperties', 'definitions']),
} as const;

const TYPES: Readonly<Record<string, apigateway.JsonSchemaType>> = {
  null: apigateway.JsonSchemaType.NULL,
  boolean: apigateway.JsonSchemaType.BOOLEAN,
  object: apigateway.JsonSchemaType.OBJECT,
  array: apigateway.JsonSchemaType.ARRAY,
  number: apigateway.JsonSchemaType.NUMBER,
  integer: apigateway.JsonSchemaType.INTEGER,
  string: apigateway.JsonSchemaType.STRING,
};

/** A zod schema that cannot become an API Gateway model, with the keyword and where it is. */
export class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
}

/**
 * The API Gateway model schema (JSON Schema draft 4) of a zod schema, for the request body it validates.
 * Refinements (`check`/`superRefine`) have no JSON Schema form and stay with the handler.
 * @throws UnsupportedSchemaError naming the keyword and its path when the schema uses one a model cannot hold.
 */
export function requestModelSchema(schema: z.core.$ZodType): apigateway.JsonSchema {
  let generated: unknown;
  try {
    generated = z.toJSONSchema(schema, { target: 'draft-04', io: 'input', unrepresentable: 'throw' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnsupportedSchemaError(`The schema has no JSON Schema form: ${reason}`);
  }
  // The model's `$schema` is written by CDK (draft 4); the rest is checked keyword by keyword.
  const body = Object.fromEntries(
    Object.entries(asObject(generated, '(root)')).filter(([keyword]) => keyword !== '$schema'),
  );
  return convert(body, '(root)');
}

function convert(value: unknown, path: string): apigateway.JsonSchema {
  const schema: Record<string, unknown> = {};
  for (const [keyword, content] of Object.entries(asObject(value, path))) {
    const at = `${path}.${keyword}`;
    if (keyword === 'type') schema.type = typeOf(content, at);
    else if (keyword === 'items')
      schema.items = Array.isArray(content)
        ? content.map((item, i) => convert(item, `${at}[${i}]`))
        : convert(content, at);
    else if (KEYWORDS.plain.has(keyword)) schema[keyword] = content;
    else if (KEYWORDS.schema.has(keyword))
      schema[keyword] = typeof content === 'boolean' ? content : convert(content, at);
    else if (KEYWORDS.schemas.has(keyword))
      schema[keyword] = asArray(content, at).map((item, i) => convert(item, `${at}[${i}]`));
    else if (KEYWORDS.named.has(keyword))
      schema[keyword] = Object.fromEntries(
        Object.entries(asObject(content, at)).map(([name, item]) => [name, convert(item, `${at}.${name}`)]),
      );
    else
      throw new UnsupportedSchemaError(
        `${at}: API Gateway models (JSON Schema draft 4) have no "${keyword}" keyword; the handler alone can check it.`,
      );
  }
  return schema as apigateway.JsonSchema;
}

function typeOf(value: unknown, path: string): apigateway.JsonSchemaType | apigateway.JsonSchemaType[] {
  const one = (name: unknown): apigateway.JsonSchemaType => {
    const type = typeof name === 'string' ? TYPES[name] : undefined;
    if (!type) throw new UnsupportedSchemaError(`${path}: unknown type ${JSON.stringify(name)}`);
    return type;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UnsupportedSchemaError(`${path}: expected a schema object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new UnsupportedSchemaError(`${path}: expected a list of schemas`);
  return value;
}
