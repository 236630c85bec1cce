/**
 * The function's Powertools Tracer, apart from the rest of lambda/shared/observability.ts so that client
 * modules can trace their clients without reading the metrics environment. In Lambda (active tracing) each
 * call of a {@link traced} client is an X-Ray subsegment.
 *
 * Outside Lambda Powertools turns tracing off, yet loading it still loads the X-Ray SDK, whose context
 * tracking (async hooks on every promise) costs each request of a local server about a tenth of its CPU.
 * So the Tracer is loaded only where Powertools would trace: `tracer` is `undefined` elsewhere and
 * {@link traced} returns the client untouched.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Whether Powertools would trace in this environment: inside Lambda (`AWS_EXECUTION_ENV`), not under SAM
 * CLI or the Amplify mock, and not turned off with `POWERTOOLS_TRACE_ENABLED=false`.
 */
export function tracingActive(env: NodeJS.ProcessEnv = process.env): boolean {
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  return (
    executionEnv !== '' &&
    executionEnv !== 'AWS_Lambda_amplify-mock' &&
    (env.AWS_SAM_LOCAL ?? '') === '' &&
    (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false'
  );
}

function loadTracer(): Tracer {
  // Required here, not imported at the top: loading the Tracer loads the X-Ray SDK (see the module comment).
  // The module required is this project's, which imports Powertools: bundled, Powertools stays the ESM
  // build the other Powertools modules use, instead of a second, CommonJS copy.
  /* eslint-disable @typescript-eslint/no-require-imports */
  return (require('./tracer') as typeof import('./tracer')).functionTracer;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * The function's tracer, its service name POWERTOOLS_SERVICE_NAME (HandlerFunction sets it); `undefined`
 * where tracing is off ({@link tracingActive}).
 */
export const tracer: Tracer | undefined = tracingActive() ? loadTracer() : undefined;

/** Records every call the client sends as an X-Ray subsegment (in Lambda); returns the client. */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
