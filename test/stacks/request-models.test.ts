import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { BadRequest } from '../../core/serving/errors';
import { eventEnvelopeSchema } from '../../core/serving/events';
import {
  parseCatalogBody,
  parseEventsBody,
  parseRankingBody,
  REQUEST_BODY_SCHEMAS,
} from '../../core/serving/requests';
import { requestModelSchema, UnsupportedSchemaError } from '../../lib/constructs/request-models';

describe('requestModelSchema', () => {
  test('turns a zod schema into a draft-4 model: strict objects, optional members, unions and limits', () => {
    // Prepare
    const schema = z.strictObject({
      sessionId: z.string().check(z.minLength(1), z.maxLength(256)),
      sentAt: z.optional(z.union([z.number().check(z.positive()), z.string()])),
      tags: z.optional(z.array(z.string()).check(z.maxLength(25))),
    });

    // Act
    const model = requestModelSchema(schema);

    // Assess
    expect(model).toEqual({
      type: 'object',
      properties: {
        sessionId: { type: 'string', minLength: 1, maxLength: 256 },
        sentAt: {
          anyOf: [{ type: 'number', minimum: 0, exclusiveMinimum: true }, { type: 'string' }],
        },
        tags: { type: 'array', maxItems: 25, items: { type: 'string' } },
      },
      required: ['sessionId'],
      additionalProperties: false,
    });
  });

  test('converts a schema of the serving code (the queued event envelope)', () => {
    const model = requestModelSchema(eventEnvelopeSchema);

    expect(model.required).toEqual(['v', 'sessionId', 'events']);
    expect(model.properties?.events).toMatchObject({ type: 'array', minItems: 1, maxItems: 10 });
  });

  test('refuses a schema without a JSON Schema form, saying so', () => {
    expect(() => requestModelSchema(z.strictObject({ at: z.date() }))).toThrow(UnsupportedSchemaError);
    expect(() => requestModelSchema(z.strictObject({ at: z.date() }))).toThrow(/no JSON Schema form/);
  });
});

/**
 * The models of the serving routes, run by a JSON Schema validator against bodies whose fate the handler
 * decides: the model takes every body the handler takes, refuses the malformed ones at the gateway, and
 * leaves to the handler only what JSON Schema cannot state. Ajv validates draft 7, which reads every keyword
 * a model may hold as draft 4 does but `exclusiveMinimum` / `exclusiveMaximum` (a flag on `minimum` /
 * `maximum` in draft 4, the bound itself in draft 7), so those are rewritten first.
 */
