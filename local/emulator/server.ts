import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EmulatorContext, HandlerTable, RequestInfo } from './context';
import { batchJobOperations } from './control/batch-jobs';
import { campaignOperations } from './control/campaigns';
import { datasetGroupOperations } from './control/dataset-groups';
import { datasetOperations } from './control/datasets';
import { eventTrackerOperations } from './control/event-trackers';
import { filterOperations } from './control/filters';
import { importJobOperations } from './control/import-jobs';
import { recipeOperations } from './control/recipes';
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
import { isRecord, RequestReader } from './validation';

/**
 * The HTTP front of the emulator. One port serves:
 *
 * - `POST /` with `X-Amz-Target: AmazonPersonalize.<Operation>` — the control plane (awsJson1_1);
 * - `POST /recommendations`, `/personalize-ranking` — the runtime (restJson1);
 * - `POST /events`, `/items`, `/users` — the events API (restJson1);
 * - `GET /_emulator/health`, `GET /_emulator/stats`, `POST /_emulator/reset`,
 *   `GET|POST|DELETE /_emulator/faults` — the admin API.
 *
 * Signatures are not checked: any SigV4 (service `personalize` on every host) is accepted.
 */

/** Control-plane operations by name. */
const CONTROL_PLANE: HandlerTable = {
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
  ...tagOperations,
  ...unsupportedOperations,
};

type RestHandler = (ctx: EmulatorContext, serving: Serving, input: RequestReader) => unknown;

const REST_ROUTES: Readonly<Record<string, { operation: string; handler: RestHandler }>> = {
  '/recommendations': {
    operation: 'GetRecommendations',
    handler: (_ctx, serving, input) => getRecommendations(serving, input),
  },
  '/personalize-ranking': {
    operation: 'GetPersonalizedRanking',
    handler: (_ctx, serving, input) => getPersonalizedRanking(serving, input),
  },
  '/events': { operation: 'PutEvents', handler: (ctx, _serving, input) => putEvents(ctx, input) },
  '/items': { operation: 'PutItems', handler: (ctx, _serving, input) => putItems(ctx, input) },
  '/users': { operation: 'PutUsers', handler: (ctx, _serving, input) => putUsers(ctx, input) },
};

const UNSUPPORTED_REST: Readonly<Record<string, string>> = {
  '/action-recommendations': 'GetActionRecommendations',
  '/actions': 'PutActions',
  '/action-interactions': 'PutActionInteractions',
};

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const TARGET_PREFIX = 'AmazonPersonalize.';

/** Admin actions the server delegates to its owner. */
export interface AdminActions {
  reset(): Promise<void> | void;
  health(): Record<string, unknown>;
  /** Record counts per dataset ARN. */
  stats(): Record<string, unknown>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SerializationException(`Request body larger than ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
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

/** Creates the HTTP server (not yet listening). */
export function createEmulatorServer(
  ctx: EmulatorContext,
  serving: Serving,
  admin: AdminActions,
  log: (message: string) => void,
): Server {
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
    const body = await readBody(req);
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const handler = CONTROL_PLANE[operation];
    if (!handler)
      throw new UnknownOperationException(`Unknown operation ${target || '(missing X-Amz-Target)'}.`);
    const input = new RequestReader(parseJson(body));
    return dispatch(operation, (info) => handler(ctx, input, info));
  }

  async function rest(req: IncomingMessage, path: string): Promise<unknown> {
    const body = await readBody(req);
    const unsupported = UNSUPPORTED_REST[path];
    if (unsupported)
      throw new UnsupportedOperationException(`${unsupported} is not supported by the emulator.`);
    const route = REST_ROUTES[path];
    if (!route || req.method !== 'POST')
      throw new UnknownOperationException(`No operation at ${req.method ?? ''} ${path}.`);
    const input = new RequestReader(parseJson(body));
    return dispatch(route.operation, () => route.handler(ctx, serving, input));
  }

  async function adminRoute(req: IncomingMessage, path: string): Promise<unknown> {
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    if (path === '/_emulator/health' && method === 'GET') return admin.health();
    if (path === '/_emulator/stats' && method === 'GET') return admin.stats();
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
        const rules = Array.isArray(parsed.faults)
          ? parsed.faults.map(parseFaultRule)
          : [parseFaultRule(parsed)];
        ctx.faults.add(rules);
        return { faults: ctx.faults.list() };
      }
    }
    throw new UnknownOperationException(`No admin operation at ${method} ${path}.`);
  }

  return createServer((req, res) => {
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
}
