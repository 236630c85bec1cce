/**
 * The HTTP layer every API handler shares (lambda/serving/http.ts), on REST proxy events built as the local
 * gateway builds them: routing, the key check, CORS, and how failures of an action become named JSON errors.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { BadRequest } from '../../core/serving/errors';
import { servingApi, type RouteAction } from '../../lambda/serving/http';
import { lambdaContext, toProxyEvent } from '../../local/serving/gateway';

const clients = { 'key-1': { client: 'storefront', routes: ['events' as const] } };

function api(action: RouteAction) {
  return servingApi({ handler: 'events', clients, allowedOrigins: [], actions: { events: action } });
}

function event(
  method: string,
  url: string,
  options: { key?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return toProxyEvent(
    {
      method,
      url,
      headers: { host: 'api.example.com', ...options.headers },
      body: Buffer.from(options.body ?? ''),
      sourceIp: '127.0.0.1',
    },
    options.key,
  );
}

async function invoke(
  action: RouteAction,
  request: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult & { json: Record<string, unknown> }> {
  const result = await api(action)(request, lambdaContext('test', 1000));
  return { ...result, json: JSON.parse(result.body || '{}') as Record<string, unknown> };
}

const echo: RouteAction = async (request) => ({
  status: 202,
  body: { client: request.client, body: request.body },
});

/** An error shaped like the AWS SDK's. */
function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

