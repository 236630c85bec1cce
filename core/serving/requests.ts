/**
 * Request validation of the serving API: every query string and body is read here into a typed request,
 * and anything malformed becomes a {@link BadRequest} whose message starts with the field, e.g.
 * `numResults: expected an integer from 1 to 500` or `events[2].itemId: missing; expected a string`.
 *
 * The limits are Personalize's (personalize-api.md, runtime and events): ids up to 256 characters, at most
 * 500 results (50 with item metadata), 150 context entries, 25 filter values, 10 events per PutEvents call.
 */
import * as z from 'zod/mini';
import { configErrorMap, formatIssues } from '../config/messages';
import type { ServingRoute } from '../config/serving-routes';
import { BadRequest } from './errors';

/** Query string parameters by name, each with every value it was given. */
export type QueryParameters = Readonly<Record<string, readonly string[]>>;

/** Most characters of a user, session, item or event id. */
export const MAX_ID_LENGTH = 256;
/** Most results of GetRecommendations, and items of GetPersonalizedRanking. */
export const MAX_RESULTS = 500;
/** Most results (or ranked items) when item metadata is requested. */
export const MAX_RESULTS_WITH_METADATA = 50;
/** Most item metadata columns a request may ask for. */
export const MAX_METADATA_COLUMNS = 10;
/** Most context entries. */
export const MAX_CONTEXT_ENTRIES = 150;
/** Most filter values. */
export const MAX_FILTER_VALUES = 25;
/** Most events one request to POST /events may carry. */
export const MAX_EVENTS_PER_REQUEST = 100;
/** Most records of one PUT /items or PUT /users request (one PutItems / PutUsers call). */
export const MAX_RECORDS_PER_REQUEST = 10;
/** Largest event, serialized (Personalize's event size limit). */
export const MAX_EVENT_BYTES = 10 * 1024;

const CONTEXT_KEY = /^[A-Za-z\d_]{1,150}$/;
const FILTER_KEY = /^[A-Za-z0-9_]{1,50}$/;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,149}$/;
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,149}$/;
/**
 * The keywords an event's `properties` must not use, as PutEvents documents them (`Event.properties`: "The
 * following can't be included as a keyword for properties (case insensitive)"): the members Personalize
 * records from the call and the event themselves. The emulator refuses them too (local/emulator/events.ts).
 */
export const RESERVED_EVENT_PROPERTIES = [
  'userId',
  'sessionId',
  'eventType',
  'timestamp',
  'recommendationId',
  'impression',
] as const;

/**
 * Members of an API event ({@link ApiEvent}) that Personalize does not list among its reserved keywords,
 * yet a property of the same name would fill the same Interactions column a second time (`itemId` →
 * `ITEM_ID`): the API refuses them as well, before an event is queued rather than in the consumer.
 */
const API_EVENT_MEMBERS = ['itemId', 'eventValue'] as const;

/** A property name compared as Personalize compares keywords: without case, and `USER_ID` as `userId`. */
const keywordOf = (name: string): string => name.replace(/_/g, '').toLowerCase();

const RESERVED_KEYWORDS = new Set(RESERVED_EVENT_PROPERTIES.map(keywordOf));
const API_RESERVED_KEYWORDS = new Set([...RESERVED_KEYWORDS, ...API_EVENT_MEMBERS.map(keywordOf)]);

/**
 * True when `name` is one of {@link RESERVED_EVENT_PROPERTIES} in any case (`userId`, `USERID`), or names
 * its column (`USER_ID`): Personalize refuses an event whose `properties` hold it.
 */
export function isReservedEventProperty(name: string): boolean {
  return RESERVED_KEYWORDS.has(keywordOf(name));
}

/** Epoch seconds above this are milliseconds sent by mistake (the year 5138). */
const MAX_EPOCH_SECONDS = 1e11;

/** A filter by its config name, with the values of its `$PARAMETERS` in Personalize's format. */
export interface FilterRequest {
  readonly name: string;
  readonly values: Readonly<Record<string, string>>;
}

/** The shared optional members of the read routes. */
export interface ReadOptions {
  readonly numResults?: number;
  readonly filter?: FilterRequest;
  readonly context?: Readonly<Record<string, string>>;
  readonly metadataColumns?: readonly string[];
}

