import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * An App with the project's feature flags from cdk.json, as `cdk synth` would build it. Asset bundling is
 * skipped unless `bundle` is true: template tests do not need the handlers' bundles.
 */
export function testApp(options: { bundle?: boolean } & AppProps = {}): App {
  const { bundle, context, ...rest } = options;
  return new App({
    ...rest,
    context: {
      ...cdkJson.context,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
}
