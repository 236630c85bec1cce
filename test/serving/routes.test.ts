/**
 * Every route of the serving API through the local server (`startLocalApi`), with campaigns the local pipeline
 * trained on the sample data: answers, validation errors that name the field, the API-key rules (403), the
 * routing errors (404, 405) and the usage plan (429). The same handler code runs in Lambda.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  call,
  CLIENTS,
  interactionRecords,
  ROOT,
  startServing,
  archivedCsv,
  type ServingFixture,
} from './helpers';

let fx: ServingFixture;

beforeAll(async () => {
  fx = await startServing();
}, 600_000);

afterAll(async () => {
  await fx?.close();
});

const { storefront, catalog, limited } = CLIENTS;

const items = new Map(
  (
    parse(readFileSync(path.join(ROOT, 'sample-data', 'items.csv')), { columns: true }) as Array<
      Record<string, string>
    >
  ).map((item) => [item.ITEM_ID ?? '', item]),
);

function itemIdsOf(body: Record<string, unknown>): string[] {
  return (body.items as Array<{ itemId: string }>).map((item) => item.itemId);
}

describe('the local serving API', () => {
  test('ran the pipeline to deploy the campaigns, and gives each client its own key', () => {
    expect(fx.api.deployment).toBe('deployed');
    expect(Object.keys(fx.api.keys).sort()).toEqual([catalog, limited, storefront].sort());
    expect(new Set(Object.values(fx.api.keys)).size).toBe(3);
  });
});

describe('GET /recommendations', () => {
  test('answers items for a known user, as many as numResults', async () => {
    const reply = await call(fx.api, storefront, 'GET', '/recommendations?userId=user-0001&numResults=7');

    expect(reply.status).toBe(200);
    expect(itemIdsOf(reply.body)).toHaveLength(7);
    expect(typeof reply.body.recommendationId).toBe('string');
  });

  test('serves an anonymous shopper by sessionId, and an unknown user with cold-start items', async () => {
    const anonymous = await call(fx.api, storefront, 'GET', '/recommendations?sessionId=visitor-42');
    const unknown = await call(fx.api, storefront, 'GET', '/recommendations?userId=nobody-ever');

    expect(anonymous.status).toBe(200);
    expect(itemIdsOf(anonymous.body).length).toBeGreaterThan(0);
    expect(unknown.status).toBe(200);
    expect(itemIdsOf(unknown.body).length).toBeGreaterThan(0);
  });

  test('applies a filter of the config by name, with its values as query parameters', async () => {
    const reply = await call(
      fx.api,
      storefront,
      'GET',
      '/recommendations?userId=user-0001&numResults=10&filter=category&CATEGORY=books',
    );

    expect(reply.status).toBe(200);
    const ids = itemIdsOf(reply.body);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => items.get(id)?.CATEGORY_L1 === 'books')).toBe(true);
  });

  test('passes context key=value pairs', async () => {
    const reply = await call(
      fx.api,
      storefront,
      'GET',
      '/recommendations?userId=user-0001&context=DEVICE=mobile&context=LOCATION=home',
    );

    expect(reply.status).toBe(200);
  });

  test.each([
    ['userId=u&numResults=0', 'numResults: expected an integer from 1 to 500'],
    ['userId=u&numResults=501', 'numResults: expected an integer from 1 to 500'],
    ['userId=u&numResults=ten', 'numResults: expected an integer from 1 to 500'],
    ['userId=a&userId=b', 'userId: given 2 times; expected once'],
    ['numResults=5', 'userId: missing; give userId, or sessionId for an anonymous shopper'],
    [
      'userId=user-0001&filter=nope',
      'filter: unknown filter "nope"; the filters are exclude-purchased, category',
    ],
    ['userId=user-0001&CATEGORY=books', 'CATEGORY: not a parameter'],
    ['userId=user-0001&context=DEVICE', 'context: expected KEY=value'],
    ['userId=user-0001&metadataColumns=BAD-NAME', 'metadataColumns: "BAD-NAME" is not a column name'],
    ['userId=user-0001&metadataColumns=BRAND&numResults=60', 'numResults: expected an integer from 1 to 50'],
  ])('answers 400 naming the field for %s', async (query, message) => {
    const reply = await call(fx.api, storefront, 'GET', `/recommendations?${query}`);

    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('BadRequest');
    expect(String(reply.body.message).slice(0, message.length)).toBe(message);
  });

  test('passes on what Personalize refuses as a 400, e.g. metadata from a campaign without it', async () => {
    const reply = await call(
      fx.api,
      storefront,
      'GET',
      '/recommendations?userId=user-0001&metadataColumns=BRAND',
    );

    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('metadataColumns');
  });
});

describe('GET /items/{itemId}/related', () => {
  test('answers items related to the item', async () => {
    const reply = await call(fx.api, storefront, 'GET', '/items/item-0001/related?numResults=5');

    expect(reply.status).toBe(200);
    const ids = itemIdsOf(reply.body);
    expect(ids).toHaveLength(5);
    expect(ids).not.toContain('item-0001');
  });

  test('answers 400 for an item id that is blank once decoded', async () => {
    const reply = await call(fx.api, storefront, 'GET', '/items/%20/related');

    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('BadRequest');
  });
});

describe('POST /rankings', () => {
  test('ranks the given items for the user', async () => {
    const itemIds = ['item-0003', 'item-0001', 'item-0002', 'item-0100'];

    const reply = await call(fx.api, storefront, 'POST', '/rankings', { userId: 'user-0001', itemIds });

    expect(reply.status).toBe(200);
    expect(itemIdsOf(reply.body).sort()).toEqual([...itemIds].sort());
  });

  test.each([
    [{ userId: 'user-0001' }, 'itemIds: missing; expected an array'],
    [{ itemIds: ['item-0001'] }, 'userId: missing; give userId, or sessionId'],
    [{ userId: 'u', itemIds: [] }, 'itemIds: must not be empty'],
    [{ userId: 'u', itemIds: ['a'], color: 'red' }, 'color: unknown key "color"'],
    [{ userId: 'u', itemIds: ['a'], filterValues: { A: 'b' } }, 'filterValues: given without filter'],
    ['{"userId": ', 'body: not valid JSON'],
    ['[1, 2]', 'body: expected an object'],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const reply = await call(fx.api, storefront, 'POST', '/rankings', body);

    expect(reply.status).toBe(400);
    expect(String(reply.body.message).slice(0, message.length)).toBe(message);
  });
});

describe('GET /popular', () => {
  test('answers popular items without a user', async () => {
    const reply = await call(fx.api, storefront, 'GET', '/popular?numResults=3');

    expect(reply.status).toBe(200);
    expect(itemIdsOf(reply.body)).toHaveLength(3);
  });
});

describe('POST /events', () => {
  test('answers 202 once queued, and the consumer records and archives the events', async () => {
    const before = await interactionRecords(fx.api);
    const events = ['item-0010', 'item-0011', 'item-0012'].map((itemId, index) => ({
      eventId: `routes-${index}`,
      eventType: 'view',
      itemId,
      sentAt: 1_790_000_000 + index,
    }));

    const reply = await call(fx.api, storefront, 'POST', '/events', {
      sessionId: 's-1',
      userId: 'user-0002',
      events,
    });
    await fx.api.consumer.drained();

    expect(reply).toMatchObject({ status: 202, body: { accepted: 3 } });
    expect((await interactionRecords(fx.api)) - before).toBe(3);
    const rows = [...(await archivedCsv(fx.api.bucketName)).values()].join('');
    expect(rows).toContain('user-0002,item-0011,1790000001,view');
  });

  test.each([
    [{ events: [{ eventId: 'e', eventType: 'view', itemId: 'i' }] }, 'sessionId: missing; expected a string'],
    [{ sessionId: 's', events: [] }, 'events: must not be empty'],
    [{ sessionId: 's', events: [{ eventId: 'e', eventType: 'view' }] }, 'events[0].itemId: missing'],
    [
      {
        sessionId: 's',
        events: [{ eventId: 'e', eventType: 'view', itemId: 'i', sentAt: 1_790_000_000_000 }],
      },
      'events[0].sentAt:',
    ],
    [
      {
        sessionId: 's',
        events: [
          { eventId: 'e', eventType: 'view', itemId: 'i' },
          { eventId: 'e', eventType: 'view', itemId: 'j' },
        ],
      },
      'events[1].eventId: duplicate of events[0].eventId',
    ],
    [
      {
        sessionId: 's',
        events: [{ eventId: 'e', eventType: 'view', itemId: 'i', properties: { userId: 'x' } }],
      },
      'events[0].properties.userId: is an event member of its own',
    ],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const reply = await call(fx.api, storefront, 'POST', '/events', body);

    expect(reply.status).toBe(400);
    expect(String(reply.body.message).slice(0, message.length)).toBe(message);
  });
});

describe('PUT /items and PUT /users', () => {
  test('upsert catalogue items and user profiles', async () => {
    const itemReply = await call(fx.api, catalog, 'PUT', '/items', {
      items: [
        {
          itemId: 'item-9001',
          properties: {
            categoryL1: 'books',
            categoryL2: 'novels',
            brand: 'Inkwell',
            price: 12.5,
            creationTimestamp: 1_790_000_000,
          },
        },
      ],
    });
    const userReply = await call(fx.api, catalog, 'PUT', '/users', {
      users: [{ userId: 'user-9001', properties: { membership: 'plus', ageGroup: '25-34', region: 'west' } }],
    });

    expect(itemReply).toMatchObject({ status: 200, body: { updated: 1 } });
    expect(userReply).toMatchObject({ status: 200, body: { updated: 1 } });
  });

  test('answer 400 naming the field for malformed records, and for records Personalize refuses', async () => {
    const tooMany = await call(fx.api, catalog, 'PUT', '/items', {
      items: Array.from({ length: 11 }, (_, i) => ({ itemId: `i${i}` })),
    });
    const refused = await call(fx.api, catalog, 'PUT', '/users', {
      users: [{ userId: 'user-9002', properties: { favouriteColour: 'red' } }],
    });

    expect(tooMany.status).toBe(400);
    expect(String(tooMany.body.message)).toMatch(/^items: too many entries \(11\); expected at most 10/);
    expect(refused.status).toBe(400);
    expect(String(refused.body.message)).toContain('FAVOURITE_COLOUR');
  });
});

describe('access', () => {
  test('answers 403 to a request without an API key', async () => {
    const reply = await call(fx.api, undefined, 'GET', '/popular');

    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ error: 'Forbidden', route: 'popular' });
  });

  test('answers 403 naming the route and the client to a key calling a route it may not', async () => {
    const reply = await call(fx.api, catalog, 'GET', '/recommendations?userId=user-0001');

    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ error: 'Forbidden', route: 'recommendations', client: catalog });
    expect(reply.body.message).toBe(
      'client "catalog-sync" may not call route "recommendations"; its key allows items, users',
    );
  });

  test('answers 403 to a key that is no client key', async () => {
    const reply = await call(fx.api, undefined, 'GET', '/popular', undefined, { 'x-api-key': 'guessed' });

    expect(reply.status).toBe(403);
  });

  test('answers 429 with Retry-After past a client rate and burst', async () => {
    const replies = [];
    for (let i = 0; i < 4; i += 1) replies.push(await call(fx.api, limited, 'GET', '/popular?numResults=1'));

    expect(replies.slice(0, 2).map((r) => r.status)).toEqual([200, 200]);
    expect(replies.slice(2).map((r) => r.status)).toEqual([429, 429]);
    expect(replies[2]?.body).toMatchObject({ error: 'TooManyRequests', client: limited });
    expect(Number(replies[2]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  test('sends CORS headers to configured origins only', async () => {
    const allowed = await call(fx.api, storefront, 'GET', '/popular', undefined, {
      origin: 'http://shop.localhost',
    });
    const other = await call(fx.api, storefront, 'GET', '/popular', undefined, {
      origin: 'http://evil.localhost',
    });

    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://shop.localhost');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('routing', () => {
  test('answers 404 to an unknown path, listing the routes', async () => {
    const reply = await call(fx.api, storefront, 'GET', '/recommendation');

    expect(reply.status).toBe(404);
    expect(reply.body.error).toBe('NotFound');
    expect(reply.body.message).toContain('GET /recommendations');
  });

  test('answers 405 with Allow to a known path called with another method', async () => {
    const reply = await call(fx.api, storefront, 'DELETE', '/events');

    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
    expect(reply.body.message).toBe('/events accepts POST, not DELETE');
  });
});
