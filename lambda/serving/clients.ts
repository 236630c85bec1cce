/**
 * The serving functions' AWS SDK clients, created on first use and shared by every invocation. Like
 * lambda/shared/clients.ts, each module-level client is `@__PURE__`, so a handler bundles only the SDK
 * packages it sends commands with.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lazy } from '../shared/lazy';
import { traced } from '../shared/tracing';

/** Personalize runtime (GetRecommendations, GetPersonalizedRanking). */
export const runtimeClient = /* @__PURE__ */ lazy(() => traced(new PersonalizeRuntimeClient({})));

/**
 * Personalize events (PutEvents, PutItems, PutUsers). The SDK does not retry: the event consumer retries
 * throttling itself (lambda/serving/retry.ts), and the catalogue routes answer 429 so the caller retries.
 */
export const eventsClient = /* @__PURE__ */ lazy(() =>
  traced(new PersonalizeEventsClient({ maxAttempts: 1 })),
);

/** The event queue. */
export const sqsClient = /* @__PURE__ */ lazy(() => traced(new SQSClient({})));

/** The idempotency table. */
export const dynamoDbClient = /* @__PURE__ */ lazy(() => traced(new DynamoDBClient({})));
