/**
 * Request validation of the serving API (core/serving/requests.ts): what each route reads from its query
 * string or body, and the 400 message, which starts with the field, for what it refuses.
 */
import { BadRequest } from '../../core/serving/errors';
import {
  filterValueOf,
  isReservedEventProperty,
  parseCatalogBody,
  parseEventsBody,
  parsePopularQuery,
  parseRankingBody,
  parseRecommendationsQuery,
  parseRelatedQuery,
  readJsonBody,
  RESERVED_EVENT_PROPERTIES,
  type QueryParameters,
} from '../../core/serving/requests';

/** Query parameters from a query string. */
function q(text: string): QueryParameters {
  const out: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) out[name] = [...(out[name] ?? []), value];
  return out;
}

/** The message of the BadRequest `act` throws. */
function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof BadRequest) return error.message;
    throw error;
  }
  throw new Error('expected a BadRequest');
}

describe('GET /recommendations', () => {
  test('reads the user, the number of results, a filter with its values, context and metadata columns', () => {
    const request = parseRecommendationsQuery(
      q(
        'userId=u1&numResults=50&filter=category&CATEGORY=shoes&CATEGORY=bags&context=DEVICE=mobile&metadataColumns=BRAND,PRICE',
      ),
    );

    expect(request).toEqual({
      userId: 'u1',
      numResults: 50,
      filter: { name: 'category', values: { CATEGORY: '"shoes","bags"' } },
      context: { DEVICE: 'mobile' },
      metadataColumns: ['BRAND', 'PRICE'],
    });
  });

  test('uses the session id as the user of an anonymous shopper', () => {
    expect(parseRecommendationsQuery(q('sessionId=s-1'))).toEqual({ userId: 's-1', sessionId: 's-1' });
  });

  test.each([
    ['', 'userId: missing; give userId, or sessionId for an anonymous shopper'],
    ['userId=', 'userId: must not be empty'],
    [`userId=${'x'.repeat(257)}`, 'userId: too long (257 characters); expected at most 256'],
    ['userId=u&numResults=0', 'numResults: expected an integer from 1 to 500, received "0"'],
    ['userId=u&numResults=2.5', 'numResults: expected an integer from 1 to 500, received "2.5"'],
    ['userId=u&numResults=1&numResults=2', 'numResults: given 2 times; expected once'],
    [
      'userId=u&numResults=51&metadataColumns=BRAND',
      'numResults: expected an integer from 1 to 50 when metadataColumns is given, received "51"',
    ],
    ['userId=u&GENRE=x', 'GENRE: not a parameter (GET /recommendations takes userId, sessionId, numResults'],
    ['userId=u&filter=f&bad-name=x', 'bad-name: not a parameter'],
    [
      'userId=u&filter=f&A=say "hi"',
      'A: "say \\"hi\\"" is neither a plain value nor a list of double-quoted values',
    ],
    ['userId=u&context==x', 'context: expected KEY=value'],
    ['userId=u&context=DE-VICE=x', 'context: key "DE-VICE" may contain only letters, digits and _'],
    ['userId=u&metadataColumns=A,B,C,D,E,F,G,H,I,J,K', 'metadataColumns: 11 columns; expected at most 10'],
  ])('refuses %j: %s', (query, message) => {
    expect(refusal(() => parseRecommendationsQuery(q(query))).slice(0, message.length)).toBe(message);
  });
});

describe('GET /items/{itemId}/related and GET /popular', () => {
  test('related reads the item from the path and an optional user', () => {
    expect(parseRelatedQuery('item-1', q('userId=u&numResults=3'))).toEqual({
      itemId: 'item-1',
      userId: 'u',
      numResults: 3,
    });
  });

  test('related refuses a session id, which only the user routes take', () => {
    expect(refusal(() => parseRelatedQuery('item-1', q('sessionId=s')))).toMatch(
      /^sessionId: not a parameter/,
    );
  });

  test('popular needs no user', () => {
    expect(parsePopularQuery(q('numResults=5'))).toEqual({ numResults: 5 });
  });
});

describe('filter values', () => {
  test.each([
    [['shoes'], '"shoes"'],
    [['"shoes","bags"'], '"shoes","bags"'],
    [['12.5'], '12.5'],
    [['a', 'b'], '"a","b"'],
  ])('%j becomes %s', (values, expected) => {
    expect(filterValueOf('X', values)).toBe(expected);
  });
});

describe('POST /rankings', () => {
  test('reads the user, the items and a filter with values given as lists', () => {
    expect(
      parseRankingBody({ sessionId: 's', itemIds: ['a', 'b'], filter: 'f', filterValues: { C: ['x', 2] } }),
    ).toEqual({ userId: 's', itemIds: ['a', 'b'], filter: { name: 'f', values: { C: '"x",2' } } });
  });

  test.each([
    [{}, 'itemIds: missing; expected an array'],
    [{ userId: 'u', itemIds: 'a' }, 'itemIds: expected an array, received string "a"'],
    [{ userId: 'u', itemIds: [''] }, 'itemIds[0]: must not be empty'],
    [{ userId: 'u', itemIds: Array(501).fill('a') }, 'itemIds: too many entries (501); expected at most 500'],
    [
      { userId: 'u', itemIds: Array(51).fill('a'), metadataColumns: ['B'] },
      'itemIds: 51 items; expected at most 50',
    ],
    [{ userId: 'u', itemIds: ['a'], context: { 'a b': 'x' } }, 'context: key "a b" may contain only'],
  ])('refuses %j: %s', (body, message) => {
    expect(refusal(() => parseRankingBody(body)).slice(0, message.length)).toBe(message);
  });
});

