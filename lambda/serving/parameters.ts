/**
 * What the pipeline publishes for the serving API, read through Powertools parameters: once per container,
 * then from its cache until it is {@link PARAMETER_MAX_AGE_SECONDS} old, so a request never waits on SSM
 * (nor on a Describe call). A retrained campaign or a replaced filter is picked up within that age.
 *
 * - `<prefix>/serving` = `{ campaigns: {solution: campaignArn}, recommenders: {recommender: recommenderArn},
 *   filters: {filter: filterArn}, recipes }`,
 *   written by lambda/pipeline/summary.ts;
 * - `<prefix>/event-tracker` = `{ eventTrackerArn, trackingId }`, written by lambda/pipeline/event-tracker.ts.
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import * as z from 'zod/mini';
import { NotDeployed, RetryLater } from '../../core/serving/errors';
import { lazy } from '../shared/lazy';
import { ssmClient } from '../shared/ssm';

/** How long a read parameter is served from the cache, in seconds. */
export const PARAMETER_MAX_AGE_SECONDS = 300;

const provider = /* @__PURE__ */ lazy(() => new SSMProvider({ awsSdkV3Client: ssmClient() }));

const servingSchema = z.object({
  campaigns: z._default(z.record(z.string(), z.string()), {}),
  recommenders: z._default(z.record(z.string(), z.string()), {}),
  filters: z._default(z.record(z.string(), z.string()), {}),
  recipes: z._default(z.record(z.string(), z.string()), {}),
});

/** The serving parameter: campaign and filter ARNs by config name. */
export type ServingParameter = z.output<typeof servingSchema>;

const trackerSchema = z.union([
  z.pipe(
    z.object({ trackingId: z.string().check(z.minLength(1)) }),
    z.transform((value: { trackingId: string }) => value.trackingId),
  ),
  z.string().check(z.minLength(1)),
]);

async function read(name: string): Promise<string> {
  let value: string | undefined;
  try {
    value = await provider().get(name, { maxAge: PARAMETER_MAX_AGE_SECONDS });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/ParameterNotFound/i.test(message))
      throw new NotDeployed(`the pipeline has not published ${name} yet; run it to deploy the campaigns`);
    throw new RetryLater(`the API's settings could not be read (${message.slice(0, 100)})`);
  }
  if (value === undefined)
    throw new NotDeployed(`the pipeline has not published ${name} yet; run it to deploy the campaigns`);
  return value;
}

function parsed<T>(name: string, text: string, schema: z.core.$ZodType<T>): T {
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: a plain string, which the tracker parameter may be
  }
  const result = z.safeParse(schema, value);
  if (!result.success) throw new NotDeployed(`${name} does not hold what the pipeline writes there`);
  return result.data;
}

/** `<prefix>/serving`. @throws NotDeployed before the pipeline wrote it. */
export async function servingParameter(prefix: string): Promise<ServingParameter> {
  const name = `${prefix}/serving`;
  return parsed(name, await read(name), servingSchema);
}

/** The event tracker's tracking id from `<prefix>/event-tracker`. @throws NotDeployed before the pipeline wrote it. */
export async function trackingId(prefix: string): Promise<string> {
  const name = `${prefix}/event-tracker`;
  return parsed(name, await read(name), trackerSchema);
}
