/**
 * Parsing and rule checks for Amazon Personalize dataset schemas (Avro record JSON).
 *
 * Pure module: no I/O, no AWS, no CDK. It is shared by the pipeline's validation step and by the
 * local Personalize emulator, so both reject a schema for the same reasons and with the same words.
 */
import { closestMatch } from './config/messages';

/** The dataset types Personalize accepts, spelled as the API spells them. */
export type DatasetType = 'Interactions' | 'Items' | 'Users' | 'Actions' | 'Action_Interactions';

/** Domains a dataset group (and its schemas) can belong to. */
export type Domain = 'ECOMMERCE' | 'VIDEO_ON_DEMAND';

/** Primitive Avro types allowed in a Personalize schema. */
export type FieldType = 'string' | 'int' | 'long' | 'float' | 'double' | 'boolean';

/** One field of a flat Personalize schema, as parsed from its Avro JSON. */
export interface SchemaField {
  /** Field name; also the CSV column header. */
  readonly name: string;
  /** The non-null Avro type of the field. */
  readonly type: FieldType;
  /** True when the type is a union with `"null"`, e.g. `["null", "string"]`. */
  readonly nullable: boolean;
  /** `"categorical": true` — multi-value string metadata separated by `|`. */
  readonly categorical: boolean;
  /** `"textual": true` — unstructured text (Items only). */
  readonly textual: boolean;
}

/** A schema that passed structural parsing. */
export interface ParsedSchema {
  readonly fields: SchemaField[];
  readonly recordName: string;
}

/** Options for {@link checkSchema}. */
export interface CheckSchemaOptions {
  /**
   * Domain of the dataset group the schema is for; adds the domain's required fields.
   * @default - custom dataset group (no domain)
   */
  readonly domain?: Domain;
}

/** Thrown by {@link parseSchema} when the JSON is not a flat Avro record of allowed types. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  /** Every structural problem found, one sentence each. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join(' '));
    this.problems = problems;
  }
}

/** All dataset types, in API spelling. */
export const DATASET_TYPES: readonly DatasetType[] = [
  'Interactions',
  'Items',
  'Users',
  'Actions',
  'Action_Interactions',
];

/** Allowed non-null field types. */
export const FIELD_TYPES: readonly FieldType[] = ['string', 'int', 'long', 'float', 'double', 'boolean'];

/** Maximum length of a schema's JSON text. */
export const MAX_SCHEMA_LENGTH = 20_000;

/** Whether `s` is a dataset type in its exact API spelling. */
export function isDatasetType(s: string): s is DatasetType {
  return (DATASET_TYPES as readonly string[]).includes(s);
}

/**
 * Maps any casing of a dataset type to its API spelling, e.g. `'interactions'` → `'Interactions'`,
 * `'ACTION_INTERACTIONS'` → `'Action_Interactions'`. Returns `undefined` for an unknown type.
 */
export function normalizeDatasetType(s: string): DatasetType | undefined {
  const wanted = s.trim().toLowerCase();
  return DATASET_TYPES.find((t) => t.toLowerCase() === wanted);
}

/** A field the dataset type requires or reserves, with the types it may have. */
interface FieldRule {
  readonly types: readonly FieldType[];
  /** Whether the field may be a `null` union. */
  readonly nullable: boolean;
  /** Whether the field may be categorical. */
  readonly categorical: boolean;
}

const strictString: FieldRule = { types: ['string'], nullable: false, categorical: false };
const strictLong: FieldRule = { types: ['long'], nullable: false, categorical: false };
const optionalString: FieldRule = { types: ['string'], nullable: true, categorical: false };
const optionalLong: FieldRule = { types: ['long'], nullable: true, categorical: false };
const optionalWholeNumber: FieldRule = { types: ['long', 'int'], nullable: true, categorical: false };

/** Required fields per dataset type (custom dataset groups). */
const REQUIRED: Readonly<Record<DatasetType, Readonly<Record<string, FieldRule>>>> = {
  Interactions: { USER_ID: strictString, ITEM_ID: strictString, TIMESTAMP: strictLong },
  Items: { ITEM_ID: strictString },
  Users: { USER_ID: strictString },
  Actions: { ACTION_ID: strictString },
  Action_Interactions: {
    USER_ID: strictString,
    ACTION_ID: strictString,
    TIMESTAMP: strictLong,
    EVENT_TYPE: strictString,
  },
};