/** GET /recommendations and GET /popular. */
export interface RecommendationsRequest extends ReadOptions {
  /** The user, or the anonymous shopper's session id used as user id. */
  readonly userId?: string;
  /** The session, when the query names one (experiments split by session read it). */
  readonly sessionId?: string;
}

/** GET /items/{itemId}/related. */
export interface RelatedRequest extends ReadOptions {
  readonly itemId: string;
  readonly userId?: string;
}

/** POST /rankings. */
export interface RankingRequest extends Omit<ReadOptions, 'numResults'> {
  readonly userId: string;
  readonly itemIds: readonly string[];
}

/** One event of POST /events, checked, with `sentAt` in epoch seconds. */
export interface ApiEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly itemId: string;
  readonly sentAt: number;
  readonly eventValue?: number;
  readonly recommendationId?: string;
  readonly impression?: readonly string[];
  readonly properties?: Readonly<Record<string, PropertyValue>>;
  /**
   * The experiment variant the event follows (`<experiment>:<variant>`, as a read response names it), sent
   * to Personalize as the event's `metricAttribution.eventAttributionSource`.
   */
  readonly attributionSource?: string;
}

/** POST /events. */
export interface EventsRequest {
  readonly sessionId: string;
  readonly userId?: string;
  readonly events: readonly ApiEvent[];
}

/** A value of an item, user or event property; a list is a categorical multi-value (`a|b`). */
export type PropertyValue = string | number | boolean | readonly string[];

/** One record of PUT /items or PUT /users. */
export interface CatalogRecord {
  readonly id: string;
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

// ---------------------------------------------------------------------------------------------
// Query strings

/** The parameters each read route takes; any other is a filter value (with `filter`) or an error. */
const READ_PARAMETERS = {
  recommendations: ['userId', 'sessionId', 'numResults', 'filter', 'context', 'metadataColumns'],
  related: ['userId', 'numResults', 'filter', 'context', 'metadataColumns'],
  popular: ['userId', 'sessionId', 'numResults', 'filter', 'context', 'metadataColumns'],
} as const;

type ReadRoute = keyof typeof READ_PARAMETERS;

const ROUTE_LINE: Readonly<Record<ReadRoute, string>> = {
  recommendations: 'GET /recommendations',
  related: 'GET /items/{itemId}/related',
  popular: 'GET /popular',
};

/** The one value of a parameter, or `undefined`. @throws BadRequest when it is repeated. */
function single(query: QueryParameters, name: string): string | undefined {
  const values = Object.hasOwn(query, name) ? query[name] : undefined;
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new BadRequest(`${name}: given ${values.length} times; expected once`);
  return values[0];
}

/** Checks an id: 1 to 256 characters. */
export function checkId(field: string, value: string): string {
  if (value.length === 0) throw new BadRequest(`${field}: must not be empty`);
  if (value.length > MAX_ID_LENGTH)
    throw new BadRequest(
      `${field}: too long (${value.length} characters); expected at most ${MAX_ID_LENGTH}`,
    );
  return value;
}

function optionalId(query: QueryParameters, name: string): string | undefined {
  const value = single(query, name);
  return value === undefined ? undefined : checkId(name, value);
}

function numResultsOf(query: QueryParameters, withMetadata: boolean): number | undefined {
  const raw = single(query, 'numResults');
  if (raw === undefined) return undefined;
  const max = withMetadata ? MAX_RESULTS_WITH_METADATA : MAX_RESULTS;
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= max)) {
    throw new BadRequest(
      `numResults: expected an integer from 1 to ${max}${withMetadata ? ' when metadataColumns is given' : ''}, received ${JSON.stringify(raw.slice(0, 20))}`,
    );
  }
  return value;
}

function metadataColumnsOf(query: QueryParameters): string[] | undefined {
  const values = Object.hasOwn(query, 'metadataColumns') ? query.metadataColumns : undefined;
  if (values === undefined || values.length === 0) return undefined;
  const columns = values.flatMap((value) => value.split(',')).map((column) => column.trim());
  return checkColumns('metadataColumns', columns);
}

