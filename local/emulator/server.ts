import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EmulatorContext, Handler, HandlerTable, RequestInfo } from './context';
import { batchJobOperations } from './control/batch-jobs';
import { campaignOperations } from './control/campaigns';
import { datasetGroupOperations } from './control/dataset-groups';
import { datasetOperations } from './control/datasets';
import { eventTrackerOperations } from './control/event-trackers';
import { filterOperations } from './control/filters';
import { importJobOperations } from './control/import-jobs';
import { metricAttributionOperations } from './control/metric-attributions';
import { recipeOperations } from './control/recipes';
import { recommenderOperations } from './control/recommenders';
import { schemaOperations } from './control/schemas';
import { solutionOperations } from './control/solutions';
import { tagOperations } from './control/tags';
import { unsupportedOperations } from './control/unsupported';
import {
  InternalFailure,
  PersonalizeError,
  SerializationException,
  UnknownOperationException,
  UnsupportedOperationException,
} from './errors';
import { putEvents, putItems, putUsers } from './events';
import { parseFaultRule } from './faults';
import { getPersonalizedRanking, getRecommendations } from './runtime';
import type { Serving } from './serving';
import { exceedsJsonDepth, isRecord, MAX_JSON_DEPTH, RequestReader } from './validation';

/**
 * The HTTP front of the emulator. One port serves:
 *
 * - `POST /` with `X-Amz-Target: AmazonPersonalize.<Operation>` — the control plane (awsJson1_1);
 * - `POST /recommendations`, `/personalize-ranking` — the runtime (restJson1);
 * - `POST /events`, `/items`, `/users` — the events API (restJson1);
 * - `GET /_emulator/health`, `GET /_emulator/stats`, `GET /_emulator/metric-attributions`, `POST /_emulator/reset`,
 *   `GET|POST|DELETE /_emulator/faults` — the admin API.
 *
 * Signatures are not checked: any SigV4 (service `personalize` on every host) is accepted.
 */

/**
 * Control-plane operations by name. A Map, not an object: a target such as `AmazonPersonalize.constructor`
 * or `AmazonPersonalize.__proto__` must find nothing rather than something inherited from Object.
 */
const CONTROL_PLANE: ReadonlyMap<string, Handler> = new Map(
  Object.entries({
    ...schemaOperations,
    ...datasetGroupOperations,
    ...datasetOperations,
    ...importJobOperations,
    ...solutionOperations,
    ...campaignOperations,
    ...eventTrackerOperations,
    ...filterOperations,
    ...batchJobOperations,
    ...recipeOperations,
    ...recommenderOperations,
    ...metricAttributionOperations,
    ...tagOperations,
    ...unsupportedOperations,
  } satisfies HandlerTable),
);

type RestHandler = (ctx: EmulatorContext, serving: Serving, input: RequestReader) => unknown;

/** Runtime and events operations by path (a Map for the same reason as {@link CONTROL_PLANE}). */
const REST_ROUTES: ReadonlyMap<string, { operation: string; handler: RestHandler }> = new Map([
  [
    '/recommendations',
    {
      operation: 'GetRecommendations',
      handler: (_ctx, serving, input) => getRecommendations(serving, input),
    },
  ],
  [
    '/personalize-ranking',
    {
      operation: 'GetPersonalizedRanking',
      handler: (_ctx, serving, input) => getPersonalizedRanking(serving, input),
    },
  ],
  ['/events', { operation: 'PutEvents', handler: (ctx, _serving, input) => putEvents(ctx, input) }],
  ['/items', { operation: 'PutItems', handler: (ctx, _serving, input) => putItems(ctx, input) }],
  ['/users', { operation: 'PutUsers', handler: (ctx, _serving, input) => putUsers(ctx, input) }],
]);

const UNSUPPORTED_REST: ReadonlyMap<string, string> = new Map([
  ['/action-recommendations', 'GetActionRecommendations'],
  ['/actions', 'PutActions'],
  ['/action-interactions', 'PutActionInteractions'],
]);

