/** The function's SNS and EventBridge clients (run summaries and failures). */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { lazy } from './lazy';

export const snsClient = /* @__PURE__ */ lazy(() => new SNSClient({}));
export const eventBridgeClient = /* @__PURE__ */ lazy(() => new EventBridgeClient({}));
