import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { ResolvedConfig } from '../../core/config/resolved';
import { METRICS_NAMESPACE } from '../../core/monitoring';
import {
  configUploadRuleName,
  projectSchedules,
  scheduleGroupName,
  stateMachineName,
  type WorkflowKind,
} from '../../core/names';
import type { ProjectTriggers } from '../../core/pipeline-contract';
import {
  PIPELINE_ENVIRONMENT,
  PIPELINE_PERMISSIONS,
  type PipelineStep,
  type StepVariable,
} from '../../core/pipeline-steps';
import { alarmsOfThisAccount } from '../constructs/alarm-access';
import { type FunctionNetwork, HandlerFunction } from '../constructs/handler-function';
import { pascalCase } from '../constructs/names';
import { acknowledgeRoleWildcards } from '../constructs/nag';
import { grantScoped, type ScopeTable, wildcardReasonsOf } from '../constructs/permissions';
import { PipelineWorkflow } from '../constructs/pipeline-workflow';
import { passRoleScopeRules, projectScopeTable } from '../constructs/project-scopes';
import { TeardownWorkflow } from '../constructs/teardown-workflow';

/** Prefix in the data bucket where an uploaded `*.json` config starts a run. */
export const CONFIG_UPLOAD_PREFIX = 'config/';

/** The event bus the pipeline's run events go to. */
const EVENT_BUS_NAME = 'default';

export interface PipelineStackProps extends StackProps {
  /** The validated config with schemas attached: the default of every run. */
  readonly config: ResolvedConfig;
  /** Name of the data bucket (datasets, batch files, uploaded configs), from {@link dataBucketName}. */
  readonly bucketName: string;
  /** The project key: encrypts logs, the topic, function environments and the dataset group. */
  readonly key: kms.IKey;
  /** The role Amazon Personalize assumes for imports and batch jobs. */
  readonly personalizeRole: iam.IRole;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** How many solutions train at the same time. @default 4 */
  readonly maxConcurrentSolutions?: number;
  /** Run every function in this network (NetworkStack). @default - outside any VPC */
  readonly network?: FunctionNetwork;
}

/**
 * The pipeline: a Standard state machine that takes the config and the data in S3 to trained, quality-gated,
 * deployed campaigns (PipelineWorkflow), the teardown workflow, one function per step holding only its own
 * actions and variables, the triggers (config upload, retraining and batch schedules) and the notification
 * topic.
 */
