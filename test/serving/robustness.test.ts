/**
 * Property: whatever a client sends — any method, path, query string, body or headers, well-formed or not —
 * the serving API answers, and never with a 5xx. Requests go over plain node:http, so paths and methods
 * reach the server as written.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { SERVING_API } from '../../core/serving/routes';
import { CLIENTS, startServing, type ServingFixture } from './helpers';

let fx: ServingFixture;

beforeAll(async () => {
  fx = await startServing();
}, 600_000);

afterAll(async () => {
  await fx?.close();
});

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** Sends a request as written; rejects when the connection drops without an answer. */
function send(url: string, raw: RawRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: raw.method,
        path: raw.path,
        headers: {
          ...raw.headers,
          ...(raw.body !== undefined ? { 'content-length': String(Buffer.byteLength(raw.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

const word = fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/);
const encoded = fc.string({ maxLength: 20, unit: 'grapheme' }).map((s) => encodeURIComponent(s));
const segment = fc.oneof(
  fc.constantFrom(
    'recommendations',
    'items',
    'related',
    'rankings',
    'popular',
    'events',
    'users',
    'item-0001',
    '..',
    '.',
    '',
    '%2F',
    '%zz',
    '%00',
    '%E2%82%AC',
    '%',
  ),
  word,
  encoded,
);
const path = fc.oneof(
  fc.constantFrom(
    '/recommendations',
    '/items/item-0001/related',
    '/rankings',
    '/popular',
    '/events',
    '/items',
    '/users',
    '/',
  ),
  fc.array(segment, { maxLength: 5 }).map((segments) => `/${segments.join('/')}`),
  segment.map((item) => `/items/${item}/related`),
);
const queryKey = fc.oneof(
  fc.constantFrom(
    'userId',
    'sessionId',
    'numResults',
    'filter',
    'context',
    'metadataColumns',
    'CATEGORY',
    'itemId',
    'filterValues',
  ),
  word,
  encoded,
);
const queryValue = fc.oneof(
  fc.constantFrom(
    'user-0001',
    'category',
    'exclude-purchased',
    '10',
    '0',
    '-1',
    '501',
    '1e3',
    'DEVICE=mobile',
    '"books"',
  ),
  encoded,
  fc.integer().map(String),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly a value of the right kind, sometimes anything. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 15 }, { arbitrary: anyJson as fc.Arbitrary<unknown>, weight: 1 });
const id = fc.stringMatching(/^[a-z0-9-]{1,12}$/);

const event = fc.record(
  {
    eventId: mostly(fc.uuid()),
    eventType: mostly(fc.constantFrom('view', 'purchase', 'cart')),
    itemId: mostly(fc.constantFrom('item-0001', 'item-0002', 'item-0999')),
    sentAt: mostly(
      fc.oneof(
        fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
        fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    ),
    eventValue: mostly(fc.double({ noNaN: true, noDefaultInfinity: true })),
    recommendationId: mostly(fc.string({ minLength: 1, maxLength: 45 })),
    impression: mostly(fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 27 })),
    properties: mostly(fc.dictionary(fc.stringMatching(/^[a-z][A-Za-z]{0,8}$/), fc.string({ maxLength: 5 }))),
  },
  { requiredKeys: ['eventId', 'eventType', 'itemId'] },
);
const json = (value: unknown) => JSON.stringify(value);
const eventsBody = fc
  .record(
    { sessionId: mostly(id), userId: mostly(id), events: mostly(fc.array(event, { maxLength: 4 })) },
    { requiredKeys: ['sessionId', 'events'] },
  )
  .map(json);
const rankingBody = fc
  .record(
    {
      userId: mostly(fc.constantFrom('user-0001', 'someone-new')),
      sessionId: mostly(id),
      itemIds: mostly(fc.array(fc.constantFrom('item-0001', 'item-0002', 'x'), { maxLength: 5 })),
      filter: mostly(fc.constantFrom('category', 'exclude-purchased', 'nope')),
      filterValues: mostly(
        fc.dictionary(fc.constantFrom('CATEGORY', 'X', 'bad key'), fc.string({ maxLength: 8 })),
      ),
      context: mostly(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }))),
      metadataColumns: mostly(fc.array(fc.constantFrom('BRAND', 'PRICE', 'no-such'), { maxLength: 3 })),
    },
    { requiredKeys: ['itemIds'] },
  )
  .map(json);
