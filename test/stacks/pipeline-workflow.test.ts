/**
 * The workflow constructs: props checked at synth, payloads rendered as plain JSONPath ASL, and the step
 * contract (core/pipeline-contract.ts) that types the state machine is the one the handlers are typed with.
 * The last part is checked by `tsc`: a handler whose event or result drifts from the contract fails it.
 */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { PipelineStepContract } from '../../core/pipeline-contract';
import type { PipelineStep } from '../../core/pipeline-steps';
import { jsonPath, literal, payload } from '../../lib/constructs/json-path';
import { PipelineWorkflow } from '../../lib/constructs/pipeline-workflow';
import type * as batchJob from '../../lambda/pipeline/batch-job';
import type * as campaign from '../../lambda/pipeline/campaign';
import type * as datasetGroup from '../../lambda/pipeline/dataset-group';
import type * as datasets from '../../lambda/pipeline/datasets';
import type * as evaluate from '../../lambda/pipeline/evaluate';
import type * as eventTracker from '../../lambda/pipeline/event-tracker';
import type * as filters from '../../lambda/pipeline/filters';
import type * as imports from '../../lambda/pipeline/imports';
import type * as lease from '../../lambda/pipeline/lease';
import type * as metricAttribution from '../../lambda/pipeline/metric-attribution';
import type * as notifyFailure from '../../lambda/pipeline/notify-failure';
import type * as poll from '../../lambda/pipeline/poll';
import type * as recommenders from '../../lambda/pipeline/recommenders';
import type * as solution from '../../lambda/pipeline/solution';
import type * as solutionVersion from '../../lambda/pipeline/solution-version';
import type * as summary from '../../lambda/pipeline/summary';
import type * as teardown from '../../lambda/pipeline/teardown';
import type * as validate from '../../lambda/pipeline/validate';
import { loadConfig } from '../../core/config';
import { resolveConfig } from '../../core/config/resolved';
import { testApp } from '../util/app';

/** Each step's handler, by step. */
interface Handlers {
  validate: typeof validate.handler;
  'dataset-group': typeof datasetGroup.handler;
  datasets: typeof datasets.handler;
  imports: typeof imports.handler;
  filters: typeof filters.handler;
  recommenders: typeof recommenders.handler;
  'metric-attribution': typeof metricAttribution.handler;
  solution: typeof solution.handler;
  'solution-version': typeof solutionVersion.handler;
  evaluate: typeof evaluate.handler;
  campaign: typeof campaign.handler;
  poll: typeof poll.handler;
  'event-tracker': typeof eventTracker.handler;
  'batch-job': typeof batchJob.handler;
  summary: typeof summary.handler;
  'notify-failure': typeof notifyFailure.handler;
  lease: typeof lease.handler;
  teardown: typeof teardown.handler;
}

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `true` when the handler of step S takes exactly the contract's event and resolves to exactly its result. */
type Matches<S extends PipelineStep> =
  Same<Parameters<Handlers[S]>[0], PipelineStepContract[S]['event']> extends true
    ? Same<Awaited<ReturnType<Handlers[S]>>, PipelineStepContract[S]['result']>
    : false;

// Fails `tsc` for any step whose handler and contract differ (and for a step missing from either table).
const HANDLERS_MATCH_THE_CONTRACT: { [S in PipelineStep]: Matches<S> } & Record<keyof Handlers, true> = {
  validate: true,
  'dataset-group': true,
  datasets: true,
  imports: true,
  filters: true,
  recommenders: true,
  'metric-attribution': true,
  solution: true,
  'solution-version': true,
  evaluate: true,
  campaign: true,
  poll: true,
  'event-tracker': true,
  'batch-job': true,
  summary: true,
  'notify-failure': true,
  lease: true,
  teardown: true,
};

const config = resolveConfig(loadConfig('personalize.config.json'), () => '{}');