export class PipelineStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly teardownStateMachine: sfn.StateMachine;
  public readonly topic: sns.Topic;
  /** The run lease: one item per project, held by the execution that runs (one run at a time). */
  public readonly leaseTable: dynamodb.Table;
  public readonly functions: Readonly<Record<PipelineStep, HandlerFunction>>;
  /** The group of the project's schedules (retraining, batch jobs): `<projectName>-schedules`. */
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role the schedules start pipeline executions with. */
  public readonly scheduleRole: iam.Role;
  /** The rule that starts a run when a config is uploaded to `config/`: `<projectName>-config-upload`. */
  public readonly configUploadRule: events.Rule;
  /** The project's triggers by name, which the teardown disables first. */
  public readonly triggers: ProjectTriggers;

  private readonly config: ResolvedConfig;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.config = props.config;
    const project = props.config.projectName;
    const bucket = s3.Bucket.fromBucketName(this, 'DataBucket', props.bucketName);

    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: `${project} pipeline notifications`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.allowAlarmsToPublish();
    this.leaseTable = this.createLeaseTable(props.key);
    const permissions = projectScopeTable({
      config: props.config,
      bucket,
      key: props.key,
      personalizeRole: props.personalizeRole,
      topic: this.topic,
      eventBusName: EVENT_BUS_NAME,
      metricsNamespace: METRICS_NAMESPACE,
      leaseTable: this.leaseTable,
    });
    const variables: Record<StepVariable, string> = {
      ACCOUNT_ID: this.account,
      BUCKET_NAME: props.bucketName,
      EVENT_BUS_NAME,
      KMS_KEY_ARN: props.key.keyArn,
      LEASE_TABLE_NAME: this.leaseTable.tableName,
      METRICS_NAMESPACE,
      PARAMETER_PREFIX: `/${project}`,
      PERSONALIZE_ROLE_ARN: props.personalizeRole.roleArn,
      PROJECT_NAME: project,
      TOPIC_ARN: this.topic.topicArn,
    };
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: scheduleGroupName(project),
      // It holds nothing but the stack's schedules; retained (CDK's default), its name would block a redeploy.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.scheduleRole = this.createScheduleRole();
    this.triggers = {
      scheduleGroup: scheduleGroupName(project),
      schedules: projectSchedules(props.config).map((s) => s.name),
      configUploadRule: configUploadRuleName(project),
    };
    this.functions = this.createFunctions(props, variables, {
      // The teardown hands the schedules' role back to Scheduler (UpdateSchedule replaces the whole schedule).
      teardown: { ...permissions, iam: passRoleScopeRules(this.scheduleRole, 'scheduler.amazonaws.com') },
      default: permissions,
    });

    const lambdas = Object.fromEntries<lambda.IFunction>(
      Object.entries(this.functions).map(([step, fn]) => [step, fn.function]),
    ) as Record<PipelineStep, lambda.IFunction>;
    const pipeline = new PipelineWorkflow(this, 'Workflow', {
      config: props.config,
      functions: lambdas,
      maxConcurrentSolutions: props.maxConcurrentSolutions,
    });
    const teardown = new TeardownWorkflow(this, 'TeardownWorkflow', {
      projectName: project,
      teardownFunction: lambdas.teardown,
      triggers: this.triggers,
      timeouts: props.config.timeouts,
    });
    this.stateMachine = this.workflow('Pipeline', 'pipeline', pipeline, props);
    this.teardownStateMachine = this.workflow('Teardown', 'teardown', teardown, props);
    this.acknowledgeWildcards(permissions);

    this.configUploadRule = this.startOnConfigUpload(bucket);
    this.scheduleRuns();
    this.releaseLeaseOfEndedRuns();
    this.addOutputs(props.bucketName);
  }

  /**
   * What `cdk deploy` prints: the state machines, the topic, and the next steps — where the data goes and how
   * the first run starts.
   */
  private addOutputs(bucketName: string): void {
    new CfnOutput(this, 'PipelineStateMachineArn', {
      description: 'The pipeline state machine: start it with {} to run the deployed config',
      value: this.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'TeardownStateMachineArn', {
      description:
        'The teardown state machine: {"dryRun": true} lists, {} deletes every Personalize resource of the project, {"reenable": true} turns the schedules and the config-upload rule back on',
      value: this.teardownStateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'Run results and alarms are published here: subscribe to it',
      value: this.topic.topicArn,
    });
    const datasets = Object.entries(this.config.datasets).flatMap(([name, dataset]) =>
      dataset ? [{ name, location: dataset.dataLocation }] : [],
    );
    const copies = datasets
      .map(
        ({ name, location }) =>
          `aws s3 cp ${name}.csv s3://${bucketName}/${location}${location.endsWith('/') ? `${name}.csv` : ''}`,
      )
      .join(' ; ');
    new CfnOutput(this, 'NextSteps', {
      description: 'Where to put the data, and how to start the first run',
      value: `1) Upload the data: ${copies} 2) Start the first run: aws stepfunctions start-execution --state-machine-arn ${this.stateMachine.stateMachineArn} --input '{}' (or upload a config to s3://${bucketName}/${CONFIG_UPLOAD_PREFIX}).`,
    });
  }

  /**
   * The role every schedule starts pipeline executions with, which only EventBridge Scheduler of this account
   * and for the project's schedule group may assume. Created here rather than by each target, so the teardown
   * can be allowed to pass exactly this role back to Scheduler when it disables a schedule.
   */
  private createScheduleRole(): iam.Role {
    return new iam.Role(this, 'ScheduleRole', {
      description: `EventBridge Scheduler starts ${this.config.projectName} pipeline runs with this role`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
  }

  /**
   * The run lease table: encrypted with the project key, on demand (a few writes per run), expired leases
   * removed by TTL on `expiresAt`, point-in-time recovery on. It holds nothing but the lease of a running
   * execution, so it goes with the stack.
   */
  private createLeaseTable(key: kms.IKey): dynamodb.Table {
    return new dynamodb.Table(this, 'RunLease', {
      partitionKey: { name: 'project', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** One function per step: its handler, only the variables it reads, only the actions it sends. */
  private createFunctions(
    props: PipelineStackProps,
    variables: Readonly<Record<StepVariable, string>>,
    permissions: Partial<Record<PipelineStep, ScopeTable>> & { readonly default: ScopeTable },
  ): Record<PipelineStep, HandlerFunction> {
    const steps = Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[];
    const entries = steps.map((step) => {
      const fn = new HandlerFunction(this, `${pascalCase(step)}Function`, {
        entry: `lambda/pipeline/${step}.ts`,
        description: `${props.config.projectName} pipeline: ${step}`,
        encryptionKey: props.key,
        environment: Object.fromEntries(PIPELINE_ENVIRONMENT[step].map((name) => [name, variables[name]])),
        logRetention: props.logRetention,
        timeout: step === 'validate' ? Duration.minutes(15) : Duration.minutes(5),
        memorySize: step === 'validate' ? 1024 : 512,
        network: props.network,
      });
      grantScoped(fn, PIPELINE_PERMISSIONS[step], permissions[step] ?? permissions.default);
      return [step, fn] as const;
    });
    return Object.fromEntries(entries) as Record<PipelineStep, HandlerFunction>;
  }

  /**
   * A Standard state machine named after the project (`<projectName>-pipeline`, `<projectName>-teardown`, so the
   * console shows whose it is), with the workflow's execution timeout, X-Ray, and logging of every event (no
   * execution data) to an encrypted group.
   */
  private workflow(
    id: string,
    kind: WorkflowKind,
    definition: PipelineWorkflow | TeardownWorkflow,
    props: PipelineStackProps,
  ) {
    const destination = new logs.LogGroup(this, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
    });
    return new sfn.StateMachine(this, id, {
      stateMachineName: stateMachineName(this.config.projectName, kind),
      timeout: definition.executionTimeout,
      comment: definition.comment,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
  }

  /**
   * One acknowledgement per wildcard finding of each role, after its last grant: the function roles' scoped
   * patterns and `"*"` actions, and the state machine roles' `"*"` actions and function versions (`ARN:*`).
   */
  private acknowledgeWildcards(permissions: ScopeTable): void {
    const invoked = Object.entries(this.functions).map(
      ([step, fn]) =>
        [
          `${fn.function.functionArn}:*`,
          `Invoking the ${step} function: CDK grants its ARN and ARN:* (its versions and aliases), nothing else.`,
        ] as const,
    );
    const reasons = [...wildcardReasonsOf(permissions), ...invoked];
    const roles = [
      ...Object.values(this.functions).map((fn) => fn.role),
      this.stateMachine.role,
      this.teardownStateMachine.role,
    ];
    for (const role of roles) acknowledgeRoleWildcards(role, reasons);
  }

  /**
   * CloudWatch alarms of this account (the serving API's dead-letter alarm, and any alarm on the pipeline)
   * may publish to the topic; the key policy lets them encrypt with the project key (DataStack).
   */
  private allowAlarmsToPublish(): void {
    this.topic.addToResourcePolicy(alarmsOfThisAccount(this, ['sns:Publish'], [this.topic.topicArn]));
  }

  /**
   * An execution that is aborted, times out or fails outside the workflow's failure path never reaches its own
   * release: EventBridge's status change sends it to the lease function, which releases that execution's lease
   * (only if it still holds it).
   */
  private releaseLeaseOfEndedRuns(): void {
    new events.Rule(this, 'ReleaseLeaseOfEndedRuns', {
      description: `Releases the run lease of a ${this.config.projectName} pipeline execution that was aborted, timed out or failed`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [this.stateMachine.stateMachineArn],
          status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
        },
      },
      targets: [new eventsTargets.LambdaFunction(this.functions.lease.function, { retryAttempts: 8 })],
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Triggers
  // ---------------------------------------------------------------------------------------------

  /** A `*.json` config uploaded under `config/` in the data bucket starts a run with it. */
  private startOnConfigUpload(bucket: s3.IBucket): events.Rule {
    return new events.Rule(this, 'ConfigUploaded', {
      ruleName: configUploadRuleName(this.config.projectName),
      description: `Runs the ${this.config.projectName} pipeline when a config is uploaded to ${CONFIG_UPLOAD_PREFIX}`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [bucket.bucketName] },
          object: { key: [{ wildcard: `${CONFIG_UPLOAD_PREFIX}*.json` }] },
        },
      },
      targets: [
        new eventsTargets.SfnStateMachine(this.stateMachine, {
          input: events.RuleTargetInput.fromObject({
            configLocation: {
              bucket: events.EventField.fromPath('$.detail.bucket.name'),
              key: events.EventField.fromPath('$.detail.object.key'),
            },
          }),
        }),
      ],
    });
  }

  /**
   * One EventBridge Scheduler schedule per configured retraining (FULL and UPDATE of a solution) and per batch
   * job with a `schedule`: a run that trains nothing (`solutions: []`) and runs that job (`batchJobs: [name]`)
   * on its solution's newest ACTIVE version. Each is named in the project's schedule group
   * (core/names.ts `projectSchedules`), so the teardown can disable exactly these.
   */
  private scheduleRuns(): void {
    for (const schedule of projectSchedules(this.config)) {
      const { description, input } =
        schedule.kind === 'retraining'
          ? {
              description: `${schedule.mode} retraining of ${schedule.solution}`,
              input: { solutions: [schedule.solution], trainingMode: schedule.mode },
            }
          : {
              description: `Batch ${this.config.batchJobs.find((j) => j.name === schedule.job)?.type ?? ''} job ${schedule.job}`,
              input: { solutions: [], batchJobs: [schedule.job] },
            };
      new scheduler.Schedule(this, `Schedule-${schedule.name}`, {
        scheduleName: schedule.name,
        scheduleGroup: this.scheduleGroup,
        description,
        schedule: scheduler.ScheduleExpression.expression(schedule.expression),
        target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
          role: this.scheduleRole,
          input: scheduler.ScheduleTargetInput.fromObject(input),
        }),
      });
    }
  }
}