function checkColumns(field: string, columns: readonly string[]): string[] {
  if (columns.length > MAX_METADATA_COLUMNS)
    throw new BadRequest(`${field}: ${columns.length} columns; expected at most ${MAX_METADATA_COLUMNS}`);
  for (const column of columns) {
    if (!COLUMN_NAME.test(column))
      throw new BadRequest(
        `${field}: ${JSON.stringify(column.slice(0, 60))} is not a column name (letters, digits and _, e.g. CATEGORY_L1)`,
      );
  }
  return [...new Set(columns)];
}

function contextOf(query: QueryParameters): Record<string, string> | undefined {
  const values = Object.hasOwn(query, 'context') ? query.context : undefined;
  if (values === undefined || values.length === 0) return undefined;
  const pairs = values.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new BadRequest(
        `context: expected KEY=value, e.g. context=DEVICE=mobile, received ${JSON.stringify(pair.slice(0, 60))}`,
      );
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });
  // fromEntries defines every key as data, `__proto__` included.
  return checkContext('context', Object.fromEntries(pairs));
}

function checkContext(field: string, context: Record<string, string>): Record<string, string> {
  const entries = Object.entries(context);
  if (entries.length > MAX_CONTEXT_ENTRIES)
    throw new BadRequest(`${field}: ${entries.length} entries; expected at most ${MAX_CONTEXT_ENTRIES}`);
  for (const [key, value] of entries) {
    if (!CONTEXT_KEY.test(key))
      throw new BadRequest(
        `${field}: key ${JSON.stringify(key.slice(0, 60))} may contain only letters, digits and _ (at most 150)`,
      );
    if (value.length > 1000)
      throw new BadRequest(`${field}.${key}: too long (${value.length} characters); expected at most 1000`);
  }
  return context;
}

/**
 * One filter parameter's values in Personalize's format: a comma-separated list of double-quoted
 * strings. Each given value may already be such a list (`"shoes","bags"`), a number, or a plain string,
 * which is quoted (`shoes` → `"shoes"`).
 */
export function filterValueOf(field: string, values: readonly string[]): string {
  const parts = values.map((value) => {
    if (/^"[^"]*"(,"[^"]*")*$/.test(value)) return value;
    if (/^-?\d+(\.\d+)?$/.test(value)) return value;
    if (value.includes('"'))
      throw new BadRequest(
        `${field}: ${JSON.stringify(value.slice(0, 60))} is neither a plain value nor a list of double-quoted values such as "shoes","bags"`,
      );
    return `"${value}"`;
  });
  const text = parts.join(',');
  if (text === '') throw new BadRequest(`${field}: must not be empty`);
  if (text.length > 1000)
    throw new BadRequest(`${field}: too long (${text.length} characters); expected at most 1000`);
  return text;
}

function filterOf(query: QueryParameters, route: ReadRoute): FilterRequest | undefined {
  const known: readonly string[] = READ_PARAMETERS[route];
  const name = single(query, 'filter');
  const extra = Object.keys(query).filter((key) => !known.includes(key));
  const listed = `${ROUTE_LINE[route]} takes ${known.join(', ')}`;
  for (const key of extra) {
    if (!FILTER_KEY.test(key))
      throw new BadRequest(
        `${key.slice(0, 60)}: not a parameter (${listed}, and filter values named with letters, digits and _)`,
      );
    if (name === undefined)
      throw new BadRequest(`${key}: not a parameter (${listed}); a filter value needs filter=<filter name>`);
  }
  if (name === undefined) return undefined;
  checkId('filter', name);
  if (extra.length > MAX_FILTER_VALUES)
    throw new BadRequest(`filter: ${extra.length} filter values; expected at most ${MAX_FILTER_VALUES}`);
  const values = Object.fromEntries(extra.map((key) => [key, filterValueOf(key, query[key] ?? [])]));
  return { name, values };
}

