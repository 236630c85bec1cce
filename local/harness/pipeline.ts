/**
 * The deployed pipeline, locally: synthesizes the CDK app, takes the pipeline and teardown state machines out
 * of the template, and runs them against moto and the emulator with the real handler code.
 */
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import type { PipelineConfig } from '../../core/config';
import type { TeardownRequest } from '../../core/pipeline-contract';
import { projectApp } from './cdk-app';
import { type CfnTemplate, stateMachinesOf } from './definitions';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';
import { ensureLeaseTable, localLeaseTableName } from './lease-table';
import type { LocalProject } from './project';
import { LocalStateMachineRunner, type RunOptions, type RunOutcome } from './runner';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Synthesizes the app for a config (bundling skipped: the handlers run from source) and returns the pipeline template. */
export function synthesizePipelineTemplate(config: PipelineConfig, configDir = PROJECT_ROOT): CfnTemplate {
  const app = projectApp();
  const { pipeline } = buildApp(app, config, {
    env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION },
    configDir,
  });
  return app.synth().getStackArtifact(Stack.of(pipeline).artifactId).template as CfnTemplate;
}

/**
 * How long a queued run waits between two tries of the run lease, locally (30 s in AWS): short, so a queued
 * run starts soon after the run it waits for, and long enough not to busy the machine while it waits.
 */
export const LOCAL_LEASE_WAIT_MS = 250;

/** The environment every pipeline function gets, with deployed resources replaced by their local stand-ins. */
export function functionEnvironment(
  template: CfnTemplate,
  project: LocalProject,
  leaseTableName = 'run-lease',
): Record<string, string> {
  const local: Record<string, string> = {
    LEASE_TABLE_NAME: leaseTableName,
    BUCKET_NAME: project.bucketName,
    KMS_KEY_ARN: project.keyArn,
    TOPIC_ARN: project.topicArn,
    PERSONALIZE_ROLE_ARN: project.personalizeRoleArn,
    ACCOUNT_ID: LOCAL_ACCOUNT,
  };
  const env: Record<string, string> = {};
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables =
      (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {};
    for (const [name, value] of Object.entries(variables)) {
      if (name in local) env[name] = local[name] as string;
      else if (typeof value === 'string') env[name] = value;
      else throw new Error(`Function variable ${name} refers to a deployed resource with no local stand-in`);
    }
  }
  delete env.NODE_OPTIONS;
  // The handlers' structured logs are for CloudWatch; locally only warnings and errors are worth printing.
  env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN';
  // Their metrics are embedded-metric-format lines for CloudWatch; locally they would only fill the console.
  env.POWERTOOLS_METRICS_DISABLED = process.env.POWERTOOLS_METRICS_DISABLED ?? 'true';
  return env;
}

/** The pipeline and teardown workflows of a config, runnable locally. */
export class LocalPipeline {
  readonly template: CfnTemplate;
  private readonly pipeline: LocalStateMachineRunner;
  private readonly teardownRunner: LocalStateMachineRunner;
  /** The project's run lease table in moto, created by the first run. */
  readonly leaseTableName: string;
  private leaseTable?: Promise<void>;

  constructor(config: PipelineConfig, project: LocalProject, configDir = PROJECT_ROOT) {
    this.template = synthesizePipelineTemplate(config, configDir);
    const machines = stateMachinesOf(this.template);
    const find = (prefix: string) => {
      const machine = machines.find((m) => m.logicalId.startsWith(prefix));
      if (!machine) throw new Error(`The synthesized template has no ${prefix} state machine`);
      return new LocalStateMachineRunner(machine.definition, this.template);
    };
    this.pipeline = find('Pipeline');
    this.teardownRunner = find('Teardown');
    this.leaseTableName = localLeaseTableName(config.projectName);
    Object.assign(process.env, functionEnvironment(this.template, project, this.leaseTableName));
  }

  /**
   * Runs the pipeline; `{}` uses the deployed (synthesized) config. Runs started together share the project's
   * run lease as in AWS: a queued run tries it again every {@link LOCAL_LEASE_WAIT_MS} ms.
   */
  async run(input: Record<string, unknown> = {}, options: RunOptions = {}): Promise<RunOutcome> {
    this.leaseTable ??= ensureLeaseTable(this.leaseTableName);
    await this.leaseTable;
    return this.pipeline.run(input, {
      ...options,
      waitMsByState: { WaitForRunLease: LOCAL_LEASE_WAIT_MS, ...options.waitMsByState },
    });
  }

  /**
   * Runs the teardown workflow; `{ dryRun: true }` lists what would be disabled, stopped and deleted, `{ reenable:
   * true }` enables the project's schedules and config-upload rule again.
   */
  teardown(input: TeardownRequest = {}, options?: RunOptions): Promise<RunOutcome> {
    return this.teardownRunner.run(input, options);
  }
}