describe('POST /events', () => {
  const receivedAt = 1_800_000_000;

  test('reads the events, stamping those without sentAt with the time received', () => {
    const request = parseEventsBody(
      {
        sessionId: 's',
        events: [
          { eventId: 'e1', eventType: 'view', itemId: 'i1' },
          {
            eventId: 'e2',
            eventType: 'buy',
            itemId: 'i2',
            sentAt: '2027-01-15T08:00:00Z',
            impression: ['i1', 'i2'],
          },
        ],
      },
      receivedAt,
    );

    expect(request.events.map((e) => e.sentAt)).toEqual([
      receivedAt,
      Date.parse('2027-01-15T08:00:00Z') / 1000,
    ]);
    expect(request.events[1]?.impression).toEqual(['i1', 'i2']);
  });

  test.each([
    [null, 'body: expected an object, received null'],
    [
      { sessionId: 's', events: [{ eventId: 'e', eventType: 'v', itemId: 'i', sentAt: 'yesterday' }] },
      'events[0].sentAt: expected epoch seconds or an ISO 8601 time',
    ],
    [
      {
        sessionId: 's',
        events: [{ eventId: 'e', eventType: 'v', itemId: 'i', recommendationId: 'r'.repeat(41) }],
      },
      'events[0].recommendationId: too long (41 characters); expected at most 40',
    ],
    [
      { sessionId: 's', events: [{ eventId: 'e', eventType: 'v', itemId: 'i', impression: [] }] },
      'events[0].impression: must not be empty',
    ],
    [
      {
        sessionId: 's',
        events: [{ eventId: 'e', eventType: 'v', itemId: 'i', properties: { EVENT_TYPE: 'x' } }],
      },
      'events[0].properties.EVENT_TYPE: is an event member of its own',
    ],
    [
      {
        sessionId: 's',
        events: [{ eventId: 'e', eventType: 'v', itemId: 'i', properties: { note: 'x'.repeat(1100) } }],
      },
      'events[0].properties: too large',
    ],
    [
      { sessionId: 's', events: [{ eventId: 'e', eventType: 'v', itemId: 'i', itme: 'x' }] },
      'events[0].itme: unknown key "itme"',
    ],
    [
      {
        sessionId: 's',
        events: Array.from({ length: 101 }, (_, i) => ({ eventId: `e${i}`, eventType: 'v', itemId: 'i' })),
      },
      'events: too many entries (101); expected at most 100',
    ],
  ])('refuses %j: %s', (body, message) => {
    expect(refusal(() => parseEventsBody(body, receivedAt)).slice(0, message.length)).toBe(message);
  });
});

describe('reserved event properties', () => {
  const receivedAt = 1_800_000_000;
  const withProperties = (properties: Record<string, string>) => ({
    sessionId: 's',
    events: [{ eventId: 'e', eventType: 'v', itemId: 'i', properties }],
  });

  test.each(['userId', 'USERID', 'userid', 'USER_ID', 'SessionId', 'EVENT_TYPE', 'TimeStamp', 'impression'])(
    'isReservedEventProperty(%p) is true: a PutEvents keyword in any case, or its column',
    (name) => {
      expect(isReservedEventProperty(name)).toBe(true);
    },
  );

  test.each(['numberOfRatings', 'DEVICE', 'itemId', 'eventValue', 'user'])(
    'isReservedEventProperty(%p) is false: not a keyword PutEvents reserves',
    (name) => {
      expect(isReservedEventProperty(name)).toBe(false);
    },
  );

  test.each([...RESERVED_EVENT_PROPERTIES, 'USER_ID', 'recommendationid', 'itemId', 'EVENT_VALUE'])(
    'POST /events refuses the property %s (a PutEvents keyword, or a member of the API event), naming it',
    (name) => {
      expect(refusal(() => parseEventsBody(withProperties({ [name]: 'x' }), receivedAt))).toBe(
        `events[0].properties.${name}: is an event member of its own, not a property`,
      );
    },
  );

  test('POST /events takes properties that fill custom columns', () => {
    const request = parseEventsBody(
      withProperties({ device: 'mobile', NUMBER_OF_RATINGS: '12' }),
      receivedAt,
    );

    expect(request.events[0]?.properties).toEqual({ device: 'mobile', NUMBER_OF_RATINGS: '12' });
  });
});

describe('PUT /items and PUT /users', () => {
  test('read records with their properties', () => {
    expect(
      parseCatalogBody('items', { items: [{ itemId: 'i', properties: { genres: ['a', 'b'] } }] }),
    ).toEqual([{ id: 'i', properties: { genres: ['a', 'b'] } }]);
    expect(parseCatalogBody('users', { users: [{ userId: 'u' }] })).toEqual([{ id: 'u' }]);
  });

  test('refuse the other route’s records', () => {
    expect(refusal(() => parseCatalogBody('users', { items: [{ itemId: 'i' }] }))).toMatch(
      /^body: unknown key "items"|^users: missing/,
    );
  });
});

describe('JSON bodies', () => {
  test.each([
    [null, 'body: missing; expected a JSON object'],
    ['  ', 'body: missing; expected a JSON object'],
    ['{"a":', 'body: not valid JSON'],
  ])('%j is refused', (text, message) => {
    expect(refusal(() => readJsonBody(text)).slice(0, message.length)).toBe(message);
  });
});
