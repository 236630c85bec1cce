/** The function's SSM client (parameters the serving API reads). */
import { SSMClient } from '@aws-sdk/client-ssm';
import { lazy } from './lazy';

export const ssmClient = /* @__PURE__ */ lazy(() => new SSMClient({}));