function readOptions(query: QueryParameters, route: ReadRoute): ReadOptions {
  const metadataColumns = metadataColumnsOf(query);
  const numResults = numResultsOf(query, metadataColumns !== undefined);
  const filter = filterOf(query, route);
  const context = contextOf(query);
  return {
    ...(numResults !== undefined ? { numResults } : {}),
    ...(filter ? { filter } : {}),
    ...(context ? { context } : {}),
    ...(metadataColumns ? { metadataColumns } : {}),
  };
}

/** The user of a read: `userId`, else the anonymous shopper's `sessionId` (Personalize serves its events). */
function shopperOf(query: QueryParameters): string | undefined {
  return optionalId(query, 'userId') ?? optionalId(query, 'sessionId');
}

/** Reads GET /recommendations: `userId` or `sessionId` is required. */
export function parseRecommendationsQuery(query: QueryParameters): RecommendationsRequest {
  const userId = shopperOf(query);
  if (userId === undefined)
    throw new BadRequest('userId: missing; give userId, or sessionId for an anonymous shopper');
  const sessionId = optionalId(query, 'sessionId');
  return {
    userId,
    ...(sessionId !== undefined ? { sessionId } : {}),
    ...readOptions(query, 'recommendations'),
  };
}

/** Reads GET /popular: the user is optional (filters on the user need it). */
export function parsePopularQuery(query: QueryParameters): RecommendationsRequest {
  const userId = shopperOf(query);
  const sessionId = optionalId(query, 'sessionId');
  return {
    ...(userId !== undefined ? { userId } : {}),
    ...(sessionId !== undefined ? { sessionId } : {}),
    ...readOptions(query, 'popular'),
  };
}

/** Reads GET /items/{itemId}/related; `itemId` is the decoded path parameter. */
export function parseRelatedQuery(itemId: string | undefined, query: QueryParameters): RelatedRequest {
  const item = checkId('itemId', itemId ?? '');
  const userId = optionalId(query, 'userId');
  return { itemId: item, ...(userId !== undefined ? { userId } : {}), ...readOptions(query, 'related') };
}

// ---------------------------------------------------------------------------------------------
// JSON bodies

/** Parses a JSON body. @throws BadRequest when it is missing or not JSON. */
export function readJsonBody(body: string | null | undefined): unknown {
  if (body === null || body === undefined || body.trim() === '')
    throw new BadRequest('body: missing; expected a JSON object');
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new BadRequest(`body: not valid JSON (${(error as Error).message.slice(0, 120)})`);
  }
}

/** Validates with a schema; the first problem becomes a BadRequest naming its field. */
function validate<T>(schema: z.core.$ZodType<T>, value: unknown): T {
  const result = z.safeParse(schema, value, { error: configErrorMap });
  if (result.success) return result.data;
  const first = formatIssues(result.error.issues)[0] ?? 'body: invalid';
  throw new BadRequest(first.startsWith('(root)') ? `body${first.slice('(root)'.length)}` : first);
}

const id = (max = MAX_ID_LENGTH) => z.string().check(z.minLength(1), z.maxLength(max));

