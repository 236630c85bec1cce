import { Aws, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { ResolvedConfig } from '../../core/config/resolved';
import { projectPersonalizeArn } from '../constructs/names';
import { acknowledgeWildcardResources } from '../constructs/nag';
import { PipelineFunction } from '../constructs/pipeline-function';
import { PIPELINE_PERMISSIONS, type PipelineStep } from '../../core/pipeline-steps';

/** Prefix in the data bucket where an uploaded `*.json` config starts a run. */
export const CONFIG_UPLOAD_PREFIX = 'config/';

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
}

/** Errors that mean "try again later": throttling, quotas, and resources busy with an earlier change. */
const RETRYABLE_ERRORS = [
  'ThrottlingException',
  'LimitExceededException',
  'TooManyRequestsException',
  'ResourceBusy',
];

/**
 * The pipeline: a Standard state machine that takes the config and the data in S3 to trained, quality-gated,
 * deployed campaigns, plus the teardown workflow, the triggers (config upload, retraining schedules) and the
 * notification topic. Read top-down: one method per phase.
 */
export class PipelineStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly teardownStateMachine: sfn.StateMachine;
  public readonly topic: sns.Topic;
  public readonly functions: Record<PipelineStep, PipelineFunction>;

  private readonly config: ResolvedConfig;
  private readonly bucket: s3.IBucket;
  private readonly failure: sfn.Chain;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.config = props.config;
    this.bucket = s3.Bucket.fromBucketName(this, 'DataBucket', props.bucketName);

    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: `${props.config.projectName} pipeline notifications`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.functions = this.createFunctions(props);
    this.grantPermissions(props);

    this.failure = this.failurePath();
    this.stateMachine = new sfn.StateMachine(this, 'Pipeline', {
      comment: `${props.config.projectName}: config and data in S3 to deployed, quality-gated Personalize campaigns`,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props.maxConcurrentSolutions ?? 4)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: this.executionLogs('PipelineLogs', props),
    });
    this.teardownStateMachine = new sfn.StateMachine(this, 'Teardown', {
      comment: `${props.config.projectName}: deletes every Personalize resource of the project, in dependency order`,
      definitionBody: sfn.DefinitionBody.fromChainable(this.teardownDefinition()),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: this.executionLogs('TeardownLogs', props),
    });

    this.acknowledgeStateMachineRoles();
    this.startOnConfigUpload(this.bucket);
    this.scheduleRetraining();
    this.scheduleBatchJobs();
  }

  // ---------------------------------------------------------------------------------------------
  // The pipeline, top-down
  // ---------------------------------------------------------------------------------------------

  private definition(maxConcurrentSolutions: number): sfn.IChainable {
    return this.validate()
      .next(this.datasetGroup())
      .next(this.datasets())
      .next(this.imports())
      .next(this.filters())
      .next(this.solutions(maxConcurrentSolutions))
      .next(this.eventTracker())
      .next(this.batchJobs())
      .next(this.summary());
  }

  /** Config (input, uploaded file or deployed default) and data checked before any Personalize call. */
  private validate(): sfn.Chain {
    const defaults = new sfn.Pass(this, 'AddDeployedConfig', {
      comment: 'The deployed config is the default; an input `config` or `configLocation` replaces it.',
      parameters: { 'input.$': '$', deployedConfig: this.config },
    });
    // The result replaces the state (ResultPath left at its default, `$`): from here on the state is the RunState.
    const validate = this.step('Validate', 'validate', { payloadPath: '$' });
    return defaults.next(validate);
  }

  /** Schemas, then the dataset group (encrypted with the project key). */
  private datasetGroup(): sfn.Chain {
    const ensure = this.step('EnsureDatasetGroup', 'dataset-group', {
      payloadPath: '$',
      resultPath: '$.group',
    });
    return ensure.next(this.waitFor('DatasetGroup', '$.group', 'other'));
  }

  private datasets(): sfn.Chain {
    const ensure = this.step('EnsureDatasets', 'datasets', {
      payload: {
        'config.$': '$.config',
        'datasetGroupArn.$': '$.group.datasetGroupArn',
        'schemaArns.$': '$.group.schemaArns',
      },
      resultPath: '$.datasets',
    });
    return ensure.next(this.waitFor('Datasets', '$.datasets', 'other'));
  }

  /** One import job per dataset whose data changed (or all, when forced), running side by side. */
  private imports(): sfn.Chain {
    const start = this.step('StartImports', 'imports', {
      payload: {
        'config.$': '$.config',
        'options.$': '$.options',
        'runId.$': '$.runId',
        'datasetArns.$': '$.datasets.datasetArns',
      },
      resultPath: '$.imports',
    });
    return start.next(this.waitFor('Imports', '$.imports', 'import'));
  }

  /** Filters are created, and replaced when their expression changes. */
  private filters(): sfn.Chain {
    const payload = { 'config.$': '$.config', 'datasetGroupArn.$': '$.group.datasetGroupArn' };
    const ensure = this.step('EnsureFilters', 'filters', { payload, resultPath: '$.filters' });
    const cleanUp = this.step('RemoveReplacedFilters', 'filters', { payload, resultPath: '$.filters' });
    return ensure.next(this.waitFor('Filters', '$.filters', 'other')).next(cleanUp);
  }

  /**
   * Each selected solution, side by side: ensure the solution, train a version when there is something new,
   * gate it on offline metrics, and deploy it to its campaign. A failing or gated-out solution is reported
   * and the others go on.
   */
  private solutions(maxConcurrency: number): sfn.Map {
    const map = new sfn.Map(this, 'Solutions', {
      comment: 'One branch per solution in the config',
      itemsPath: '$.config.solutions',
      maxConcurrency,
      itemSelector: {
        'solution.$': '$$.Map.Item.Value',
        'selected.$': 'States.ArrayContains($.options.solutions, $$.Map.Item.Value.name)',
        'config.$': '$.config',
        'options.$': '$.options',
        'runId.$': '$.runId',
        'datasetGroupArn.$': '$.group.datasetGroupArn',
      },
      resultPath: '$.solutionResults',
    });

    const ensure = this.invoke('EnsureSolution', 'solution', {
      payload: {
        'config.$': '$.config',
        'options.$': '$.options',
        'datasetGroupArn.$': '$.datasetGroupArn',
        'solution.$': '$.solution',
      },
      resultPath: '$.ensured',
    });
    const train = this.invoke('TrainVersion', 'solution-version', {
      payload: {
        'config.$': '$.config',
        'options.$': '$.options',
        'solution.$': '$.solution',
        'solutionArn.$': '$.ensured.solutionArn',
      },
      resultPath: '$.version',
    });
    const gate = this.invoke('EvaluateVersion', 'evaluate', {
      payload: {
        'config.$': '$.config',
        'solution.$': '$.solution',
        'solutionVersionArn.$': '$.version.solutionVersionArn',
      },
      resultPath: '$.gate',
    });
    const deploy = this.invoke('DeployCampaign', 'campaign', {
      payload: {
        'config.$': '$.config',
        'solution.$': '$.solution',
        'solutionVersionArn.$': '$.version.solutionVersionArn',
      },
      resultPath: '$.campaign',
    });

    const outcome = (id: string, status: string, extra: Record<string, string> = {}) =>
      new sfn.Pass(this, id, {
        parameters: {
          'name.$': '$.solution.name',
          status,
          'solutionVersionArn.$': '$.version.solutionVersionArn',
          'trained.$': '$.version.trained',
          ...extra,
        },
      });
    const deployed = outcome('SolutionDeployed', 'DEPLOYED', {
      'gate.$': '$.gate',
      'campaign.$': '$.campaign',
    });
    const gatedOut = outcome('SolutionGatedOut', 'GATED_OUT', { 'gate.$': '$.gate' });
    const trainedOnly = outcome('SolutionTrained', 'TRAINED', { 'gate.$': '$.gate' });
    const skipped = new sfn.Pass(this, 'SolutionNotSelected', {
      parameters: { 'name.$': '$.solution.name', status: 'SKIPPED' },
    });
    const failed = new sfn.Pass(this, 'SolutionFailed', {
      parameters: {
        'name.$': '$.solution.name',
        status: 'FAILED',
        'error.$': '$.error.Error',
        'cause.$': '$.error.Cause',
      },
    });

    const deployIfPassed = new sfn.Choice(this, 'PassedQualityGate?')
      .when(
        sfn.Condition.and(
          sfn.Condition.booleanEquals('$.gate.passed', true),
          sfn.Condition.isPresent('$.solution.campaign'),
        ),
        deploy.next(this.waitFor('Campaign', '$.campaign', 'campaign', true)).next(deployed),
      )
      .when(sfn.Condition.booleanEquals('$.gate.passed', true), trainedOnly)
      .otherwise(gatedOut);

    const branch = ensure
      .next(this.waitFor('Solution', '$.ensured', 'other', true))
      .next(train)
      .next(this.waitFor('Training', '$.version', 'training', true))
      .next(gate)
      .next(deployIfPassed);

    const body = new sfn.Parallel(this, 'SolutionBranch', { resultPath: '$.result' })
      .branch(branch)
      .addCatch(failed, { resultPath: '$.error' });
    const unwrap = new sfn.Pass(this, 'SolutionOutcome', { outputPath: '$.result[0]' });

    map.itemProcessor(
      new sfn.Choice(this, 'Selected?')
        .when(sfn.Condition.booleanEquals('$.selected', true), body.next(unwrap))
        .otherwise(skipped),
    );
    return map;
  }

  /** The event tracker real-time events go to; its tracking id is published for the serving API. */
  private eventTracker(): sfn.Chain {
    const ensure = this.step('EnsureEventTracker', 'event-tracker', {
      payload: { 'config.$': '$.config', 'datasetGroupArn.$': '$.group.datasetGroupArn' },
      resultPath: '$.eventTracker',
    });
    const disabled = new sfn.Pass(this, 'EventTrackerDisabled', {
      result: sfn.Result.fromObject({}),
      resultPath: '$.eventTracker',
    });
    const join = new sfn.Pass(this, 'EventTrackerDone');
    return sfn.Chain.start(
      new sfn.Choice(this, 'EventTrackerEnabled?')
        .when(
          sfn.Condition.booleanEquals('$.config.eventTracker.enabled', true),
          ensure.next(this.waitFor('EventTracker', '$.eventTracker', 'other')).next(join),
        )
        .otherwise(disabled.next(join))
        .afterwards(),
    );
  }

  /**
   * Batch inference and segment jobs, each with its own input and output prefix. A job runs only when there is
   * something new for it (a new version of its solution, `force`, the run input's `batchJobs`, or no earlier
   * run); a skipped job has nothing to wait for and is reported with the reason.
   */
  private batchJobs(): sfn.Map {
    const map = new sfn.Map(this, 'BatchJobs', {
      itemsPath: '$.config.batchJobs',
      maxConcurrency: 2,
      itemSelector: {
        'job.$': '$$.Map.Item.Value',
        'config.$': '$.config',
        'options.$': '$.options',
        'solutionResults.$': '$.solutionResults',
        'runId.$': '$.runId',
      },
      resultPath: '$.batchResults',
    });
    const start = this.invoke('StartBatchJob', 'batch-job', {
      payload: {
        'config.$': '$.config',
        'job.$': '$.job',
        'options.$': '$.options',
        'solutionResults.$': '$.solutionResults',
        'runId.$': '$.runId',
      },
      resultPath: '$.batch',
    });
    const done = new sfn.Pass(this, 'BatchJobDone', {
      parameters: { 'name.$': '$.job.name', status: 'COMPLETED', 'jobArn.$': '$.result[0].batch.jobArn' },
    });
    const skipped = new sfn.Pass(this, 'BatchJobSkipped', {
      parameters: { 'name.$': '$.job.name', status: 'SKIPPED', 'reason.$': '$.result[0].batch.skipped' },
    });
    const failed = new sfn.Pass(this, 'BatchJobFailed', {
      parameters: {
        'name.$': '$.job.name',
        status: 'FAILED',
        'error.$': '$.error.Error',
        'cause.$': '$.error.Cause',
      },
    });
    const body = new sfn.Parallel(this, 'BatchJobBranch', { resultPath: '$.result' })
      .branch(start.next(this.waitFor('BatchJob', '$.batch', 'batch', true)))
      .addCatch(failed, { resultPath: '$.error' });
    map.itemProcessor(
      body.next(
        new sfn.Choice(this, 'BatchJobRan?')
          .when(sfn.Condition.isPresent('$.result[0].batch.skipped'), skipped)
          .otherwise(done),
      ),
    );
    return map;
  }

  /** Metrics, notification and events for the run; a run where anything failed ends failed. */
  private summary(): sfn.Chain {
    const publish = this.step('PublishSummary', 'summary', {
      payload: {
        'config.$': '$.config',
        'options.$': '$.options',
        'runId.$': '$.runId',
        'startedAt.$': '$.startedAt',
        results: {
          'imports.$': '$.imports',
          'filters.$': '$.filters',
          'solutions.$': '$.solutionResults',
          'eventTracker.$': '$.eventTracker',
          'batchJobs.$': '$.batchResults',
        },
      },
      resultPath: '$.summary',
    });
    const succeeded = new sfn.Succeed(this, 'RunSucceeded', { outputPath: '$.summary' });
    const partial = new sfn.Fail(this, 'RunPartiallyFailed', {
      error: 'PartialFailure',
      causePath: '$.summary.summary',
    });
    return publish.next(
      new sfn.Choice(this, 'AllSucceeded?')
        .when(sfn.Condition.stringEquals('$.summary.status', 'SUCCEEDED'), succeeded)
        .otherwise(partial),
    );
  }

  /** Every uncaught error ends here: notify (SNS + EventBridge) with the cause verbatim, then fail. */
  private failurePath(): sfn.Chain {
    const notify = this.invoke('NotifyFailure', 'notify-failure', {
      payload: { 'runId.$': '$$.Execution.Name', 'Error.$': '$.error.Error', 'Cause.$': '$.error.Cause' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    const fail = new sfn.Fail(this, 'RunFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
    return notify.next(fail);
  }

  // ---------------------------------------------------------------------------------------------
  // Teardown
  // ---------------------------------------------------------------------------------------------

  /** Deletes the project's Personalize resources, waiting for each phase; `{"dryRun": true}` only lists them. */
  private teardownDefinition(): sfn.IChainable {
    const step = this.invoke('DeleteNextPhase', 'teardown', {
      payload: { projectName: this.config.projectName, 'request.$': '$' },
      resultPath: '$.teardown',
    });
    const wait = new sfn.Wait(this, 'WaitForDeletion', {
      time: sfn.WaitTime.secondsPath('$.teardown.waitSeconds'),
    });
    const done = new sfn.Succeed(this, 'TeardownComplete', { outputPath: '$.teardown' });
    wait.next(step);
    return step.next(
      new sfn.Choice(this, 'NothingLeft?')
        .when(sfn.Condition.booleanEquals('$.teardown.done', true), done)
        .otherwise(wait),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Building blocks
  // ---------------------------------------------------------------------------------------------

  /**
   * Wait → describe → Choice: the describe step reports whether every resource the previous step started is
   * done and how long to wait next (short at first, longer as the stage runs, at most 60 s). A resource that
   * fails, or a stage that outlives its timeout, raises an error the failure path reports.
   */
  private waitFor(
    stage: string,
    startedPath: string,
    timeout: keyof ResolvedConfig['timeouts'],
    inBranch = false,
  ): sfn.Chain {
    const check = (inBranch ? this.invoke.bind(this) : this.step.bind(this))(`Check${stage}`, 'poll', {
      payload: {
        stage,
        'targets.$': `${startedPath}.targets`,
        'startedAt.$': `${startedPath}.startedAt`,
        'timeoutMinutes.$': `$.config.timeouts.${timeout}`,
      },
      resultPath: '$.poll',
    });
    const wait = new sfn.Wait(this, `WaitFor${stage}`, {
      time: sfn.WaitTime.secondsPath('$.poll.waitSeconds'),
    });
    const done = new sfn.Pass(this, `${stage}Ready`);
    wait.next(check);
    check.next(
      new sfn.Choice(this, `${stage}Done?`)
        .when(sfn.Condition.booleanEquals('$.poll.done', true), done)
        .otherwise(wait),
    );
    return sfn.Chain.custom(check, [done], done);
  }

  /**
   * A top-level pipeline step: invoke the step's function, retry throttling, send anything else to the failure
   * path. Steps inside a Map branch use {@link invoke}: their errors are caught by the branch.
   */
  private step(
    id: string,
    fn: PipelineStep,
    options: { payload?: Record<string, unknown>; payloadPath?: string; resultPath?: string },
  ): tasks.LambdaInvoke {
    const task = this.invoke(id, fn, options);
    task.addCatch(this.failure, { resultPath: '$.error' });
    return task;
  }

  private invoke(
    id: string,
    fn: PipelineStep,
    options: { payload?: Record<string, unknown>; payloadPath?: string; resultPath?: string },
  ): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.functions[fn].function,
      payloadResponseOnly: true,
      // Without a payload the function receives the state at `inputPath` as it is.
      ...(options.payload
        ? { payload: sfn.TaskInput.fromObject(options.payload) }
        : { inputPath: options.payloadPath ?? '$' }),
      ...(options.resultPath ? { resultPath: options.resultPath } : {}),
    });
    task.addRetry({
      errors: RETRYABLE_ERRORS,
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 6,
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  }

  private executionLogs(id: string, props: PipelineStackProps): sfn.LogOptions {
    return {
      destination: new logs.LogGroup(this, id, {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        encryptionKey: props.key,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Functions and their permissions
  // ---------------------------------------------------------------------------------------------

  private createFunctions(props: PipelineStackProps): Record<PipelineStep, PipelineFunction> {
    const environment = {
      PROJECT_NAME: props.config.projectName,
      BUCKET_NAME: props.bucketName,
      KMS_KEY_ARN: props.key.keyArn,
      PERSONALIZE_ROLE_ARN: props.personalizeRole.roleArn,
      TOPIC_ARN: this.topic.topicArn,
      EVENT_BUS_NAME: 'default',
      PARAMETER_PREFIX: `/${props.config.projectName}`,
      METRICS_NAMESPACE: 'PersonalizePipeline',
      ACCOUNT_ID: this.account,
    };
    const steps = Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[];
    const entries = steps.map((name) => {
      const fn = new PipelineFunction(this, `${pascal(name)}Function`, {
        entry: `lambda/pipeline/${name}.ts`,
        description: `${props.config.projectName} pipeline: ${name}`,
        key: props.key,
        environment,
        logRetention: props.logRetention,
        timeout: name === 'validate' ? Duration.minutes(15) : Duration.minutes(5),
        memorySize: name === 'validate' ? 1024 : 512,
      });
      return [name, fn] as const;
    });
    return Object.fromEntries(entries) as Record<PipelineStep, PipelineFunction>;
  }

  /** The wildcards CDK's state machine roles need, acknowledged one finding at a time. */
  private acknowledgeStateMachineRoles(): void {
    for (const machine of [this.stateMachine, this.teardownStateMachine]) {
      Validations.of(machine.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Execution logging (logs:*LogDelivery, DescribeLogGroups, PutResourcePolicy) and X-Ray tracing support no resource-level permissions.',
      });
      for (const fn of Object.values(this.functions)) {
        const arn = flattenCfnReference(this.resolve(fn.function.functionArn));
        Validations.of(machine.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${arn}:*]`,
          reason:
            'Invoking a pipeline step function: CDK grants the function and its versions (ARN:*), nothing else.',
        });
      }
    }
  }

  /** Each function gets exactly the actions its handler sends, on the project's resources only. */
  private grantPermissions(props: PipelineStackProps): void {
    const project = props.config.projectName;
    const context: PermissionContext = {
      projectArn: projectPersonalizeArn(project),
      bucket: this.bucket,
      key: props.key,
      personalizeRole: props.personalizeRole,
      topic: this.topic,
      parameterArn: `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${project}/*`,
      eventBusArn: `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`,
    };
    for (const [name, actions] of Object.entries(PIPELINE_PERMISSIONS) as Array<
      [PipelineStep, readonly string[]]
    >) {
      const role = this.functions[name].role;
      const statements = permissionStatements(actions, context);
      for (const statement of statements) role.addToPrincipalPolicy(statement);
      acknowledgeWildcardResources(role, statements, (resource) => wildcardReason(resource, project));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Triggers
  // ---------------------------------------------------------------------------------------------

  /** A `*.json` config uploaded under `config/` in the data bucket starts a run with it. */
  private startOnConfigUpload(bucket: s3.IBucket): void {
    new events.Rule(this, 'ConfigUploaded', {
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

  /** One EventBridge Scheduler schedule per configured retraining (FULL and UPDATE). */
  private scheduleRetraining(): void {
    const target = (input: Record<string, unknown>) =>
      new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject(input),
      });
    for (const solution of this.config.solutions) {
      const modes: Array<['full' | 'update', string | undefined]> = [
        ['full', solution.schedule?.full],
        ['update', solution.schedule?.update],
      ];
      for (const [mode, expression] of modes) {
        if (!expression) continue;
        new scheduler.Schedule(this, `Retrain-${solution.name}-${mode}`, {
          description: `${mode.toUpperCase()} retraining of ${solution.name}`,
          schedule: scheduler.ScheduleExpression.expression(expression),
          target: target({ solutions: [solution.name], trainingMode: mode.toUpperCase() }),
        });
      }
    }
  }

  /**
   * One EventBridge Scheduler schedule per batch job with a `schedule`: a run that trains nothing
   * (`solutions: []`) and runs that job (`batchJobs: [name]`) on its solution's newest ACTIVE version.
   */
  private scheduleBatchJobs(): void {
    for (const job of this.config.batchJobs) {
      if (!job.schedule) continue;
      new scheduler.Schedule(this, `BatchJob-${job.name}`, {
        description: `Batch ${job.type} job ${job.name}`,
        schedule: scheduler.ScheduleExpression.expression(job.schedule),
        target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({ solutions: [], batchJobs: [job.name] }),
        }),
      });
    }
  }
}

interface PermissionContext {
  readonly projectArn: string;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly personalizeRole: iam.IRole;
  readonly topic: sns.ITopic;
  readonly parameterArn: string;
  readonly eventBusArn: string;
}

/** Turns a handler's list of IAM actions into statements scoped to the resources each action touches. */
export function permissionStatements(
  actions: readonly string[],
  ctx: PermissionContext,
): iam.PolicyStatement[] {
  const byResource = new Map<
    string,
    { resources: string[]; actions: string[]; conditions?: Record<string, unknown> }
  >();
  const add = (key: string, action: string, resources: string[], conditions?: Record<string, unknown>) => {
    const entry = byResource.get(key) ?? { resources, actions: [], conditions };
    entry.actions.push(action);
    byResource.set(key, entry);
  };
  for (const action of actions) {
    const [service, operation = ''] = action.split(':');
    if (service === 'personalize') {
      // List operations support no resource-level permissions in IAM.
      if (operation.startsWith('List')) add('personalize-list', action, ['*']);
      else add('personalize', action, [ctx.projectArn]);
    } else if (action === 's3:ListBucket') add('s3-bucket', action, [ctx.bucket.bucketArn]);
    else if (service === 's3') add('s3-objects', action, [ctx.bucket.arnForObjects('*')]);
    else if (service === 'kms') add('kms', action, [ctx.key.keyArn]);
    else if (action === 'iam:PassRole') {
      add('pass-role', action, [ctx.personalizeRole.roleArn], {
        StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' },
      });
    } else if (service === 'sns') add('sns', action, [ctx.topic.topicArn]);
    else if (service === 'ssm') add('ssm', action, [ctx.parameterArn]);
    else if (service === 'events') add('events', action, [ctx.eventBusArn]);
    else if (action === 'cloudwatch:PutMetricData') {
      add('cloudwatch', action, ['*'], { StringEquals: { 'cloudwatch:namespace': 'PersonalizePipeline' } });
    } else throw new Error(`No resource scope is defined for ${action}; add one to permissionStatements.`);
  }
  return [...byResource.entries()].map(
    ([sid, s]) =>
      new iam.PolicyStatement({
        sid: pascal(sid),
        actions: s.actions,
        resources: s.resources,
        ...(s.conditions ? { conditions: s.conditions } : {}),
      }),
  );
}

/** Why a wildcard resource in a pipeline function's policy is as narrow as IAM allows. */
function wildcardReason(resource: string, project: string): string {
  if (resource === '*') {
    return 'Personalize List* calls and cloudwatch:PutMetricData support no resource-level permissions; PutMetricData is limited to the pipeline namespace by a condition.';
  }
  if (resource.includes(':personalize:')) {
    return `Every Personalize resource the pipeline manages is named "${project}" or "${project}-..." (resource types differ per call), so this matches the project's resources only.`;
  }
  if (resource.includes(':ssm:')) return `The project's own parameters under /${project}/.`;
  if (resource.includes(':s3:::'))
    return "Objects of the project's own data bucket: datasets, uploaded configs and batch files.";
  throw new Error(`No reason recorded for the wildcard resource ${resource}`);
}

function pascal(name: string): string {
  return name.replace(/(^|[-_])(\w)/g, (_m, _sep: string, c: string) => c.toUpperCase());
}
