import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type {
  BatchJobDefinition,
  BatchJobResult,
  BatchJobRunResult,
  CampaignResult,
  DatasetGroupResult,
  DatasetsResult,
  EvaluateResult,
  EventTrackerResult,
  FiltersResult,
  ImportsResult,
  LeaseEvent,
  LeaseResult,
  LeaseStage,
  MetricAttributionResult,
  PipelineStepContract,
  Pollable,
  PollResult,
  RecommendersResult,
  ResolvedConfig,
  RunInput,
  RunOptions,
  RunState,
  SolutionDefinition,
  SolutionResult,
  SolutionRunResult,
  SolutionVersionResult,
  SummaryResult,
  ValidateEvent,
} from '../../core/pipeline-contract';
import type { PipelineStep } from '../../core/pipeline-steps';
import {
  domainStages,
  LEASE_HOLDS,
  LEASE_MARGIN_MINUTES,
  runTimeoutSeconds,
  stagesMinutes,
} from '../../core/run-lease';
import { jsonPath, type JsonPathRef, literal, payload, type PayloadTemplate, ResultSlot } from './json-path';
import { lambdaTask } from './lambda-task';

/** The steps the pipeline workflow invokes (teardown has its own workflow). */
export type PipelineWorkflowStep = Exclude<PipelineStep, 'teardown'>;

export interface PipelineWorkflowProps {
  /** The validated config with schemas attached: the default of every run, written into the definition. */
  readonly config: ResolvedConfig;
  /** The function that runs each step's handler. */
  readonly functions: Readonly<Record<PipelineWorkflowStep, lambda.IFunction>>;
  /** How many solutions train at the same time. @default 4 */
  readonly maxConcurrentSolutions?: number;
  /** How many batch jobs run at the same time. @default 2 */
  readonly maxConcurrentBatchJobs?: number;
}

/** An error a Catch stores at `$.error`. */
interface CaughtError {
  readonly Error: string;
  readonly Cause: string;
}

/** What every state that waits for Personalize holds: the config (stage timeouts) and the last poll. */
interface PollingState {
  readonly config: ResolvedConfig;
  readonly runId: string;
  readonly poll: PollResult;
  readonly error: CaughtError;
}

/** The run's state before `validate`: the validate event, with the run lease at `lease`. */
interface StartState extends ValidateEvent {
  readonly lease: LeaseResult;
  readonly error: CaughtError;
}

/** The run's state after `validate`: the run state and each stage's result at its result path. */
interface PipelineState extends RunState, PollingState {
  readonly group: DatasetGroupResult;
  readonly datasets: DatasetsResult;
  readonly imports: ImportsResult;
  readonly filters: FiltersResult;
  /** Only in the definition of a config with recommenders. */
  readonly recommenders: RecommendersResult;
  /** Only in the definition of a config with a metric attribution. */
  readonly metricAttribution: MetricAttributionResult;
  readonly solutionResults: SolutionRunResult[];
  /** Empty when the event tracker is disabled. */
  readonly eventTracker: Partial<EventTrackerResult>;
  readonly batchResults: BatchJobRunResult[];
  readonly summary: SummaryResult;
}

/** What the Solutions map hands each iteration. */
interface SolutionItem {
  readonly solution: SolutionDefinition;
  readonly selected: boolean;
  readonly config: ResolvedConfig;
  readonly options: RunOptions;
  readonly runId: string;
  readonly datasetGroupArn: string;
}

/** One solution's state inside its branch. */
interface SolutionState extends SolutionItem, PollingState {
  readonly ensured: SolutionResult;
  readonly version: SolutionVersionResult;
  readonly gate: EvaluateResult;
  readonly campaign: CampaignResult;
  /** The branch's outcome, from the Parallel that catches its errors. */
  readonly result: SolutionRunResult[];
}

