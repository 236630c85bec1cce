/**
 * The instrumentation every handler goes through (lambda/shared/observability.ts): log lines carry the
 * invocation's run id or request id and the Lambda request id, metrics go out once per invocation in embedded
 * metric format with the namespace and dimensions core/monitoring.ts names (the ones the dashboard charts),
 * and tracing stays off outside Lambda.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import {
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  PIPELINE_METRICS,
  SERVING_METRICS,
} from '../../../core/monitoring';
import { lambdaContext, toProxyEvent } from '../../../local/serving/gateway';

const PROJECT = 'observed';

Object.assign(process.env, {
  METRICS_NAMESPACE,
  PROJECT_NAME: PROJECT,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
});

// Loaded after the environment is set: the module reads it once, at load, as in Lambda.
/* eslint-disable @typescript-eslint/no-require-imports */
const { instrumented, tracer } =
  require('../../../lambda/shared/observability') as typeof import('../../../lambda/shared/observability');
const { tracingActive } =
  require('../../../lambda/shared/tracing') as typeof import('../../../lambda/shared/tracing');
const { logger } = require('../../../lambda/shared/logger') as typeof import('../../../lambda/shared/logger');
const { servingApi, requestKeys } =
  require('../../../lambda/serving/http') as typeof import('../../../lambda/serving/http');
const { countRequest } =
  require('../../../lambda/serving/metrics') as typeof import('../../../lambda/serving/metrics');
const { countStageTimeouts } =
  require('../../../lambda/pipeline/metrics') as typeof import('../../../lambda/pipeline/metrics');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The JSON lines the code under test writes to stdout while `act` runs. */
async function stdoutLines(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    await act();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The embedded-metric-format lines among `lines`. */
function emf(lines: readonly Record<string, unknown>[]) {
  return lines.filter((line) => '_aws' in line) as {
    _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    [key: string]: unknown;
  }[];
}

describe('instrumented', () => {
  test("every log line of an invocation carries the event's run id and the Lambda request id, the next one's its own", async () => {
    // Prepare
    const handler = instrumented(async (event: { runId: string }) => {
      logger.info('working', { step: 'test' });
      return event.runId;
    });
    const context: Context = { ...lambdaContext('step', 1000), awsRequestId: 'lambda-request-1' };

    // Act
    const lines = await stdoutLines(async () => {
      await handler({ runId: '20260101000000' }, context);
      await handler({ runId: '20260102000000' });
    });

    // Assess
    const logged = lines.filter((line) => line.message === 'working');
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ runId: '20260101000000', function_request_id: 'lambda-request-1' });
    expect(logged[1]).toMatchObject({ runId: '20260102000000' });
  });

  test('publishes the API request counter once per invocation, with exactly the dimensions the dashboard charts', async () => {
    // Prepare
    const clients = {
      'key-1': { client: 'storefront', routes: ['events' as const] },
      'key-2': { client: 'backoffice', routes: ['events' as const] },
    };
    const api = servingApi({
      handler: 'events',
      clients,
      allowedOrigins: [],
      actions: { events: async () => ({ status: 202, body: {} }) },
      onRequest: countRequest,
    });
    const handler = instrumented(api, requestKeys);
    const request = (keyId: string): APIGatewayProxyEvent =>
      toProxyEvent(
        {
          method: 'POST',
          url: '/events',
          headers: { host: 'api.example.com' },
          body: Buffer.from('{}'),
          sourceIp: '127.0.0.1',
        },
        keyId,
      );

    // Act
    const lines = await stdoutLines(async () => {
      await handler(request('key-1'), lambdaContext('events', 1000));
      await handler(request('key-2'), lambdaContext('events', 1000));
      await handler(request('key-1'), lambdaContext('events', 1000));
    });

    // Assess
    const metrics = emf(lines);
    expect(metrics.map((line) => line[METRIC_DIMENSIONS.client])).toEqual([
      'storefront',
      'backoffice',
      'storefront',
    ]);
    for (const line of metrics) {
      expect(line._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[...SERVING_METRICS.requests.dimensions]],
          Metrics: [expect.objectContaining({ Name: SERVING_METRICS.requests.name, Unit: 'Count' })],
        },
      ]);
      expect(line).toMatchObject({
        [METRIC_DIMENSIONS.project]: PROJECT,
        [SERVING_METRICS.requests.name]: 1,
      });
    }
  });

  test('publishes the stage timeouts of a pipeline step with exactly the dimensions the dashboard charts', async () => {
    // Prepare
    const handler = instrumented(async (event: { runId: string; timeouts: number }) => {
      countStageTimeouts(event.timeouts);
    });

    // Act
    const lines = await stdoutLines(async () => {
      await handler({ runId: '20260101000000', timeouts: 2 });
      await handler({ runId: '20260101000000', timeouts: 0 });
    });

    // Assess
    const metrics = emf(lines);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [[...PIPELINE_METRICS.stageTimeouts.dimensions]],
        Metrics: [expect.objectContaining({ Name: PIPELINE_METRICS.stageTimeouts.name, Unit: 'Count' })],
      },
    ]);
    expect(metrics[0]).toMatchObject({
      [METRIC_DIMENSIONS.project]: PROJECT,
      [PIPELINE_METRICS.stageTimeouts.name]: 2,
    });
  });

  test('publishes nothing for an invocation that added no metric, and rethrows what the handler throws', async () => {
    // Prepare
    const failing = instrumented(async () => {
      throw new Error('broken');
    });

    // Act
    let thrown: unknown;
    const lines = await stdoutLines(async () => {
      thrown = await failing({}).catch((error: unknown) => error);
    });

    // Assess
    expect(thrown).toEqual(new Error('broken'));
    expect(emf(lines)).toEqual([]);
  });

  test('does not load the tracer outside Lambda, so local runs and tests send nothing to X-Ray', () => {
    expect(tracer).toBeUndefined();
  });

  test('loads the tracer with tracing on inside Lambda', () => {
    // Arrange
    const saved = process.env.AWS_EXECUTION_ENV;
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs20.x';
    try {
      jest.isolateModules(() => {
        // Act
        /* eslint-disable @typescript-eslint/no-require-imports */
        const tracing =
          require('../../../lambda/shared/tracing') as typeof import('../../../lambda/shared/tracing');
        /* eslint-enable @typescript-eslint/no-require-imports */

        // Assess
        expect(tracing.tracer?.isTracingEnabled()).toBe(true);
      });
    } finally {
      if (saved === undefined) delete process.env.AWS_EXECUTION_ENV;
      else process.env.AWS_EXECUTION_ENV = saved;
    }
  });

  test.each([
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' }, true],
    [{}, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x', AWS_SAM_LOCAL: 'true' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
  ])('traces in %j: %s, as Powertools decides', (env, expected) => {
    expect(tracingActive(env)).toBe(expected);
  });
});