/** Reserved optional fields per dataset type: they may be absent, but if present must have these types. */
const RESERVED: Readonly<Record<DatasetType, Readonly<Record<string, FieldRule>>>> = {
  Interactions: {
    EVENT_TYPE: optionalString,
    EVENT_VALUE: { types: ['float'], nullable: true, categorical: false },
    IMPRESSION: optionalString,
    RECOMMENDATION_ID: optionalString,
    EVENT_ATTRIBUTION_SOURCE: optionalString,
  },
  Items: { CREATION_TIMESTAMP: optionalLong },
  Users: {},
  Actions: {
    VALUE: optionalWholeNumber,
    CREATION_TIMESTAMP: optionalLong,
    EXPIRATION_TIMESTAMP: optionalLong,
    REPEAT_FREQUENCY: optionalWholeNumber,
  },
  Action_Interactions: {
    IMPRESSION: optionalString,
    RECOMMENDATION_ID: optionalString,
    EVENT_ATTRIBUTION_SOURCE: optionalString,
  },
};

/** Metadata field limits: fields that are neither required nor reserved. */
const METADATA_LIMITS: Readonly<Record<DatasetType, { readonly min: number; readonly max: number }>> = {
  Interactions: { min: 0, max: 5 },
  Items: { min: 1, max: 100 },
  Users: { min: 1, max: 25 },
  Actions: { min: 1, max: 10 },
  Action_Interactions: { min: 0, max: 5 },
};

/** A field a domain's default schema requires on top of the custom rules. */
interface DomainFieldRule {
  readonly types: readonly FieldType[];
  readonly categorical?: boolean;
}

const DOMAIN_REQUIRED: Readonly<
  Record<Domain, Partial<Record<DatasetType, Readonly<Record<string, DomainFieldRule>>>>>
> = {
  ECOMMERCE: {
    Interactions: { EVENT_TYPE: { types: ['string'] } },
    Items: { PRICE: { types: ['float'] }, CATEGORY_L1: { types: ['string'], categorical: true } },
  },
  VIDEO_ON_DEMAND: {
    Interactions: { EVENT_TYPE: { types: ['string'] } },
    Items: { GENRES: { types: ['string'], categorical: true }, CREATION_TIMESTAMP: { types: ['long'] } },
  },
};

/** Avro names: a letter or underscore followed by letters, digits or underscores. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const NESTED_TYPES = new Set(['record', 'array', 'map', 'enum', 'fixed']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFieldType(value: unknown): value is FieldType {
  return typeof value === 'string' && (FIELD_TYPES as readonly string[]).includes(value);
}

/** Describes a type declaration for messages, e.g. `"string"` or `["null","long"]`. */
function describeType(type: unknown): string {
  return JSON.stringify(type) ?? String(type);
}

/** Names the Avro type of a nested declaration, if it is one. */
function nestedKind(type: unknown): string | undefined {
  if (typeof type === 'string' && NESTED_TYPES.has(type)) return type;
  if (isObject(type)) return typeof type['type'] === 'string' ? type['type'] : 'object';
  return undefined;
}

/** Common non-Avro spellings of the allowed types. */
const TYPE_ALIASES: Readonly<Record<string, FieldType>> = {
  integer: 'int',
  number: 'double',
  str: 'string',
  text: 'string',
  bool: 'boolean',
  bigint: 'long',
  timestamp: 'long',
};

const ALLOWED_TYPES_TEXT = `allowed Avro types are ${FIELD_TYPES.join(', ')}, optionally in a union with "null" such as ["null","string"]`;

/**
 * The problem with a field whose type is not an Avro primitive, with the type to use: the one a required or
 * reserved field must have (`rule`), else the closest allowed spelling.
 */
