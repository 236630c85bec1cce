/** The function's SSM client (parameters the serving API reads). */
import { SSMClient } from '@aws-sdk/client-ssm';
import { lazy } from './lazy';
import { traced } from './tracing';

/** The function's SSM client, created on first use. */
export const ssmClient = /* @__PURE__ */ lazy(() => traced(new SSMClient({})));