const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** camelCase or UPPER_SNAKE property name → the schema column it fills (`categoryL1` → `CATEGORY_L1`). */
export function columnOf(property: string): string {
  return property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

type Properties = Record<string, string | number | boolean | string[]>;

/** A `properties` object of at most `maxChars` characters as JSON, without the `reserved` keywords (see keywordOf). */
const properties = (maxChars: number, reserved: ReadonlySet<string> = new Set()) =>
  z
    .record(
      z
        .string()
        .check(
          z.regex(PROPERTY_NAME, { error: 'property names start with a letter; letters, digits and _' }),
        ),
      propertyValue,
    )
    .check(
      z.superRefine((value: Properties, ctx) => {
        for (const key of Object.keys(value)) {
          if (reserved.has(keywordOf(key)))
            ctx.issues.push({
              code: 'custom',
              input: value,
              path: [key],
              message: 'is an event member of its own, not a property',
            });
        }
        const size = JSON.stringify(value).length;
        if (size > maxChars)
          ctx.issues.push({
            code: 'custom',
            input: value,
            message: `too large (${size} characters as JSON); expected at most ${maxChars}`,
          });
      }),
    );

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const SENT_AT_ERROR = 'expected epoch seconds or an ISO 8601 time such as 2026-01-31T12:00:00Z';

/**
 * When an event happened: epoch seconds, or an ISO 8601 time with its offset. A union of two plain types, so
 * that it has a JSON Schema form (the request model); only the check that the time exists (no month 13, no
 * hour 25) is the handler's alone. Every refusal has the one message.
 */
const sentAt = z.union(
  [
    z
      .number()
      .check(z.positive({ error: SENT_AT_ERROR }), z.lte(MAX_EPOCH_SECONDS, { error: SENT_AT_ERROR })),
    z.string().check(
      z.regex(ISO_TIME, { error: SENT_AT_ERROR }),
      z.refine((value) => Number.isFinite(Date.parse(value)), { error: SENT_AT_ERROR }),
    ),
  ],
  { error: SENT_AT_ERROR },
);

const eventSchema = z
  .strictObject({
    eventId: id(),
    eventType: id(),
    // Required: every event is recorded in the Interactions dataset, whose ITEM_ID is required.
    itemId: id(),
    sentAt: z.optional(sentAt),
    eventValue: z.optional(z.number()),
    recommendationId: z.optional(id(40)),
    impression: z.optional(z.array(id()).check(z.minLength(1), z.maxLength(25))),
    properties: z.optional(properties(1024, API_RESERVED_KEYWORDS)),
    attributionSource: z.optional(id(1024)),
  })
  .check(
    z.superRefine((event, ctx) => {
      const bytes = Buffer.byteLength(JSON.stringify(event));
      if (bytes > MAX_EVENT_BYTES)
        ctx.issues.push({
          code: 'custom',
          input: event,
          message: `too large (${bytes} bytes); an event may have 10 KB`,
        });
    }),
  );

const eventsBodySchema = z
  .strictObject({
    sessionId: id(),
    userId: z.optional(id()),
    events: z.array(eventSchema).check(z.minLength(1), z.maxLength(MAX_EVENTS_PER_REQUEST)),
  })
  .check(
    z.superRefine((body, ctx) => {
      const first = new Map<string, number>();
      body.events.forEach((event, index) => {
        const earlier = first.get(event.eventId);
        if (earlier !== undefined)
          ctx.issues.push({
            code: 'custom',
            input: event.eventId,
            path: ['events', index, 'eventId'],
            message: `duplicate of events[${earlier}].eventId; each event needs its own eventId`,
          });
        else first.set(event.eventId, index);
      });
    }),
  );

/** Epoch seconds of an API `sentAt` (a number of seconds or an ISO 8601 time), else of `receivedAt`. */
function epochSecondsOf(sentAt: number | string | undefined, receivedAt: number): number {
  if (sentAt === undefined) return receivedAt;
  return typeof sentAt === 'number' ? sentAt : Date.parse(sentAt) / 1000;
}

/**
 * Reads POST /events: `{ sessionId, userId?, events: [{ eventId, eventType, itemId, sentAt?, ... }] }`.
 * Events without `sentAt` are stamped with `receivedAt` (epoch seconds).
 */
export function parseEventsBody(body: unknown, receivedAt: number): EventsRequest {
  const parsed = validate(eventsBodySchema, body);
  return {
    sessionId: parsed.sessionId,
    ...(parsed.userId !== undefined ? { userId: parsed.userId } : {}),
    events: parsed.events.map(({ sentAt, ...event }) => ({
      ...event,
      sentAt: epochSecondsOf(sentAt, receivedAt),
    })),
  };
}

const filterValuesSchema = z.record(
  z
    .string()
    .check(z.regex(FILTER_KEY, { error: 'filter value names contain letters, digits and _ (at most 50)' })),
  z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).check(z.minLength(1))]),
);

