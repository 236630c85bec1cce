/**
 * The worker threads the local API can run its functions on (local/serving/function-workers.ts): each
 * thread loads the lambda/serving handlers with the environment of the pool's start and answers the proxy
 * events sent to it. These requests are answered before any AWS call (routing and the key check), so no
 * moto or emulator is needed.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { METRICS_NAMESPACE } from '../../core/monitoring';
import { FunctionWorkers } from '../../local/serving/function-workers';
import { toProxyEvent } from '../../local/serving/gateway';

const ENVIRONMENT = {
  ACCOUNT_ID: '123456789012',
  ALLOWED_ORIGINS: JSON.stringify(['https://shop.example.com']),
  API_CLIENTS: JSON.stringify({ 'key-storefront': { client: 'storefront', routes: ['recommendations'] } }),
  BUCKET_NAME: 'threads-bucket',
  IDEMPOTENCY_TABLE: 'threads-idempotency',
  METRICS_NAMESPACE,
  PARAMETER_PREFIX: '/threads',
  PROJECT_NAME: 'threads',
  QUEUE_URL: 'http://127.0.0.1:1/123456789012/threads-events',
  ROUTE_SOLUTIONS: JSON.stringify({ recommendations: 'user-personalization' }),
  EXPERIMENTS: '[]',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const saved = { ...process.env };

afterEach(() => {
  for (const name of Object.keys(process.env))
    if (!(name in saved)) Reflect.deleteProperty(process.env, name);
  Object.assign(process.env, saved);
});

function request(method: string, url: string, apiKeyId?: string): APIGatewayProxyEvent {
  return toProxyEvent(
    { method, url, headers: { host: 'localhost' }, body: Buffer.alloc(0), sourceIp: '127.0.0.1' },
    apiKeyId,
  );
}

test('the threads answer the requests sent to them concurrently, each with its own result', async () => {
  // Prepare
  Object.assign(process.env, ENVIRONMENT);
  const workers = await FunctionWorkers.start(2);
  try {
    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 === 0
          ? workers.invoke('recommendations', request('GET', `/nowhere-${index}`, 'key-storefront'), 5_000)
          : workers.invoke('catalog', request('PUT', '/items'), 5_000),
      ),
    );

    // Assess
    expect(workers.size).toBe(2);
    results.forEach((result, index) => {
      if (index % 2 === 0) {
        expect(result.statusCode).toBe(404);
        expect(result.body).toContain(`/nowhere-${index}`);
      } else {
        expect(result.statusCode).toBe(403);
      }
    });
  } finally {
    await workers.stop();
  }
});

test('a thread that cannot load the functions fails the start with the reason', async () => {
  // Prepare
  Object.assign(process.env, ENVIRONMENT);
  delete process.env.PROJECT_NAME;

  // Act
  const started = FunctionWorkers.start(1);

  // Assess
  await expect(started).rejects.toThrow(
    /A function thread failed to start: Environment variable PROJECT_NAME is not set/,
  );
});

test('refuses a number of threads that is not a whole number of at least 1', async () => {
  await expect(FunctionWorkers.start(0)).rejects.toThrow('functionThreads: a whole number ≥ 1, got 0');
});

test('after stop, an invocation fails with a named error instead of waiting forever', async () => {
  // Prepare
  Object.assign(process.env, ENVIRONMENT);
  const workers = await FunctionWorkers.start(1);
  await workers.stop();

  // Act
  const invoked = workers.invoke('recommendations', request('GET', '/popular'), 5_000);

  // Assess
  await expect(invoked).rejects.toThrow('no function thread is running');
});