/** What the BatchJobs map hands each iteration. */
interface BatchJobItem {
  readonly job: BatchJobDefinition;
  readonly config: ResolvedConfig;
  readonly options: RunOptions;
  readonly solutionResults: SolutionRunResult[];
  readonly runId: string;
}

/** One batch job's state inside its branch. */
interface BatchJobState extends BatchJobItem, PollingState {
  readonly batch: BatchJobResult;
  /** The branch's final state, from the Parallel that catches its errors. */
  readonly result: BatchJobState[];
}

type Event<S extends PipelineWorkflowStep> = PipelineStepContract[S]['event'];
type Result<S extends PipelineWorkflowStep> = PipelineStepContract[S]['result'];

/** A step's event (a template or a path to it) and where its result goes. */
interface StepOptions<S extends PipelineWorkflowStep> {
  readonly payload: PayloadTemplate<Event<S>> | JsonPathRef<Event<S>>;
  readonly resultPath?: ResultSlot<Result<S>>;
}

const start = jsonPath.state<StartState>();
const run = jsonPath.state<PipelineState>();
const solution = jsonPath.state<SolutionState>();
const batchJob = jsonPath.state<BatchJobState>();

/** The longest a Standard workflow execution may run: one year. */
export const MAX_EXECUTION_MINUTES = 525_600;

/** What bounds a pipeline execution: the stage timeouts and how many solutions and batch jobs run side by side. */
export interface PipelineTimeoutInputs {
  readonly timeouts: ResolvedConfig['timeouts'];
  /**
   * The definition's domain stages (metric attribution, recommenders), as core/run-lease.ts `domainStages`
   * gives them. @default none
   */
  readonly domainStages?: readonly LeaseStage[];
  readonly solutions: number;
  readonly maxConcurrentSolutions: number;
  readonly batchJobs: number;
  readonly maxConcurrentBatchJobs: number;
}

/**
 * The pipeline state machine's execution timeout: a backstop that must never end a run its own stage timeouts
 * would still let go on, so that a stuck stage fails with its StageTimeout (and the failure path's notification)
 * rather than a bare TIMED_OUT. So it is the longest a run can last:
 * - waiting for the run lease while another run holds it (`runs.overlap: queue`): at most the run timeout of
 *   core/run-lease.ts, every stage timeout (the domain stages included) plus a margin;
 * - then every stage at its timeout: validation, dataset group, datasets, imports; the domain stages (the
 *   metric attribution and the two passes of the recommenders, when the config has them); filters; each wave
 *   of solutions (as many waves as `maxConcurrentSolutions` needs) at solution + training + campaign; the event
 *   tracker; each wave of batch jobs; the summary; plus the margin.
 * With the default timeouts and up to four solutions and two batch jobs, that is 102 h 30 min (two runs of 51 h
 * 15 min: imports 6 h, training 24 h, batch jobs 12 h, campaign 2 h, seven other stages of 1 h, 15 min margin),
 * capped at the one year a Standard workflow may run. A run whose input carries its own config with longer
 * timeouts or more solutions than the deployed one can outlive it; deploy that config instead.
 */
export function pipelineTimeout(inputs: PipelineTimeoutInputs): Duration {
  const { timeouts } = inputs;
  const domain = inputs.domainStages ?? [];
  const waves = (count: number, concurrency: number) => Math.max(1, Math.ceil(count / concurrency));
  const queued = runTimeoutSeconds(timeouts, domain) / 60;
  const run =
    stagesMinutes(LEASE_HOLDS.take, timeouts) +
    stagesMinutes(domain, timeouts) +
    timeouts.other +
    waves(inputs.solutions, inputs.maxConcurrentSolutions) *
      stagesMinutes(['other', 'training', 'campaign'], timeouts) +
    timeouts.other +
    waves(inputs.batchJobs, inputs.maxConcurrentBatchJobs) * timeouts.batch +
    timeouts.other +
    LEASE_MARGIN_MINUTES;
  return Duration.minutes(Math.min(MAX_EXECUTION_MINUTES, queued + run));
}

