/** The function's CloudWatch client (offline metrics of trained versions). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { lazy } from './lazy';

export const cloudWatchClient = /* @__PURE__ */ lazy(() => new CloudWatchClient({}));
