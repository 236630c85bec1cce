/**
 * What API Gateway does between a browser and the serving functions, locally: an HTTP request becomes a
 * REST API proxy event (`httpMethod`, `path`, single- and multi-value headers and query parameters, the
 * body, `requestContext.identity.apiKeyId` of the key sent in `x-api-key`), and the function's result
 * becomes the HTTP response.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../harness/env';

/** An HTTP request as read from the socket. */
export interface HttpRequest {
  readonly method: string;
  /** The request target, e.g. `/recommendations?userId=u1`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** The path and raw query string of a request target; repeated slashes count as one. */
export function splitTarget(url: string): { path: string; query: string } {
  const at = url.indexOf('?');
  const rawPath = at < 0 ? url : url.slice(0, at);
  const path = `/${rawPath
    .replace(/^[a-z]+:\/\/[^/]*/i, '')
    .replace(/\/{2,}/g, '/')
    .replace(/^\//, '')}`;
  return { path, query: at < 0 ? '' : url.slice(at + 1) };
}

function queryParameters(query: string): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  // A Map, not an object: names such as `toString` or `__proto__` are plain parameter names here.
  const byName = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(query))
    byName.set(name, [...(byName.get(name) ?? []), value]);
  if (byName.size === 0) return { single: null, multi: null };
  return {
    single: Object.fromEntries([...byName].map(([name, values]) => [name, values.at(-1) ?? ''])),
    multi: Object.fromEntries(byName),
  };
}

function headerMaps(headers: IncomingHttpHeaders): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const entries = Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value : [value]] as const],
  );
  return {
    single: Object.fromEntries(entries.map(([name, values]) => [name, values.join(',')])),
    multi: Object.fromEntries(entries),
  };
}

/** The REST API proxy event API Gateway would send for `request`, with the key id of its API key. */
export function toProxyEvent(request: HttpRequest, apiKeyId: string | undefined): APIGatewayProxyEvent {
  const { path, query } = splitTarget(request.url);
  const { single: queryStringParameters, multi: multiValueQueryStringParameters } = queryParameters(query);
  const { single: headers, multi: multiValueHeaders } = headerMaps(request.headers);
  const requestId = randomUUID();
  return {
    resource: path,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: null,
    stageVariables: null,
    body: request.body.length > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: apiKeyId ?? null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

/** Writes a function's proxy result as the HTTP response. */
export function writeResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name.toLowerCase()] = values.map(String);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/** Writes a JSON response that no function produced (usage plan, body limit, gateway failure). */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  writeResult(res, {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A Lambda context for one local invocation of `functionName` with `timeoutMs` to run. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
