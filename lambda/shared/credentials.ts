/**
 * The credential provider of the Lambda bundles, which esbuild substitutes for the SDK's default chain
 * (`@aws-sdk/credential-provider-node`; see `alias` in lib/constructs/bundling.ts).
 *
 * Lambda passes a function its execution role's credentials in `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, which is where the default chain looks first and,
 * in Lambda, always succeeds. This module is that first link alone (the SDK's own `fromEnv`), without
 * the links that cannot apply there and weigh ~135 KB per bundle. It is never imported by source
 * code: tests and local runs keep the full chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
