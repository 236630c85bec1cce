/**
 * The serving handlers' JSON settings from their environment, checked at cold start: a function deployed
 * with a malformed variable fails at once with a message naming the variable, not on a request.
 * Each handler reads its variables with `requireEnv('NAME')` and passes the text here.
 */
import * as z from 'zod/mini';
import { apiClientsSchema, type ApiClients } from '../../core/serving/access';
import { CAMPAIGN_ROUTES } from '../../core/config/serving-routes';
import type { ServingExperiment } from '../../core/experiments/serving';
import { ConfigurationError } from '../shared/errors';

/** Read route → the solution whose campaign serves it (`serving.campaigns`). */
export type RouteSolutions = Readonly<Partial<Record<(typeof CAMPAIGN_ROUTES)[number], string>>>;

function parseJson<T>(name: string, text: string, schema: z.core.$ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(
      `Environment variable ${name} is not JSON; the function's deployment must set it.`,
    );
  }
  const result = z.safeParse(schema, value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigurationError(
      `Environment variable ${name} is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return result.data;
}

/** `API_CLIENTS`: API key id → `{ client, routes }`. */
export function parseApiClients(text: string): ApiClients {
  return parseJson('API_CLIENTS', text, apiClientsSchema);
}

/** `ALLOWED_ORIGINS`: the origins browsers may call from. */
export function parseAllowedOrigins(text: string): string[] {
  return parseJson('ALLOWED_ORIGINS', text, z.array(z.string().check(z.minLength(1))));
}

/** `ROUTE_SOLUTIONS`: read route → solution name. */
export function parseRouteSolutions(text: string): RouteSolutions {
  return parseJson(
    'ROUTE_SOLUTIONS',
    text,
    z.partialRecord(z.enum(CAMPAIGN_ROUTES), z.string().check(z.minLength(1))),
  );
}

const nonEmpty = z.string().check(z.minLength(1));

/** `EXPERIMENTS`: the config's `serving.experiments`. */
export function parseExperiments(text: string): ServingExperiment[] {
  return parseJson(
    'EXPERIMENTS',
    text,
    z.array(
      z.object({
        name: nonEmpty,
        route: z.enum(CAMPAIGN_ROUTES),
        unit: z.enum(['user', 'session']),
        variants: z
          .array(
            z.object({
              name: nonEmpty,
              target: nonEmpty,
              filter: z.optional(nonEmpty),
              share: z.number().check(z.positive()),
            }),
          )
          .check(z.minLength(1)),
      }),
    ),
  );
}
