/**
 * Who may call what: each client application has one API key and a list of routes. API Gateway passes the
 * id of the key a request came with (`requestContext.identity.apiKeyId`); the handlers get the mapping from
 * key id to client in the `API_CLIENTS` variable ({@link apiClientsVariable}) and answer 403 to a request
 * without a key, with a key they do not know, or with a key whose client may not call the route.
 */
import * as z from 'zod/mini';
import { SERVING_ROUTES, type ServingRoute } from '../config/serving-routes';
import { Forbidden } from './errors';

/** What the handlers know of one client: its name and routes. */
export interface ApiClient {
  readonly client: string;
  readonly routes: readonly ServingRoute[];
}

/** API key id → client, the content of `API_CLIENTS`. */
export type ApiClients = Readonly<Record<string, ApiClient>>;

/** The schema of `API_CLIENTS`, checked when a handler starts. */
export const apiClientsSchema = z.record(
  z.string().check(z.minLength(1)),
  z.strictObject({ client: z.string().check(z.minLength(1)), routes: z.array(z.enum(SERVING_ROUTES)) }),
);

/**
 * The `API_CLIENTS` value for clients whose API key ids are known (in the stack: each key's `keyId`;
 * locally: the generated ids), e.g. `{"a1b2c3": {"client": "storefront", "routes": ["recommendations"]}}`.
 */
export function apiClientsVariable(
  clients: readonly { readonly name: string; readonly routes: readonly ServingRoute[] }[],
  keyIdOf: (client: string) => string,
): ApiClients {
  return Object.fromEntries(
    clients.map((client) => [keyIdOf(client.name), { client: client.name, routes: [...client.routes] }]),
  );
}

/**
 * The client a request's key belongs to, when that client may call `route`.
 * @throws Forbidden naming the route (and the client when the key is known) otherwise.
 */
export function authorize(
  clients: ApiClients,
  apiKeyId: string | null | undefined,
  route: ServingRoute,
): string {
  if (apiKeyId === undefined || apiKeyId === null || apiKeyId === '') {
    throw new Forbidden(`route "${route}" needs an API key: send it in the x-api-key header`, {
      details: { route },
    });
  }
  const known = Object.hasOwn(clients, apiKeyId) ? clients[apiKeyId] : undefined;
  if (known === undefined) {
    throw new Forbidden(`the API key is not one of this API's client keys; route "${route}" was not called`, {
      details: { route },
    });
  }
  if (!known.routes.includes(route)) {
    throw new Forbidden(
      `client "${known.client}" may not call route "${route}"; its key allows ${known.routes.join(', ')}`,
      { details: { route, client: known.client } },
    );
  }
  return known.client;
}