const catalogRecord = (idKey: 'itemId' | 'userId') =>
  fc.record(
    {
      [idKey]: mostly(id),
      properties: mostly(
        fc.dictionary(
          fc.constantFrom(
            'categoryL1',
            'CATEGORY_L2',
            'brand',
            'price',
            'creationTimestamp',
            'membership',
            'other',
          ),
          fc.oneof(
            fc.string({ maxLength: 6 }),
            fc.integer(),
            fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
          ),
        ),
      ),
    },
    { requiredKeys: [idKey] },
  );
const catalogBody = fc
  .oneof(
    fc.record({ items: mostly(fc.array(catalogRecord('itemId'), { maxLength: 12 })) }),
    fc.record({ users: mostly(fc.array(catalogRecord('userId'), { maxLength: 12 })) }),
  )
  .map(json);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  anyJson.map(json),
  eventsBody,
  rankingBody,
  catalogBody,
);
/** Query strings of the read routes: mostly a user and known parameters. */
const readQuery = fc
  .record(
    {
      userId: fc.constantFrom('user-0001', 'user-0002', 'visitor'),
      rest: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }),
    },
    { requiredKeys: ['rest'] },
  )
  .map(({ userId, rest }) => {
    const pairs = [...(userId ? [['userId', userId] as const] : []), ...rest];
    return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
  });
const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
  .filter(
    (name) =>
      !['content-length', 'host', 'transfer-encoding', 'connection', 'expect', 'upgrade'].includes(name),
  );
const headerValue = fc.stringMatching(/^[\x20-\x7E]{0,40}$/).map((value) => value.trim());

/** A request aimed at one route: its method and path (mostly), a key that may call it, a body of its kind. */
function onRoute(keys: Readonly<Record<string, string>>) {
  const bodies: Record<string, fc.Arbitrary<string | undefined>> = {
    events: eventsBody,
    ranking: rankingBody,
    items: catalogBody,
    users: catalogBody,
  };
  return fc.constantFrom(...SERVING_API).chain((spec) =>
    fc.record({
      method: fc.oneof({ arbitrary: fc.constant(spec.method), weight: 9 }, { arbitrary: method, weight: 1 }),
      path: segment.map((item) => spec.path.replace(':itemId', item === '' ? 'item-0001' : item)),
      query: spec.method === 'GET' ? readQuery : query,
      body: fc.oneof({ arbitrary: bodies[spec.route] ?? body, weight: 3 }, { arbitrary: body, weight: 1 }),
      key: fc.oneof(
        {
          arbitrary: fc.constant(
            keys[['items', 'users'].includes(spec.route) ? CLIENTS.catalog : CLIENTS.storefront],
          ),
          weight: 8,
        },
        { arbitrary: key(keys), weight: 2 },
      ),
      contentType,
      extra: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
      origin,
    }),
  );
}

const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);
const origin = fc.constantFrom(undefined, 'http://shop.localhost', 'http://evil.localhost');
const key = (keys: Readonly<Record<string, string>>) =>
  fc.constantFrom(keys[CLIENTS.storefront], keys[CLIENTS.catalog], 'not-a-key', undefined);

describe('the serving API under random requests', () => {
  test('always answers, and never with a 5xx', async () => {
    const keys = fx.api.keys;
    const anywhere = fc.record({
      method,
      path,
      query,
      body,
      key: key(keys),
      contentType,
      extra: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
      origin,
    });
    const requests = fc.oneof({ arbitrary: onRoute(keys), weight: 4 }, { arbitrary: anywhere, weight: 1 });
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        const headers: Record<string, string> = { ...r.extra };
        if (r.key !== undefined) headers['x-api-key'] = r.key;
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.origin !== undefined) {
          headers.origin = r.origin;
          if (r.method === 'OPTIONS') headers['access-control-request-method'] = 'GET';
        }
        const reply = await send(fx.api.url, {
          method: r.method,
          path: `${r.path}${r.query}`,
          headers,
          body: r.body,
        });
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500 || reply.status < 200)
          throw new Error(`${r.method} ${r.path}${r.query} → ${reply.status} ${reply.body}`);
      }),
      { numRuns: 500 },
    );

    // The requests reached every outcome, successes included, and the server logged no failure.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 202, 400, 403, 404, 405]));
    expect(fx.logs.filter((line) => line.startsWith('serving API:'))).toEqual([]);
  }, 300_000);
});
