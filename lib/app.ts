import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { batchJobPrefixes, type PipelineConfig } from '../core/config';
import { METRIC_ATTRIBUTION_PREFIX } from '../core/names';
import { resolveConfig } from '../core/config/resolved';
import { availabilityZonesOf, deploymentEndpointServices } from '../core/network';
import type { HandlerFunction } from './constructs/handler-function';
import { dataBucketName } from './constructs/names';
import { DataStack } from './stacks/data-stack';
import { NetworkStack } from './stacks/network-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { PipelineStack } from './stacks/pipeline-stack';
import { ServingStack } from './stacks/serving-stack';

export interface PersonalizePipelineStacks {
  readonly data: DataStack;
  /** The private network the functions run in, unless the config turns it off (`network.enabled: false`). */
  readonly network?: NetworkStack;
  readonly pipeline: PipelineStack;
  /** The real-time API, deployed when the config has a `serving` section. */
  readonly serving?: ServingStack;
  /** The dashboard and the alarms. */
  readonly monitoring: MonitoringStack;
}

export interface BuildAppOptions {
  /** Account and region to deploy to. @default - environment-agnostic stacks */
  readonly env?: Environment;
  /** Folder the config's schema file paths are relative to. @default process.cwd() */
  readonly configDir?: string;
}

/** The bucket prefixes Personalize reads from and writes to, derived from the config. */
export function personalizeDataPrefixes(config: PipelineConfig): { read: string[]; write: string[] } {
  const datasets = Object.values(config.datasets).filter((d) => d !== undefined);
  const read = [
    ...datasets.map((d) => d.dataLocation),
    ...config.batchJobs.map((j) => batchJobPrefixes(j.name).input),
  ];
  const write = [
    ...config.batchJobs.map((j) => batchJobPrefixes(j.name).output),
    // The metric attribution's reports.
    ...(config.metricAttribution ? [METRIC_ATTRIBUTION_PREFIX] : []),
  ];
  return { read: [...new Set(read)], write: [...new Set(write)] };
}

/** Adds the project's stacks to `app`, tags every resource, and returns the stacks. */
export function buildApp(
  app: App,
  config: PipelineConfig,
  options: BuildAppOptions = {},
): PersonalizePipelineStacks {
  const configDir = options.configDir ?? process.cwd();
  const resolved = resolveConfig(config, (file) => readFileSync(path.resolve(configDir, file), 'utf8'));
  const prefixes = personalizeDataPrefixes(config);

  const data = new DataStack(app, `${config.projectName}-data`, {
    env: options.env,
    description: `${config.projectName}: KMS key, data bucket and the role Amazon Personalize uses`,
    projectName: config.projectName,
    ...(config.existingDataBucket ? { existingDataBucket: config.existingDataBucket } : {}),
    readPrefixes: prefixes.read,
    writePrefixes: prefixes.write,
  });
  const network = config.network.enabled
    ? new NetworkStack(app, `${config.projectName}-network`, {
        env: options.env,
        description: `${config.projectName}: isolated subnets and the VPC endpoints the functions call`,
        services: deploymentEndpointServices(config),
        availabilityZones: availabilityZonesOf(config.network),
        key: data.key,
      })
    : undefined;
  const pipeline = new PipelineStack(app, `${config.projectName}-pipeline`, {
    env: options.env,
    description: `${config.projectName}: Step Functions pipeline from data to deployed Personalize campaigns`,
    config: resolved,
    bucketName: dataBucketName(config.projectName),
    key: data.key,
    personalizeRole: data.personalizeRole,
    network: network?.functionNetwork,
  });
  const serving = config.serving
    ? new ServingStack(app, `${config.projectName}-serving`, {
        env: options.env,
        description: `${config.projectName}: real-time API for recommendations and events`,
        config,
        bucketName: dataBucketName(config.projectName),
        key: data.key,
        alarmTopic: pipeline.topic,
        network: network?.functionNetwork,
      })
    : undefined;

  const monitoring = new MonitoringStack(app, `${config.projectName}-monitoring`, {
    env: options.env,
    description: `${config.projectName}: CloudWatch dashboard and alarms of the pipeline, the API and Personalize`,
    config,
    alarmTopic: pipeline.topic,
    pipeline: { stateMachine: pipeline.stateMachine, functions: functionsOf(pipeline.functions) },
    ...(serving
      ? {
          serving: {
            api: serving.api.api,
            stageName: serving.api.stage.stageName,
            functions: functionsOf(serving.functions),
            ...(serving.eventQueue ? { eventQueue: serving.eventQueue } : {}),
          },
        }
      : {}),
  });

  Tags.of(app).add('project', config.projectName);
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  return { data, ...(network ? { network } : {}), pipeline, ...(serving ? { serving } : {}), monitoring };
}

/** The Lambda functions of a stack's HandlerFunctions, by the same keys. */
function functionsOf(
  handlers: Readonly<Partial<Record<string, HandlerFunction>>>,
): Record<string, lambda.IFunction> {
  return Object.fromEntries(
    Object.entries(handlers).flatMap(([name, handler]) => (handler ? [[name, handler.function]] : [])),
  );
}

/** Runs the AWS Solutions rule pack on every stack; any unacknowledged finding fails synthesis. */
export function attachNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
