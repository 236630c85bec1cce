#!/usr/bin/env node
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { attachNag, buildApp } from '../lib/app';
import { loadConfig } from '../core/config';

const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? 'personalize.config.json';
const config = loadConfig(configPath);

buildApp(app, config, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  configDir: path.dirname(path.resolve(configPath)),
});
attachNag(app);
