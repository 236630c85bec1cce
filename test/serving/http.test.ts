/**
 * The HTTP layer every API handler shares (lambda/serving/http.ts), on REST proxy events built as the local
 * gateway builds them: routing, the key check, how failures of an action become named JSON errors, and that
 * an event the router cannot even read is a 400, not a crash.
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

  test('answers 400 to an event whose Host header cannot make a URL', async () => {
    const reply = await invoke(
      echo,
      event('POST', '/events', { key: 'key-1', headers: { host: 'bad host[' } }),
    );

    expect(reply.statusCode).toBe(400);
    expect(String(reply.json.message)).toMatch(/^request: cannot be read/);
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