function unknownTypeProblem(name: string, type: unknown, where: string, rule?: FieldRuleHint): string {
  let hint = '';
  if (rule !== undefined) {
    hint = ` (use "${rule.types[0] ?? 'string'}": ${name} is ${rule.kind} for ${rule.datasetType} datasets as ${typeList(rule.types)})`;
  } else if (typeof type === 'string') {
    const suggestion = TYPE_ALIASES[type.toLowerCase()] ?? closestMatch(type, FIELD_TYPES);
    if (suggestion !== undefined) hint = ` (did you mean "${suggestion}"?)`;
  }
  return `Field "${name}" has unknown type ${describeType(type)}${where}${hint}; ${ALLOWED_TYPES_TEXT}.`;
}

/** What a required or reserved field must be, for the hint of an unknown type. */
interface FieldRuleHint {
  readonly types: readonly FieldType[];
  readonly kind: 'required' | 'reserved';
  readonly datasetType: DatasetType;
}

function ruleHint(name: string, datasetType: DatasetType | undefined): FieldRuleHint | undefined {
  if (datasetType === undefined) return undefined;
  const required = REQUIRED[datasetType][name];
  if (required) return { types: required.types, kind: 'required', datasetType };
  const reserved = RESERVED[datasetType][name];
  return reserved ? { types: reserved.types, kind: 'reserved', datasetType } : undefined;
}

/** Resolves a field's `type` to a primitive plus nullability, or returns the problem. */
function resolveType(
  name: string,
  type: unknown,
  datasetType?: DatasetType,
): { type: FieldType; nullable: boolean } | string {
  if (type === undefined) return `Field "${name}" has no "type".`;
  const nested = nestedKind(type);
  if (nested !== undefined) {
    return `Field "${name}" has a nested type (${nested}); Personalize schemas must be flat, with only primitive types.`;
  }
  if (isFieldType(type)) return { type, nullable: false };
  if (type === 'null') {
    return `Field "${name}" has type "null" alone; use a union such as ["null","string"] for a nullable field.`;
  }
  if (Array.isArray(type)) {
    const members: unknown[] = type;
    const nestedMember = members.map(nestedKind).find((k) => k !== undefined);
    if (nestedMember !== undefined) {
      return `Field "${name}" has a nested type (${nestedMember}) in its union; Personalize schemas must be flat, with only primitive types.`;
    }
    const nonNull = members.filter((m) => m !== 'null');
    const nullCount = members.length - nonNull.length;
    const only = nonNull[0];
    if (nullCount === 1 && nonNull.length === 1 && isFieldType(only)) return { type: only, nullable: true };
    if (nonNull.length === 1 && !isFieldType(only)) {
      return unknownTypeProblem(name, only, ' in its union', ruleHint(name, datasetType));
    }
    return `Field "${name}" has union type ${describeType(type)}; a union must be exactly "null" and one of ${FIELD_TYPES.join(', ')}.`;
  }
  return unknownTypeProblem(name, type, '', ruleHint(name, datasetType));
}

/** Reads a boolean attribute; Avro attributes other than `true` count as off. */
function flag(field: Record<string, unknown>, key: string): boolean {
  return field[key] === true;
}

/** Structural reading: returns the fields it could read and every problem found on the way. */
function readSchema(
  json: string,
  datasetType?: DatasetType,
): { schema?: ParsedSchema; problems: string[]; declared: Set<string> } {
  const declared = new Set<string>();
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { problems: [`The schema is not valid JSON: ${reason}.`], declared };
  }
  if (!isObject(root)) {
    return { problems: ['The schema must be a JSON object describing an Avro record.'], declared };
  }
  if (root['type'] !== 'record') {
    return {
      problems: [`The schema must have "type": "record", but has "type": ${describeType(root['type'])}.`],
      declared,
    };
  }
  const problems: string[] = [];
  const recordName = root['name'];
  if (typeof recordName !== 'string' || recordName.length === 0) {
    problems.push('The schema record must have a "name" string.');
  }
  const rawFields = root['fields'];
  if (!Array.isArray(rawFields) || rawFields.length === 0) {
    problems.push('The schema record must have a non-empty "fields" array.');
    return { problems, declared };
  }
  const fields: SchemaField[] = [];
  rawFields.forEach((raw: unknown, index: number) => {
    if (!isObject(raw) || typeof raw['name'] !== 'string') {
      problems.push(`Field #${index + 1} must be an object with a "name" string.`);
      return;
    }
    const name = raw['name'];
    if (!FIELD_NAME.test(name)) {
      problems.push(
        `Field "${name}" has an invalid name; use letters, digits and underscores, starting with a letter or underscore.`,
      );
      return;
    }
    declared.add(name);
    const resolved = resolveType(name, raw['type'], datasetType);
    if (typeof resolved === 'string') {
      problems.push(resolved);
      return;
    }
    fields.push({
      name,
      type: resolved.type,
      nullable: resolved.nullable,
      categorical: flag(raw, 'categorical'),
      textual: flag(raw, 'textual'),
    });
  });
  return {
    schema: { fields, recordName: typeof recordName === 'string' ? recordName : '' },
    problems,
    declared,
  };
}

