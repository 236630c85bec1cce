/**
 * The function's Powertools Tracer, created when this module loads. Only ./tracing.ts loads it, and only
 * where Powertools would trace (see there): importing the Tracer loads the X-Ray SDK.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

/** The function's tracer; its service name is POWERTOOLS_SERVICE_NAME (HandlerFunction sets it). */
export const functionTracer = new Tracer();