function workflow(maxConcurrentSolutions?: number): PipelineWorkflow {
  const stack = new Stack(testApp(), 'Workflow');
  const fn = lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:111122223333:function:f');
  const functions = Object.fromEntries(
    (Object.keys(HANDLERS_MATCH_THE_CONTRACT) as PipelineStep[]).map((step) => [step, fn]),
  ) as Record<PipelineStep, lambda.IFunction>;
  return new PipelineWorkflow(stack, 'Pipeline', { config, functions, maxConcurrentSolutions });
}

describe('the step contract', () => {
  test('types every handler with the event and result the state machine is built for', () => {
    expect(Object.values(HANDLERS_MATCH_THE_CONTRACT).every(Boolean)).toBe(true);
  });
});

describe('payload', () => {
  test('renders paths under `key.$`, primitives and literals as they are, nested templates as objects', () => {
    // Prepare
    interface State {
      readonly group: { readonly arn: string };
      readonly runId: string;
    }
    interface Event {
      readonly arn: string;
      readonly stage: string;
      readonly limits: { readonly runId: string; readonly max: readonly number[] };
    }
    const state = jsonPath.state<State>();

    // Act
    const rendered = payload<Event>({
      arn: state.at('group').at('arn'),
      stage: 'Datasets',
      limits: { runId: state.at('runId'), max: literal([1, 2]) },
    });

    // Assess
    expect(rendered).toEqual({
      'arn.$': '$.group.arn',
      stage: 'Datasets',
      limits: { 'runId.$': '$.runId', max: [1, 2] },
    });
  });

  test('writes intrinsic functions and context paths as paths', () => {
    const items = jsonPath.state<{ names: string[]; solutions: Array<{ name: string }> }>().at('solutions');

    expect(
      payload<{ selected: boolean; name: string }>({
        selected: jsonPath.arrayContains(
          jsonPath.state<{ names: string[] }>().at('names'),
          jsonPath.mapItemOf(items).at('name'),
        ),
        name: jsonPath.executionName(),
      }),
    ).toEqual({
      'selected.$': 'States.ArrayContains($.names, $$.Map.Item.Value.name)',
      'name.$': '$$.Execution.Name',
    });
  });
});

describe('PipelineWorkflow', () => {
  test('starts with the deployed config as the default input', () => {
    expect(workflow().startState.stateId).toBe('AddDeployedConfig');
  });

  test("passes the run id to every step's function, so each step's log lines and trace carry it", () => {
    // Prepare
    const definition = workflow();
    const graph = Stack.of(definition).resolve(
      new sfn.StateGraph(definition.startState, 'pipeline').toGraphJson(),
    );

    // Act: every Task state, in the Map branches too, with the keys of its payload.
    const tasks: [string, Record<string, unknown>][] = [];
    const visit = (states: Record<string, Record<string, unknown>>) => {
      for (const [name, state] of Object.entries(states)) {
        // A task invokes its function with its Parameters (or, without them, the state) as the event.
        if (state.Type === 'Task')
          tasks.push([name, (state.Parameters as Record<string, unknown> | undefined) ?? {}]);
        for (const nested of [state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) {
          const inner = (nested as { States?: Record<string, Record<string, unknown>> } | undefined)?.States;
          if (inner) visit(inner);
        }
      }
    };
    visit(graph.States);

    // Assess: TakeRunLease runs before the run id exists and Validate creates it; EnsureDatasetGroup takes the
    // whole run state, which holds it.
    expect(tasks.length).toBeGreaterThan(10);
    const without = tasks.filter(([, payload]) => !('runId.$' in payload)).map(([name]) => name);
    expect(without.sort()).toEqual(['EnsureDatasetGroup', 'TakeRunLease', 'Validate']);
  });

  test.each([0, 1.5, -2])('refuses maxConcurrentSolutions %p, naming the prop', (value) => {
    expect(() => workflow(value)).toThrow(
      `PipelineWorkflow: maxConcurrentSolutions must be a whole number from 1 up, got ${value}.`,
    );
  });
});