/**
 * Parses a Personalize schema (Avro record JSON) into its flat list of fields.
 *
 * @throws SchemaError when the text is not valid JSON, not a record, has nested or unknown types,
 *   or has invalid field names. Dataset-type rules are checked by {@link checkSchema}, not here.
 */
export function parseSchema(json: string): ParsedSchema {
  const { schema, problems } = readSchema(json);
  if (schema === undefined || problems.length > 0) throw new SchemaError(problems);
  return schema;
}

/** Field names collide when equal after removing underscores, ignoring case (`GENRES_1` vs `GENRES1`). */
function duplicateNameProblems(fields: readonly SchemaField[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const field of fields) {
    const key = field.name.replace(/_/g, '').toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, field.name);
    } else if (first === field.name) {
      problems.push(`Field "${field.name}" is declared more than once; field names must be unique.`);
    } else {
      problems.push(
        `Field "${field.name}" conflicts with field "${first}": names must be unique after removing underscores, ignoring case.`,
      );
    }
  }
  return problems;
}

function typeList(types: readonly FieldType[]): string {
  return types.join(' or ');
}

/** Checks one required or reserved field against its rule. */
function fieldRuleProblems(
  field: SchemaField,
  rule: FieldRule,
  datasetType: DatasetType,
  kind: 'required' | 'reserved',
): string[] {
  const problems: string[] = [];
  if (!rule.types.includes(field.type)) {
    problems.push(
      `Field "${field.name}" is ${kind} for ${datasetType} datasets and must be of type ${typeList(rule.types)}, but is ${field.type}.`,
    );
  }
  if (field.nullable && !rule.nullable) {
    problems.push(
      `Field "${field.name}" is required for ${datasetType} datasets and must not be nullable; use "type": "${rule.types[0] ?? 'string'}".`,
    );
  }
  if (field.categorical && !rule.categorical) {
    problems.push(
      `Field "${field.name}" is ${kind} for ${datasetType} datasets and must not be categorical.`,
    );
  }
  return problems;
}

/**
 * Required and reserved fields: presence and types. A field in `declared` whose type could not be read is
 * already reported, so it does not count as missing.
 */
function requiredAndReservedProblems(
  fields: readonly SchemaField[],
  datasetType: DatasetType,
  declared: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [name, rule] of Object.entries(REQUIRED[datasetType])) {
    const field = byName.get(name);
    if (field === undefined && declared.has(name)) continue;
    if (field === undefined) {
      problems.push(
        `Field "${name}" is required for ${datasetType} datasets (type ${typeList(rule.types)}) but is missing.`,
      );
    } else {
      problems.push(...fieldRuleProblems(field, rule, datasetType, 'required'));
    }
  }
  for (const [name, rule] of Object.entries(RESERVED[datasetType])) {
    const field = byName.get(name);
    if (field !== undefined) problems.push(...fieldRuleProblems(field, rule, datasetType, 'reserved'));
  }
  return problems;
}

/** Categorical and textual attributes. */
function attributeProblems(fields: readonly SchemaField[], datasetType: DatasetType): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    if (field.categorical && field.type !== 'string') {
      problems.push(
        `Field "${field.name}" is categorical but of type ${field.type}; only string fields can be categorical.`,
      );
    }
    if (field.textual) {
      if (datasetType !== 'Items') {
        problems.push(
          `Field "${field.name}" is textual, but textual fields are only allowed in Items datasets, not ${datasetType}.`,
        );
      } else if (field.type !== 'string') {
        problems.push(
          `Field "${field.name}" is textual but of type ${field.type}; only string fields can be textual.`,
        );
      }
      if (field.categorical) {
        problems.push(`Field "${field.name}" cannot be both categorical and textual.`);
      }
    }
  }
  const textual = fields.filter((f) => f.textual);
  if (datasetType === 'Items' && textual.length > 1) {
    problems.push(
      `Items datasets allow at most 1 textual field, but fields ${textual.map((f) => `"${f.name}"`).join(', ')} are textual.`,
    );
  }
  return problems;
}