/** Whether a config's definition has the domain stages: recommenders or a metric attribution. */
export function hasDomainStages(config: Pick<ResolvedConfig, 'recommenders' | 'metricAttribution'>): boolean {
  return config.recommenders.length > 0 || config.metricAttribution !== undefined;
}

/**
 * The pipeline's definition: config and data in S3 to trained, quality-gated, deployed campaigns. Read
 * top-down, one method per phase; every payload is typed against the step's event in
 * core/pipeline-contract.ts and every result is stored where the state types say.
 */
export class PipelineWorkflow extends sfn.StateMachineFragment {
  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];
  /** What the workflow does, for the state machine's comment. */
  public readonly comment: string;
  /** The longest an execution may run: {@link pipelineTimeout} of the deployed config. */
  public readonly executionTimeout: Duration;

  private readonly config: ResolvedConfig;
  private readonly functions: PipelineWorkflowProps['functions'];
  private readonly failure: sfn.Chain;

  constructor(scope: Construct, id: string, props: PipelineWorkflowProps) {
    super(scope, id);
    this.config = props.config;
    this.functions = props.functions;
    this.comment = `${props.config.projectName}: config and data in S3 to deployed, quality-gated Personalize campaigns`;
    const maxConcurrentSolutions = concurrency('maxConcurrentSolutions', props.maxConcurrentSolutions, 4);
    const maxConcurrentBatchJobs = concurrency('maxConcurrentBatchJobs', props.maxConcurrentBatchJobs, 2);
    this.executionTimeout = pipelineTimeout({
      timeouts: props.config.timeouts,
      solutions: props.config.solutions.length,
      maxConcurrentSolutions,
      batchJobs: props.config.batchJobs.length,
      maxConcurrentBatchJobs,
      domainStages: domainStages(props.config),
    });

    this.failure = this.failurePath();
    let definition = this.validate().next(this.datasetGroup()).next(this.datasets()).next(this.imports());
    if (hasDomainStages(props.config)) {
      definition = definition.next(
        this.renewLease('RenewRunLeaseForDomainStages', domainStages(props.config)),
      );
      if (props.config.metricAttribution !== undefined)
        definition = definition.next(this.metricAttribution());
      if (props.config.recommenders.length > 0) definition = definition.next(this.recommenders());
    }
    definition = definition
      .next(this.renewLease('RenewRunLeaseAfterImports', LEASE_HOLDS.afterImports))
      .next(this.filters())
      .next(this.solutions(maxConcurrentSolutions))
      .next(this.renewLease('RenewRunLeaseAfterSolutions', LEASE_HOLDS.afterSolutions))
      .next(this.eventTracker())
      .next(this.batchJobs(maxConcurrentBatchJobs))
      .next(this.summary());
    this.startState = definition.startState;
    this.endStates = definition.endStates;
  }

  /**
   * The run lease, then config (input, uploaded file or deployed default) and data checked before any
   * Personalize call. The lease comes first: while another execution of the project holds it, the run waits
   * for it (`runs.overlap: queue`) or fails naming that execution (`reject`) before it changes anything.
   */
  private validate(): sfn.Chain {
    const defaults = new sfn.Pass(this, 'AddDeployedConfig', {
      comment: 'The deployed config is the default; an input `config` or `configLocation` replaces it.',
      parameters: payload<ValidateEvent & { lease: LeaseResult }>({
        input: jsonPath.state<RunInput>(),
        deployedConfig: literal(this.config),
        execution: { name: jsonPath.executionName(), startTime: jsonPath.executionStartTime() },
        lease: literal<LeaseResult>({ acquired: false, waitSeconds: 0, waitedSeconds: 0 }),
      }),
    });
    const take = this.leaseStep(
      'TakeRunLease',
      {
        action: 'acquire',
        executionArn: jsonPath.executionId(),
        executionStartTime: jsonPath.executionStartTime(),
        overlap: this.config.runs.overlap,
        timeouts: start.at('deployedConfig').at('timeouts'),
        // The queue bound counts the domain stages of this definition (none: the key is left out).
        ...(hasDomainStages(this.config) ? { domainStages: literal(domainStages(this.config)) } : {}),
        previous: start.at('lease'),
        input: start.at('input'),
      },
      ResultSlot.of(start.at('lease')),
    );
    take.addCatch(this.failure, { resultPath: start.at('error').path });
    const wait = new sfn.Wait(this, 'WaitForRunLease', {
      comment: 'Another execution of the project holds the run lease (runs.overlap: queue).',
      time: sfn.WaitTime.secondsPath(start.at('lease').at('waitSeconds').path),
    });
    // The result replaces the state (no result path): from here on the state is the RunState.
    const validate = this.step('Validate', 'validate', { payload: jsonPath.state<ValidateEvent>() });
    wait.next(take);
    const taken = new sfn.Choice(this, 'RunLeaseTaken?')
      .when(sfn.Condition.booleanEquals(start.at('lease').at('acquired').path, true), validate)
      .otherwise(wait);
    defaults.next(take).next(taken);
    return sfn.Chain.custom(defaults, [validate], validate);
  }

  /** Schemas, then the dataset group (encrypted with the project key). */
  private datasetGroup(): sfn.Chain {
    const ensure = this.step('EnsureDatasetGroup', 'dataset-group', {
      payload: run,
      resultPath: ResultSlot.of(run.at('group')),
    });
    return ensure.next(this.waitFor('DatasetGroup', run.at('group'), 'other'));
  }

  private datasets(): sfn.Chain {
    const ensure = this.step('EnsureDatasets', 'datasets', {
      payload: {
        config: run.at('config'),
        runId: run.at('runId'),
        datasetGroupArn: run.at('group').at('datasetGroupArn'),
        schemaArns: run.at('group').at('schemaArns'),
      },
      resultPath: ResultSlot.of(run.at('datasets')),
    });
    return ensure.next(this.waitFor('Datasets', run.at('datasets'), 'other'));
  }

  /** One import job per dataset whose data changed (or all, when forced), running side by side. */
  private imports(): sfn.Chain {
    const start = this.step('StartImports', 'imports', {
      payload: {
        config: run.at('config'),
        options: run.at('options'),
        runId: run.at('runId'),
        datasetArns: run.at('datasets').at('datasetArns'),
      },
      resultPath: ResultSlot.of(run.at('imports')),
    });
    return start.next(this.waitFor('Imports', run.at('imports'), 'import'));
  }

  /**
   * The dataset group's metric attribution (only in the definition of a config that has one): created, or
   * updated when its metrics or output changed.
   */
  private metricAttribution(): sfn.Chain {
    const ensure = this.step('EnsureMetricAttribution', 'metric-attribution', {
      payload: {
        config: run.at('config'),
        runId: run.at('runId'),
        datasetGroupArn: run.at('group').at('datasetGroupArn'),
      },
      resultPath: ResultSlot.of(run.at('metricAttribution')),
    });
    return ensure.next(this.waitFor('MetricAttribution', run.at('metricAttribution'), 'other'));
  }

  /**
   * The recommenders of a domain dataset group (only in the definition of a config that has some), trained on
   * the imported data: created, updated when their config changed, started when stopped; then waited for until
   * ACTIVE. The second call updates those the first had to start before they could be updated (it changes
   * nothing otherwise, and keeps what the first call did for the summary).
   */
  private recommenders(): sfn.Chain {
    const event = {
      config: run.at('config'),
      runId: run.at('runId'),
      datasetGroupArn: run.at('group').at('datasetGroupArn'),
    };
    const ensure = this.step('EnsureRecommenders', 'recommenders', {
      payload: event,
      resultPath: ResultSlot.of(run.at('recommenders')),
    });
    const again = this.step('UpdateStartedRecommenders', 'recommenders', {
      payload: { ...event, earlier: run.at('recommenders').at('outcomes') },
      resultPath: ResultSlot.of(run.at('recommenders')),
    });
    return ensure
      .next(this.waitFor('Recommenders', run.at('recommenders'), 'training'))
      .next(again)
      .next(this.waitFor('RecommenderUpdates', run.at('recommenders'), 'training'));
  }

  /** Filters are created, and replaced when their expression changes. */
  private filters(): sfn.Chain {
    const options: StepOptions<'filters'> = {
      payload: {
        config: run.at('config'),
        runId: run.at('runId'),
        datasetGroupArn: run.at('group').at('datasetGroupArn'),
      },
      resultPath: ResultSlot.of(run.at('filters')),
    };
    const ensure = this.step('EnsureFilters', 'filters', options);
    const cleanUp = this.step('RemoveReplacedFilters', 'filters', options);
    return ensure.next(this.waitFor('Filters', run.at('filters'), 'other')).next(cleanUp);
  }

  /**
   * Each selected solution, side by side: ensure the solution, train a version when there is something new,
   * gate it on offline metrics, and deploy it to its campaign. A failing or gated-out solution is reported
   * and the others go on.
   */
  private solutions(maxConcurrency: number): sfn.Map {
    const solutions = run.at('config').at('solutions');
    const item = jsonPath.mapItemOf(solutions);
    const map = new sfn.Map(this, 'Solutions', {
      comment: 'One branch per solution in the config',
      itemsPath: solutions.path,
      maxConcurrency,
      itemSelector: payload<SolutionItem>({
        solution: item,
        selected: jsonPath.arrayContains(run.at('options').at('solutions'), item.at('name')),
        config: run.at('config'),
        options: run.at('options'),
        runId: run.at('runId'),
        datasetGroupArn: run.at('group').at('datasetGroupArn'),
      }),
      resultPath: run.at('solutionResults').path,
    });

    const ensure = this.invoke('EnsureSolution', 'solution', {
      payload: {
        config: solution.at('config'),
        options: solution.at('options'),
        runId: solution.at('runId'),
        datasetGroupArn: solution.at('datasetGroupArn'),
        solution: solution.at('solution'),
      },
      resultPath: ResultSlot.of(solution.at('ensured')),
    });
    const train = this.invoke('TrainVersion', 'solution-version', {
      payload: {
        config: solution.at('config'),
        options: solution.at('options'),
        runId: solution.at('runId'),
        solution: solution.at('solution'),
        solutionArn: solution.at('ensured').at('solutionArn'),
      },
      resultPath: ResultSlot.of(solution.at('version')),
    });
    // The quality gate and the campaign both take the version this branch trained.
    const trainedVersion = {
      config: solution.at('config'),
      runId: solution.at('runId'),
      solution: solution.at('solution'),
      solutionVersionArn: solution.at('version').at('solutionVersionArn'),
    };
    const gate = this.invoke('EvaluateVersion', 'evaluate', {
      payload: trainedVersion,
      resultPath: ResultSlot.of(solution.at('gate')),
    });
    const deploy = this.invoke('DeployCampaign', 'campaign', {
      payload: trainedVersion,
      resultPath: ResultSlot.of(solution.at('campaign')),
    });

    const outcome = (id: string, template: PayloadTemplate<SolutionRunResult>) =>
      new sfn.Pass(this, id, { parameters: payload<SolutionRunResult>(template) });
    const name = solution.at('solution').at('name');
    const version = {
      solutionVersionArn: solution.at('version').at('solutionVersionArn'),
      trained: solution.at('version').at('trained'),
    };
    const gated = { ...version, gate: solution.at('gate') };
    const deployed = outcome('SolutionDeployed', {
      name,
      status: 'DEPLOYED',
      ...gated,
      campaign: solution.at('campaign'),
    });
    const gatedOut = outcome('SolutionGatedOut', { name, status: 'GATED_OUT', ...gated });
    const trainedOnly = outcome('SolutionTrained', { name, status: 'TRAINED', ...gated });
    const skipped = outcome('SolutionNotSelected', { name, status: 'SKIPPED' });
    const failed = outcome('SolutionFailed', {
      name,
      status: 'FAILED',
      error: solution.at('error').at('Error'),
      cause: solution.at('error').at('Cause'),
    });

    const passed = sfn.Condition.booleanEquals(solution.at('gate').at('passed').path, true);
    const deployIfPassed = new sfn.Choice(this, 'PassedQualityGate?')
      .when(
        sfn.Condition.and(passed, sfn.Condition.isPresent(solution.at('solution').at('campaign').path)),
        deploy.next(this.waitFor('Campaign', solution.at('campaign'), 'campaign', true)).next(deployed),
      )
      .when(passed, trainedOnly)
      .otherwise(gatedOut);

    const branch = ensure
      .next(this.waitFor('Solution', solution.at('ensured'), 'other', true))
      .next(train)
      .next(this.waitFor('Training', solution.at('version'), 'training', true))
      .next(gate)
      .next(deployIfPassed);

    const body = new sfn.Parallel(this, 'SolutionBranch', { resultPath: solution.at('result').path })
      .branch(branch)
      .addCatch(failed, { resultPath: solution.at('error').path });
    const unwrap = new sfn.Pass(this, 'SolutionOutcome', { outputPath: solution.at('result').item(0).path });

    map.itemProcessor(
      new sfn.Choice(this, 'Selected?')
        .when(sfn.Condition.booleanEquals(solution.at('selected').path, true), body.next(unwrap))
        .otherwise(skipped),
    );
    return map;
  }

  /** The event tracker real-time events go to; its tracking id is published for the serving API. */
  private eventTracker(): sfn.Chain {
    // While the tracker is enabled, its slot holds the whole result (the disabled path stores `{}`).
    const tracked = jsonPath.state<
      Omit<PipelineState, 'eventTracker'> & { eventTracker: EventTrackerResult }
    >();
    const ensure = this.step('EnsureEventTracker', 'event-tracker', {
      payload: {
        config: run.at('config'),
        runId: run.at('runId'),
        datasetGroupArn: run.at('group').at('datasetGroupArn'),
      },
      resultPath: ResultSlot.of(tracked.at('eventTracker')),
    });
    const disabled = new sfn.Pass(this, 'EventTrackerDisabled', {
      result: sfn.Result.fromObject({}),
      resultPath: run.at('eventTracker').path,
    });
    const join = new sfn.Pass(this, 'EventTrackerDone');
    return sfn.Chain.start(
      new sfn.Choice(this, 'EventTrackerEnabled?')
        .when(
          sfn.Condition.booleanEquals(run.at('config').at('eventTracker').at('enabled').path, true),
          ensure.next(this.waitFor('EventTracker', tracked.at('eventTracker'), 'other')).next(join),
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
  private batchJobs(maxConcurrency: number): sfn.Map {
    const jobs = run.at('config').at('batchJobs');
    const map = new sfn.Map(this, 'BatchJobs', {
      itemsPath: jobs.path,
      maxConcurrency,
      itemSelector: payload<BatchJobItem>({
        job: jsonPath.mapItemOf(jobs),
        config: run.at('config'),
        options: run.at('options'),
        solutionResults: run.at('solutionResults'),
        runId: run.at('runId'),
      }),
      resultPath: run.at('batchResults').path,
    });
    const start = this.invoke('StartBatchJob', 'batch-job', {
      payload: {
        config: batchJob.at('config'),
        job: batchJob.at('job'),
        options: batchJob.at('options'),
        solutionResults: batchJob.at('solutionResults'),
        runId: batchJob.at('runId'),
      },
      resultPath: ResultSlot.of(batchJob.at('batch')),
    });
    const ran = batchJob.at('result').item(0).at('batch');
    const outcome = (id: string, template: PayloadTemplate<BatchJobRunResult>) =>
      new sfn.Pass(this, id, { parameters: payload<BatchJobRunResult>(template) });
    const name = batchJob.at('job').at('name');
    const done = outcome('BatchJobDone', { name, status: 'COMPLETED', jobArn: ran.at('jobArn') });
    const skipped = outcome('BatchJobSkipped', { name, status: 'SKIPPED', reason: ran.at('skipped') });
    const failed = outcome('BatchJobFailed', {
      name,
      status: 'FAILED',
      error: batchJob.at('error').at('Error'),
      cause: batchJob.at('error').at('Cause'),
    });
    const body = new sfn.Parallel(this, 'BatchJobBranch', { resultPath: batchJob.at('result').path })
      .branch(start.next(this.waitFor('BatchJob', batchJob.at('batch'), 'batch', true)))
      .addCatch(failed, { resultPath: batchJob.at('error').path });
    map.itemProcessor(
      body.next(
        new sfn.Choice(this, 'BatchJobRan?')
          .when(sfn.Condition.isPresent(ran.at('skipped').path), skipped)
          .otherwise(done),
      ),
    );
    return map;
  }

  /** Metrics, notification and events for the run; a run where anything failed ends failed. */
  private summary(): sfn.Chain {
    const publish = this.step('PublishSummary', 'summary', {
      payload: {
        config: run.at('config'),
        options: run.at('options'),
        runId: run.at('runId'),
        startedAt: run.at('startedAt'),
        lease: run.at('lease'),
        results: {
          imports: run.at('imports'),
          filters: run.at('filters'),
          solutions: run.at('solutionResults'),
          eventTracker: run.at('eventTracker'),
          batchJobs: run.at('batchResults'),
          ...(this.config.recommenders.length > 0 ? { recommenders: run.at('recommenders') } : {}),
          ...(this.config.metricAttribution !== undefined
            ? { metricAttribution: run.at('metricAttribution') }
            : {}),
        },
      },
      resultPath: ResultSlot.of(run.at('summary')),
    });
    const succeeded = new sfn.Succeed(this, 'RunSucceeded', { outputPath: run.at('summary').path });
    const partial = new sfn.Fail(this, 'RunPartiallyFailed', {
      error: 'PartialFailure',
      causePath: run.at('summary').at('summary').path,
    });
    const release = this.leaseStep(
      'ReleaseRunLease',
      { action: 'release', runId: run.at('runId'), executionArn: jsonPath.executionId() },
      ResultSlot.DISCARD,
    );
    release.addCatch(this.failure, { resultPath: run.at('error').path });
    return publish
      .next(release)
      .next(
        new sfn.Choice(this, 'AllSucceeded?')
          .when(sfn.Condition.stringEquals(run.at('summary').at('status').path, 'SUCCEEDED'), succeeded)
          .otherwise(partial),
      );
  }

  /**
   * Every uncaught error ends here: notify (SNS + EventBridge) with the cause verbatim, release the run lease
   * (if this execution holds it: a run rejected at its first state leaves the other run's lease alone), then
   * fail. Should the release itself fail, the run still ends failed, and the EventBridge rule on the failed
   * execution releases the lease.
   */
  private failurePath(): sfn.Chain {
    const notify = this.invoke('NotifyFailure', 'notify-failure', {
      payload: {
        runId: jsonPath.executionName(),
        Error: run.at('error').at('Error'),
        Cause: run.at('error').at('Cause'),
      },
      resultPath: ResultSlot.DISCARD,
    });
    const fail = new sfn.Fail(this, 'RunFailed', {
      errorPath: run.at('error').at('Error').path,
      causePath: run.at('error').at('Cause').path,
    });
    const release = this.leaseStep(
      'ReleaseRunLeaseOfFailedRun',
      { action: 'release', runId: jsonPath.executionName(), executionArn: jsonPath.executionId() },
      ResultSlot.DISCARD,
    );
    release.addCatch(fail, {
      resultPath: jsonPath.state<{ releaseError: CaughtError }>().at('releaseError').path,
    });
    return notify.next(release).next(fail);
  }

  /**
   * Extends the run lease for the stages until the next renewal (core/run-lease.ts); a run whose lease expired
   * and was taken by another run fails (LeaseLost) instead of overlapping it.
   */
  private renewLease(id: string, holdFor: readonly LeaseStage[]): tasks.LambdaInvoke {
    const task = this.leaseStep(
      id,
      {
        action: 'renew',
        runId: run.at('runId'),
        executionArn: jsonPath.executionId(),
        timeouts: run.at('config').at('timeouts'),
        holdFor: literal([...holdFor]),
      },
      ResultSlot.DISCARD,
    );
    task.addCatch(this.failure, { resultPath: run.at('error').path });
    return task;
  }

  /** A `lease` step sent by the workflow (the lease function also takes EventBridge's status changes). */
  private leaseStep(
    id: string,
    template: PayloadTemplate<LeaseEvent>,
    resultPath: ResultSlot<LeaseResult>,
  ): tasks.LambdaInvoke {
    return lambdaTask<LeaseEvent, LeaseResult>(this, id, {
      lambdaFunction: this.functions.lease,
      payload: template,
      resultPath,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Building blocks
  // ---------------------------------------------------------------------------------------------

  /**
   * Wait → describe → Choice: the describe step reports whether every resource the previous step started is
   * done and how long to wait next (short at first, longer as the stage runs, at most 60 s). A resource that
   * fails, or a stage that outlives its timeout, raises an error the failure path (or the branch) reports.
   */
  private waitFor(
    stage: string,
    started: JsonPathRef<Pollable>,
    timeout: keyof ResolvedConfig['timeouts'],
    inBranch = false,
  ): sfn.Chain {
    const state = jsonPath.state<PollingState>();
    const options: StepOptions<'poll'> = {
      payload: {
        stage,
        runId: state.at('runId'),
        targets: started.at('targets'),
        startedAt: started.at('startedAt'),
        timeoutMinutes: state.at('config').at('timeouts').at(timeout),
      },
      resultPath: ResultSlot.of(state.at('poll')),
    };
    const check = inBranch
      ? this.invoke(`Check${stage}`, 'poll', options)
      : this.step(`Check${stage}`, 'poll', options);
    const wait = new sfn.Wait(this, `WaitFor${stage}`, {
      time: sfn.WaitTime.secondsPath(state.at('poll').at('waitSeconds').path),
    });
    const done = new sfn.Pass(this, `${stage}Ready`);
    wait.next(check);
    check.next(
      new sfn.Choice(this, `${stage}Done?`)
        .when(sfn.Condition.booleanEquals(state.at('poll').at('done').path, true), done)
        .otherwise(wait),
    );
    return sfn.Chain.custom(check, [done], done);
  }

  /**
   * A top-level step: invoke the step's function, retry throttling, send anything else to the failure path.
   * Steps inside a Map branch use {@link invoke}: their errors are caught by the branch.
   */
  private step<S extends PipelineWorkflowStep>(
    id: string,
    step: S,
    options: StepOptions<S>,
  ): tasks.LambdaInvoke {
    const task = this.invoke(id, step, options);
    task.addCatch(this.failure, { resultPath: run.at('error').path });
    return task;
  }

  private invoke<S extends PipelineWorkflowStep>(
    id: string,
    step: S,
    options: StepOptions<S>,
  ): tasks.LambdaInvoke {
    return lambdaTask<Event<S>, Result<S>>(this, id, { lambdaFunction: this.functions[step], ...options });
  }
}

/** A Map's `maxConcurrency` prop, checked: 0 would mean "no limit" to Step Functions, so it is refused. */
function concurrency(prop: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`PipelineWorkflow: ${prop} must be a whole number from 1 up, got ${value}.`);
  }
  return value;
}
