/**
 * The function's Powertools Tracer, apart from the rest of lambda/shared/observability.ts so that client
 * modules can trace their clients without reading the metrics environment. In Lambda (active tracing) each
 * call of a {@link traced} client is an X-Ray subsegment; outside Lambda Powertools turns tracing off and
 * {@link traced} returns the client untouched.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

/** The function's tracer; its service name is POWERTOOLS_SERVICE_NAME (HandlerFunction sets it). */
export const tracer = new Tracer();

/** Records every call the client sends as an X-Ray subsegment (in Lambda); returns the client. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}