/**
 * Number of metadata fields (neither required nor reserved) within the dataset type's limits, counting the
 * `declared` fields whose type could not be read.
 */
function metadataProblems(datasetType: DatasetType, declared: ReadonlySet<string>): string[] {
  const known = new Set([...Object.keys(REQUIRED[datasetType]), ...Object.keys(RESERVED[datasetType])]);
  const metadata = [...declared].filter((name) => !known.has(name)).map((name) => ({ name }));
  const { min, max } = METADATA_LIMITS[datasetType];
  if (metadata.length > max) {
    const names = metadata.map((f) => `"${f.name}"`).join(', ');
    return [
      `${datasetType} datasets allow at most ${max} metadata fields besides the required and reserved ones, but the schema has ${metadata.length}: ${names}.`,
    ];
  }
  if (metadata.length < min) {
    const id = Object.keys(REQUIRED[datasetType])[0] ?? 'ID';
    return [
      `${datasetType} datasets need at least ${min} metadata field besides "${id}", but the schema has none.`,
    ];
  }
  return [];
}

/** Extra fields a domain's default schema requires. */
function domainProblems(
  fields: readonly SchemaField[],
  datasetType: DatasetType,
  domain: Domain,
  declared: ReadonlySet<string>,
): string[] {
  const rules = DOMAIN_REQUIRED[domain][datasetType];
  if (rules === undefined) return [];
  const problems: string[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [name, rule] of Object.entries(rules)) {
    const field = byName.get(name);
    if (field === undefined && declared.has(name)) continue;
    const wanted = `${rule.categorical === true ? 'categorical ' : ''}${typeList(rule.types)}`;
    if (field === undefined) {
      problems.push(
        `Field "${name}" (${wanted}) is required for ${datasetType} datasets in the ${domain} domain but is missing.`,
      );
      continue;
    }
    if (!rule.types.includes(field.type)) {
      problems.push(
        `Field "${name}" must be of type ${typeList(rule.types)} for ${datasetType} datasets in the ${domain} domain, but is ${field.type}.`,
      );
    }
    if (rule.categorical === true && !field.categorical) {
      problems.push(
        `Field "${name}" must be categorical ("categorical": true) for ${datasetType} datasets in the ${domain} domain.`,
      );
    }
  }
  return problems;
}

/**
 * Checks a schema against every Personalize rule for a dataset type.
 *
 * @returns one sentence per violated rule, naming the field; an empty array means the schema is valid.
 */
export function checkSchema(
  datasetType: DatasetType,
  schemaJson: string,
  options: CheckSchemaOptions = {},
): string[] {
  const problems: string[] = [];
  if (schemaJson.length > MAX_SCHEMA_LENGTH) {
    problems.push(`The schema is ${schemaJson.length} characters long; the maximum is ${MAX_SCHEMA_LENGTH}.`);
  }
  const { schema, problems: structural, declared } = readSchema(schemaJson, datasetType);
  problems.push(...structural);
  if (schema === undefined) return problems;
  const { fields } = schema;
  problems.push(
    ...duplicateNameProblems(fields),
    ...requiredAndReservedProblems(fields, datasetType, declared),
    ...attributeProblems(fields, datasetType),
    ...metadataProblems(datasetType, declared),
  );
  if (options.domain !== undefined) {
    problems.push(...domainProblems(fields, datasetType, options.domain, declared));
  }
  return problems;
}

/** The ID fields a dataset type requires (e.g. `USER_ID`, `ITEM_ID` for Interactions). */
export function idFieldsOf(datasetType: DatasetType): string[] {
  return Object.keys(REQUIRED[datasetType]).filter((name) => name.endsWith('_ID'));
}
