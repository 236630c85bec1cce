import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * An App with the project's feature flags from cdk.json, as `cdk synth` builds it. Asset bundling is skipped
 * unless `bundle` is true: templates and local runs do not need the handlers' bundles.
 */
export function projectApp(options: { bundle?: boolean } & AppProps = {}): App {
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
