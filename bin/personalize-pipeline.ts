#!/usr/bin/env node
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { attachNag, buildApp } from '../lib/app';
import { ConfigLoadError, ConfigValidationError, loadConfig, type PipelineConfig } from '../core/config';

const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? 'personalize.config.json';

/** The config, or `undefined` after printing why it cannot be used: a config mistake is not a crash. */
function configOrReport(): PipelineConfig | undefined {
  try {
    return loadConfig(configPath);
  } catch (error) {
    if (error instanceof ConfigValidationError || error instanceof ConfigLoadError) {
      console.error(error.message);
      return undefined;
    }
    throw error;
  }
}

const config = configOrReport();
if (config === undefined) {
  process.exitCode = 1;
} else {
  buildApp(app, config, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    configDir: path.dirname(path.resolve(configPath)),
  });
  attachNag(app);
}