/**
 * Every operation a fault rule can name: the control-plane operations (including those answered with
 * UnsupportedOperationException) and the runtime and events operations the emulator serves.
 */
export const OPERATION_NAMES: ReadonlySet<string> = new Set([
  ...CONTROL_PLANE.keys(),
  ...[...REST_ROUTES.values()].map((route) => route.operation),
]);

/** Largest request body the emulator reads by default (larger ones get a SerializationException). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
const TARGET_PREFIX = 'AmazonPersonalize.';

/** Admin actions the server delegates to its owner. */
export interface AdminActions {
  reset(): Promise<void> | void;
  health(): Record<string, unknown>;
  /** Record counts per dataset ARN. */
  stats(): Record<string, unknown>;
}

/**
 * Reads a request body. A body over `maxBytes` is read to its end but not kept, then rejected with a
 * SerializationException: the client, still sending, gets that answer instead of a reset connection,
 * and the connection stays usable.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBytes)
        reject(
          new SerializationException(
            `The request body has ${size} bytes; the emulator accepts at most ${maxBytes}.`,
          ),
        );
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  if (exceedsJsonDepth(text))
    throw new SerializationException(
      `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SerializationException('The request body is not valid JSON.');
  }
  if (!isRecord(parsed)) throw new SerializationException('The request body must be a JSON object.');
  return parsed;
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  payload: unknown,
  requestId: string,
  errorType?: string,
): void {
  const body = JSON.stringify(payload ?? {});
  const headers: Record<string, string | number> = {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}

function toPersonalizeError(error: unknown, log: (message: string) => void): PersonalizeError {
  if (error instanceof PersonalizeError) return error;
  log(`internal error: ${(error as Error).stack ?? String(error)}`);
  return new InternalFailure(`Internal error: ${(error as Error).message}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A complete HTTP/1.1 error response, for sockets that never became a request/response pair. The
 * answer to a HEAD request carries the headers only.
 */
function rawErrorResponse(status: string, code: string, message: string, head = false): string {
  const body = JSON.stringify({ __type: code, message });
  return [
    `HTTP/1.1 ${status}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-amzn-errortype: ${code}`,
    `x-amzn-RequestId: ${randomUUID()}`,
    'Connection: close',
    '',
    head ? '' : body,
  ].join('\r\n');
}

/** Limits of the HTTP front. */
export interface ServerLimits {
  /** Largest request body read, in bytes. @default MAX_BODY_BYTES (16 MiB) */
  readonly maxBodyBytes?: number;
}