describe('the request models of the serving routes', () => {
  // Strict (an unknown keyword fails), bar two lints on valid draft-4 forms the models use: `required` in a
  // branch without `properties` (the userId-or-sessionId rule of POST /rankings) and a list of types.
  const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  const receivedAt = 1_800_000_000;

  /** The draft-4 model in draft-7 terms. */
  function asDraft7(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map(asDraft7);
    if (typeof schema !== 'object' || schema === null) return schema;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, ...rest } = schema as Record<
      string,
      unknown
    >;
    const out: Record<string, unknown> = Object.fromEntries(
      Object.entries(rest).map(([keyword, value]) => [keyword, asDraft7(value)]),
    );
    if (minimum !== undefined) out[exclusiveMinimum === true ? 'exclusiveMinimum' : 'minimum'] = minimum;
    if (maximum !== undefined) out[exclusiveMaximum === true ? 'exclusiveMaximum' : 'maximum'] = maximum;
    return out;
  }

  const validators = Object.fromEntries(
    Object.entries(REQUEST_BODY_SCHEMAS).map(([route, schema]) => [
      route,
      ajv.compile(asDraft7(requestModelSchema(schema)) as object),
    ]),
  ) as Record<keyof typeof REQUEST_BODY_SCHEMAS, ValidateFunction>;

  const handlers: Record<keyof typeof REQUEST_BODY_SCHEMAS, (body: unknown) => unknown> = {
    ranking: parseRankingBody,
    events: (body) => parseEventsBody(body, receivedAt),
    items: (body) => parseCatalogBody('items', body),
    users: (body) => parseCatalogBody('users', body),
  };

  function handlerTakes(route: keyof typeof REQUEST_BODY_SCHEMAS, body: unknown): boolean {
    try {
      handlers[route](body);
      return true;
    } catch (error) {
      if (error instanceof BadRequest) return false;
      throw error;
    }
  }

  const event = { eventId: 'e1', eventType: 'view', itemId: 'i1' };
  const events = (...list: object[]) => ({ sessionId: 's-1', events: list });

  type Route = keyof typeof REQUEST_BODY_SCHEMAS;
  const valid: Array<[Route, string, unknown]> = [
    ['ranking', 'a user and items', { userId: 'u1', itemIds: ['a', 'b'] }],
    [
      'ranking',
      'a session, a filter with values, context and metadata columns',
      {
        sessionId: 's-1',
        itemIds: ['a'],
        filter: 'category',
        filterValues: { CATEGORY: ['shoes', 2], MAX: 10 },
        context: { DEVICE: 'mobile' },
        metadataColumns: ['BRAND'],
      },
    ],
    ['events', 'one event with the members it needs', events(event)],
    [
      'events',
      'a user, times in seconds and ISO 8601, every optional member',
      {
        ...events(
          { ...event, sentAt: 1_790_000_000.5 },
          {
            eventId: 'e2',
            eventType: 'purchase',
            itemId: 'i2',
            sentAt: '2026-01-31T12:00:00.250+01:00',
            eventValue: 19.9,
            recommendationId: 'r-1',
            impression: ['i1', 'i2'],
            properties: { device: 'mobile', NUMBER_OF_RATINGS: 12, gift: true, tags: ['a', 'b'] },
          },
        ),
        userId: 'u1',
      },
    ],
    [
      'items',
      'an item with a multi-value, a number and a boolean',
      { items: [{ itemId: 'i1', properties: { genres: ['a', 'b'], price: 9.5, inStock: true } }] },
    ],
    [
      'users',
      'two users, one with properties',
      { users: [{ userId: 'u1' }, { userId: 'u2', properties: { membership: 'gold' } }] },
    ],
  ];

  test.each(valid)('the %s model takes a body its handler takes: %s', (route, _what, body) => {
    expect(handlerTakes(route, body)).toBe(true);
    expect(validators[route](body)).toBe(true);
  });

  const malformed: Array<[Route, string, unknown]> = [
    ['ranking', 'neither userId nor sessionId', { itemIds: ['a'] }],
    ['ranking', 'no itemIds', { userId: 'u1' }],
    ['ranking', 'itemIds not a list', { userId: 'u1', itemIds: 'a' }],
    ['ranking', 'an empty item id', { userId: 'u1', itemIds: [''] }],
    ['ranking', '501 items', { userId: 'u1', itemIds: Array.from({ length: 501 }, (_, i) => `i${i}`) }],
    ['ranking', 'an unknown member', { userId: 'u1', itemIds: ['a'], numResults: 5 }],
    ['events', 'no sessionId', { events: [event] }],
    ['events', 'no events', events()],
    [
      'events',
      '101 events',
      events(...Array.from({ length: 101 }, (_, i) => ({ ...event, eventId: `e${i}` }))),
    ],
    ['events', 'an event without itemId', events({ eventId: 'e1', eventType: 'view' })],
    ['events', 'sentAt in words', events({ ...event, sentAt: 'yesterday' })],
    ['events', 'sentAt in milliseconds', events({ ...event, sentAt: 1_790_000_000_000 })],
    ['events', 'sentAt of zero', events({ ...event, sentAt: 0 })],
    ['events', 'a recommendationId of 41 characters', events({ ...event, recommendationId: 'r'.repeat(41) })],
    [
      'events',
      '26 impressions',
      events({ ...event, impression: Array.from({ length: 26 }, (_, i) => `i${i}`) }),
    ],
    ['events', 'an object property', events({ ...event, properties: { size: { eu: 42 } } })],
    ['events', 'a misspelt member', events({ ...event, itme: 'i1' })],
    ['events', 'a body that is a list', [event]],
    ['items', 'no items', {}],
    ['items', '11 items', { items: Array.from({ length: 11 }, (_, i) => ({ itemId: `i${i}` })) }],
    ['items', 'an item without itemId', { items: [{ properties: { price: 1 } }] }],
    ['users', 'the items route body', { items: [{ itemId: 'i1' }] }],
    ['users', 'a numeric userId', { users: [{ userId: 7 }] }],
  ];

  test.each(malformed)('the %s model refuses %s, as its handler does', (route, _what, body) => {
    expect(handlerTakes(route, body)).toBe(false);
    expect(validators[route](body)).toBe(false);
  });

  const handlerOnly: Array<[Route, string, unknown]> = [
    ['ranking', 'filterValues without filter', { userId: 'u1', itemIds: ['a'], filterValues: { C: 'x' } }],
    [
      'ranking',
      '51 items with metadataColumns',
      { userId: 'u1', itemIds: Array.from({ length: 51 }, (_, i) => `i${i}`), metadataColumns: ['BRAND'] },
    ],
    ['events', 'two events with one eventId', events(event, { ...event, itemId: 'i2' })],
    ['events', 'a reserved property', events({ ...event, properties: { userId: 'u2' } })],
    ['events', 'a time that does not exist', events({ ...event, sentAt: '2026-13-01T00:00:00Z' })],
    ['events', 'a property name with a dash', events({ ...event, properties: { 'gift-wrap': 'yes' } })],
    [
      'events',
      'properties over 1024 characters',
      events({ ...event, properties: { note: 'x'.repeat(1100) } }),
    ],
    [
      'items',
      'properties over 32,000 characters',
      { items: [{ itemId: 'i', properties: { d: 'x'.repeat(32_001) } }] },
    ],
  ];

  test('no model refuses a body its handler takes (random bodies near the events and ranking shapes)', () => {
    // Mostly valid values with a few wrong ones, so that both verdicts are common; JSON round trip as sent.
    const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
      fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
    const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined, freq: 2 });
    const anId = mostly(
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.constantFrom('', 'x'.repeat(257), 7, null),
    );
    const eventArb = fc.record({
      eventId: anId,
      eventType: anId,
      itemId: optional(anId),
      sentAt: optional(
        mostly(
          fc.oneof(
            fc.double({ min: 1, max: 2e9, noNaN: true }),
            fc.constantFrom('2026-01-31T12:00:00Z', '2026-01-31T12:00:00.5+01:00'),
          ),
          fc.constantFrom(0, -1, 2e11, '2026-13-01T00:00:00Z', 'yesterday', '2026-01-31', true),
        ),
      ),
      eventValue: optional(mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string())),
      recommendationId: optional(
        mostly(fc.string({ minLength: 1, maxLength: 40 }), fc.constant('r'.repeat(41))),
      ),
      impression: optional(fc.array(anId, { maxLength: 26 })),
      properties: optional(
        fc.dictionary(
          mostly(fc.constantFrom('device', 'NUMBER_OF_RATINGS'), fc.constantFrom('userId', 'a-b', '_x')),
          mostly(
            fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 })),
            fc.oneof(fc.object(), fc.array(fc.integer(), { minLength: 1 })),
          ),
          { maxKeys: 3 },
        ),
      ),
      itme: fc.option(fc.string(), { nil: undefined, freq: 10 }),
    });
    const eventsArb = fc.record({
      sessionId: optional(anId),
      userId: optional(anId),
      events: mostly(fc.array(eventArb, { minLength: 1, maxLength: 3 }), fc.constantFrom([], 'e')),
    });
    const rankingArb = fc.record({
      userId: optional(anId),
      sessionId: optional(anId),
      itemIds: mostly(fc.array(anId, { minLength: 1, maxLength: 3 }), fc.constantFrom([], 'a')),
      filter: optional(anId),
      filterValues: optional(
        fc.dictionary(
          mostly(fc.constantFrom('C', 'MAX'), fc.constant('a-b')),
          mostly(
            fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { minLength: 1 })),
            fc.constant([]),
          ),
          { maxKeys: 2 },
        ),
      ),
      context: optional(
        fc.dictionary(mostly(fc.constant('DEVICE'), fc.constant('a b')), mostly(fc.string(), fc.integer()), {
          maxKeys: 2,
        }),
      ),
      metadataColumns: optional(
        fc.array(mostly(fc.constant('BRAND'), fc.constant('bad-name')), { minLength: 1, maxLength: 2 }),
      ),
    });
    const cases = fc.oneof(
      eventsArb.map((body) => ['events', body] as const),
      rankingArb.map((body) => ['ranking', body] as const),
    );
    const verdicts = { taken: 0, refused: 0 };

    fc.assert(
      fc.property(cases, ([route, generated]) => {
        const body: unknown = JSON.parse(JSON.stringify(generated));
        if (!handlerTakes(route, body)) {
          verdicts.refused += 1;
          return;
        }
        verdicts.taken += 1;
        expect(validators[route](body)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // Both verdicts were common enough for the property to mean something.
    expect(Math.min(verdicts.taken, verdicts.refused)).toBeGreaterThan(200);
  });

  test.each(handlerOnly)(
    'the %s model leaves %s to its handler, which refuses it naming the field',
    (route, _what, body) => {
      expect(handlerTakes(route, body)).toBe(false);
      expect(validators[route](body)).toBe(true);
    },
  );
});