describe('the HTTP layer', () => {
  test('runs the route action for a key that may call the route, with the decoded body', async () => {
    const reply = await invoke(echo, event('POST', '/events', { key: 'key-1', body: '{"a":1}' }));

    expect(reply.statusCode).toBe(202);
    expect(reply.json).toEqual({ client: 'storefront', body: '{"a":1}' });
  });

  test('decodes a base64 body', async () => {
    const request = {
      ...event('POST', '/events', { key: 'key-1' }),
      body: Buffer.from('{"b":2}').toString('base64'),
      isBase64Encoded: true,
    };

    expect((await invoke(echo, request)).json.body).toBe('{"b":2}');
  });

  test('answers 403 before the action runs when the key is missing', async () => {
    const action = jest.fn(echo);

    const reply = await invoke(action, event('POST', '/events'));

    expect(reply.statusCode).toBe(403);
    expect(action).not.toHaveBeenCalled();
  });

  test('answers a GET that carries a body (API Gateway passes one) without failing', async () => {
    const reply = await invoke(echo, { ...event('GET', '/events', { key: 'key-1' }), body: 'ignored' });

    expect(reply.statusCode).toBe(405);
  });

  test('answers an event whose Host header could not make a URL as any other', async () => {
    const reply = await invoke(
      echo,
      event('POST', '/events', { key: 'key-1', headers: { host: 'bad host[' } }),
    );

    expect(reply.statusCode).toBe(202);
  });

  test('answers 400 naming the path when a path parameter is not valid URL encoding', async () => {
    const related = servingApi({
      handler: 'recommendations',
      clients: { 'key-1': { client: 'storefront', routes: ['related'] } },
      allowedOrigins: [],
      actions: { recommendations: echo, related: echo, popular: echo, ranking: echo },
    });

    const reply = await related(
      event('GET', '/items/%E0%A4%A/related', { key: 'key-1' }),
      lambdaContext('t', 1000),
    );

    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({
      error: 'BadRequest',
      message: 'path: not a valid URL-encoded path',
    });
  });

  test('hands the action its path parameters decoded', async () => {
    const action = jest.fn(echo);
    const related = servingApi({
      handler: 'recommendations',
      clients: { 'key-1': { client: 'storefront', routes: ['related'] } },
      allowedOrigins: [],
      actions: { recommendations: echo, related: action, popular: echo, ranking: echo },
    });

    await related(event('GET', '/items/caf%C3%A9%2F1/related', { key: 'key-1' }), lambdaContext('t', 1000));

    expect(action).toHaveBeenCalledWith(expect.objectContaining({ params: { itemId: 'café/1' } }));
  });

  test('answers 404 to a route another handler serves', async () => {
    const reply = await invoke(echo, event('GET', '/popular', { key: 'key-1' }));

    expect(reply.statusCode).toBe(404);
    expect(String(reply.json.message)).toContain('no route GET /popular');
  });

  describe('CORS', () => {
    const browserApi = servingApi({
      handler: 'events',
      clients,
      allowedOrigins: ['https://shop.example.com'],
      actions: { events: echo },
    });
    const call = (request: APIGatewayProxyEvent) => browserApi(request, lambdaContext('t', 1000));

    test('names an allowed origin on answers and errors alike', async () => {
      const ok = await call(
        event('POST', '/events', { key: 'key-1', headers: { origin: 'https://shop.example.com' } }),
      );
      const denied = await call(
        event('POST', '/events', { headers: { origin: 'https://shop.example.com' } }),
      );

      expect(ok.headers).toMatchObject({
        'access-control-allow-origin': 'https://shop.example.com',
        vary: 'Origin',
      });
      expect(denied.statusCode).toBe(403);
      expect(denied.headers).toMatchObject({ 'access-control-allow-origin': 'https://shop.example.com' });
    });

    test('sends no CORS header to another origin', async () => {
      const reply = await call(
        event('POST', '/events', { key: 'key-1', headers: { origin: 'https://evil.example.com' } }),
      );

      expect(reply.statusCode).toBe(202);
      expect(Object.keys(reply.headers ?? {})).not.toContain('access-control-allow-origin');
    });

    test('answers a preflight from an allowed origin with 204 and the methods, headers and max age', async () => {
      const reply = await call(
        event('OPTIONS', '/events', {
          headers: {
            origin: 'https://shop.example.com',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'Content-Type, X-Api-Key',
          },
        }),
      );

      expect(reply.statusCode).toBe(204);
      expect(reply.headers).toEqual({
        'access-control-allow-origin': 'https://shop.example.com',
        vary: 'Origin',
        'access-control-allow-methods': 'GET,POST,PUT,OPTIONS',
        'access-control-allow-headers': 'content-type,x-api-key',
        'access-control-max-age': '600',
      });
    });

    test.each([
      ['another origin', { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' }],
      [
        'a header browsers may not send',
        {
          origin: 'https://shop.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      ],
      ['no requested method', { origin: 'https://shop.example.com' }],
    ])('routes an OPTIONS request with %s as any other request: 405', async (_what, headers) => {
      const reply = await call(event('OPTIONS', '/events', { headers }));

      expect(reply.statusCode).toBe(405);
    });
  });

  test.each([
    ['a BadRequest', 400, 'BadRequest', new BadRequest('events: must not be empty'), undefined],
    ['Personalize throttling', 429, 'TooManyRequests', sdkError('ThrottlingException', 400), '1'],
    ['an InvalidInputException', 400, 'BadRequest', sdkError('InvalidInputException', 400), undefined],
    ['a ResourceNotFoundException', 503, 'NotDeployed', sdkError('ResourceNotFoundException', 404), '60'],
    ['a ResourceInUseException', 503, 'Retry', sdkError('ResourceInUseException', 409), '30'],
    ['a server fault', 503, 'Retry', sdkError('InternalFailure', 500), '1'],
    ['a bug', 500, 'InternalError', new TypeError('a bug'), undefined],
  ])('answers %s from an action as %i %s', async (_what, status, name, error, retryAfter) => {
    const reply = await invoke(
      async () => {
        throw error;
      },
      event('POST', '/events', { key: 'key-1' }),
    );

    expect(reply.statusCode).toBe(status);
    expect(reply.json.error).toBe(name);
    expect(reply.headers?.['retry-after']).toBe(retryAfter);
  });
});