/** Creates the HTTP server (not yet listening). */
export function createEmulatorServer(
  ctx: EmulatorContext,
  serving: Serving,
  admin: AdminActions,
  log: (message: string) => void,
  limits: ServerLimits = {},
): Server {
  const maxBodyBytes = limits.maxBodyBytes ?? MAX_BODY_BYTES;

  async function dispatch(operation: string, run: (info: RequestInfo) => unknown): Promise<unknown> {
    const effect = ctx.faults.effectFor(operation);
    if (effect.latencyMs > 0) await sleep(effect.latencyMs);
    if (effect.error) throw effect.error;
    return run({
      operation,
      ...(effect.failResource !== undefined ? { failResource: effect.failResource } : {}),
    });
  }

  /** Sends what `work` returns, or the error it throws in the status and content type of the protocol. */
  async function respond(
    res: ServerResponse,
    requestId: string,
    protocol: 'awsJson' | 'restJson',
    work: () => Promise<unknown>,
  ): Promise<void> {
    const contentType = protocol === 'awsJson' ? 'application/x-amz-json-1.1' : 'application/json';
    try {
      send(res, 200, contentType, await work(), requestId);
    } catch (error) {
      const e = toPersonalizeError(error, log);
      const status = protocol === 'awsJson' ? e.controlPlaneStatus : e.restStatus;
      send(res, status, contentType, { __type: e.code, message: e.message }, requestId, e.code);
    }
  }

  async function controlPlane(req: IncomingMessage): Promise<unknown> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req, maxBodyBytes);
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const handler = CONTROL_PLANE.get(operation);
    if (!handler)
      throw new UnknownOperationException(`Unknown operation ${target || '(missing X-Amz-Target)'}.`);
    const input = new RequestReader(parseJson(body));
    return dispatch(operation, (info) => handler(ctx, input, info));
  }

  async function rest(req: IncomingMessage, path: string): Promise<unknown> {
    const body = await readBody(req, maxBodyBytes);
    const unsupported = UNSUPPORTED_REST.get(path);
    if (unsupported)
      throw new UnsupportedOperationException(`${unsupported} is not supported by the emulator.`);
    const route = REST_ROUTES.get(path);
    if (!route || req.method !== 'POST')
      throw new UnknownOperationException(`No operation at ${req.method ?? ''} ${path}.`);
    const input = new RequestReader(parseJson(body));
    return dispatch(route.operation, () => route.handler(ctx, serving, input));
  }

  async function adminRoute(req: IncomingMessage, path: string): Promise<unknown> {
    const body = await readBody(req, maxBodyBytes);
    const method = req.method ?? 'GET';
    if (path === '/_emulator/health' && method === 'GET') return admin.health();
    if (path === '/_emulator/stats' && method === 'GET') return admin.stats();
    if (path === '/_emulator/metric-attributions' && method === 'GET')
      return {
        metricAttributions: ctx.store.listResources('metricAttribution').map((row) => ({
          metricAttributionArn: row.arn,
          datasetGroupArn: row.doc.datasetGroupArn,
          status: row.status,
          totals: ctx.store.attributionTotals(row.arn),
        })),
      };
    if (path === '/_emulator/reset' && method === 'POST') {
      await admin.reset();
      return { reset: true };
    }
    if (path === '/_emulator/faults') {
      if (method === 'GET') return { faults: ctx.faults.list() };
      if (method === 'DELETE') {
        ctx.faults.clear();
        return { faults: [] };
      }
      if (method === 'POST') {
        const parsed = parseJson(body);
        const raw: unknown[] = Array.isArray(parsed.faults) ? parsed.faults : [parsed];
        ctx.faults.add(raw.map((rule) => parseFaultRule(rule, OPERATION_NAMES)));
        return { faults: ctx.faults.list() };
      }
    }
    throw new UnknownOperationException(`No admin operation at ${method} ${path}.`);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let handled: Promise<void>;
    if (path.startsWith('/_emulator/'))
      handled = respond(res, requestId, 'restJson', () => adminRoute(req, path));
    else if (path === '/' && req.method === 'POST')
      handled = respond(res, requestId, 'awsJson', () => controlPlane(req));
    else handled = respond(res, requestId, 'restJson', () => rest(req, path));
    handled.catch((error: unknown) => {
      log(`unhandled: ${String(error)}`);
      if (!res.headersSent)
        send(
          res,
          500,
          'application/json',
          { __type: 'InternalFailure', message: 'Internal error.' },
          requestId,
          'InternalFailure',
        );
    });
  });
  // CONNECT is not an operation of any Personalize API; without a listener Node would drop the socket.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(
      rawErrorResponse(
        '404 Not Found',
        'UnknownOperationException',
        'CONNECT is not an operation of the emulator.',
      ),
    );
  });
  // A request Node cannot parse (bad request line, malformed headers) still gets a named error.
  server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (!socket.writable) return;
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    socket.end(
      rawErrorResponse(
        tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request',
        'SerializationException',
        `The request is not valid HTTP/1.1 (${error.code ?? error.message}).`,
        error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ',
      ),
    );
  });
  return server;
}