const rankingBodySchema = z
  .strictObject({
    userId: z.optional(id()),
    sessionId: z.optional(id()),
    itemIds: z.array(id()).check(z.minLength(1), z.maxLength(MAX_RESULTS)),
    context: z.optional(z.record(z.string(), z.string())),
    filter: z.optional(id()),
    filterValues: z.optional(filterValuesSchema),
    metadataColumns: z.optional(z.array(z.string()).check(z.minLength(1))),
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.userId === undefined && body.sessionId === undefined)
        ctx.issues.push({
          code: 'custom',
          input: body,
          path: ['userId'],
          message: 'missing; give userId, or sessionId for an anonymous shopper',
        });
      if (body.metadataColumns && body.itemIds.length > MAX_RESULTS_WITH_METADATA)
        ctx.issues.push({
          code: 'custom',
          input: body.itemIds,
          path: ['itemIds'],
          message: `${body.itemIds.length} items; expected at most ${MAX_RESULTS_WITH_METADATA} when metadataColumns is given`,
        });
      if (body.filterValues && body.filter === undefined)
        ctx.issues.push({
          code: 'custom',
          input: body.filterValues,
          path: ['filterValues'],
          message: 'given without filter',
        });
    }),
    // The first rule above in JSON Schema, for the request model: the gateway refuses a body without either.
    z.meta({ anyOf: [{ required: ['userId'] }, { required: ['sessionId'] }] }),
  );

/** Reads POST /rankings: `{ userId (or sessionId), itemIds, context?, filter?, filterValues?, metadataColumns? }`. */
export function parseRankingBody(body: unknown): RankingRequest {
  const parsed = validate(rankingBodySchema, body);
  const context = parsed.context ? checkContext('context', parsed.context) : undefined;
  const metadataColumns = parsed.metadataColumns
    ? checkColumns('metadataColumns', parsed.metadataColumns)
    : undefined;
  const values = Object.entries(parsed.filterValues ?? {});
  if (values.length > MAX_FILTER_VALUES)
    throw new BadRequest(`filterValues: ${values.length} entries; expected at most ${MAX_FILTER_VALUES}`);
  const filter =
    parsed.filter === undefined
      ? undefined
      : {
          name: parsed.filter,
          values: Object.fromEntries(
            values.map(([key, value]) => [
              key,
              filterValueOf(`filterValues.${key}`, [value].flat().map(String)),
            ]),
          ),
        };
  return {
    userId: parsed.userId ?? parsed.sessionId ?? '',
    itemIds: parsed.itemIds,
    ...(context ? { context } : {}),
    ...(filter ? { filter } : {}),
    ...(metadataColumns ? { metadataColumns } : {}),
  };
}

/** The record lists of the catalogue routes: `items` of items, `users` of users. */
export type CatalogKind = 'items' | 'users';

const catalogSchemas = {
  items: z.strictObject({
    items: z
      .array(z.strictObject({ itemId: id(), properties: z.optional(properties(32_000)) }))
      .check(z.minLength(1), z.maxLength(MAX_RECORDS_PER_REQUEST)),
  }),
  users: z.strictObject({
    users: z
      .array(z.strictObject({ userId: id(), properties: z.optional(properties(24_000)) }))
      .check(z.minLength(1), z.maxLength(MAX_RECORDS_PER_REQUEST)),
  }),
};

/**
 * The schema of each route's JSON body, as its handler validates it: POST /rankings, POST /events, PUT /items
 * and PUT /users. The API Gateway request models are generated from it (lib/constructs/request-models.ts),
 * so the gateway refuses by the same rules, bar the refinements JSON Schema cannot state (sizes in bytes,
 * duplicate event ids, reserved property names, times that do not exist), which the handler checks.
 */
export const REQUEST_BODY_SCHEMAS = {
  ranking: rankingBodySchema,
  events: eventsBodySchema,
  items: catalogSchemas.items,
  users: catalogSchemas.users,
} as const satisfies Readonly<Partial<Record<ServingRoute, z.core.$ZodType>>>;

/** Reads PUT /items (`{ items: [{ itemId, properties }] }`) or PUT /users (`{ users: [{ userId, properties }] }`). */
export function parseCatalogBody(kind: CatalogKind, body: unknown): CatalogRecord[] {
  if (kind === 'items')
    return validate(catalogSchemas.items, body).items.map(({ itemId, properties: p }) => ({
      id: itemId,
      ...(p ? { properties: p } : {}),
    }));
  return validate(catalogSchemas.users, body).users.map(({ userId, properties: p }) => ({
    id: userId,
    ...(p ? { properties: p } : {}),
  }));
}
