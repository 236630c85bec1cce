/**
 * Counts what a Step Functions Standard execution bills for, from the events of a local run
 * (`LocalPipeline.run(...).events`) and the state types of the machine's definition.
 *
 * - state transitions: one per state entered (`StateEntered`), plus one per retry (AWS bills retries as
 *   transitions too);
 * - Lambda invocations: one per Task state entered, plus one per retry of a Task;
 * - poll loops: a Wait → Check → Choice loop enters `Check<Stage>` once per loop instance and once more after
 *   each Wait, so `loops = checks − waits`.
 */
import type { AslDefinition } from '../../local/harness/definitions';
import { allStates } from '../../local/harness/definitions';

/** The part of a local run event this module reads. */
export interface ExecutionEvent {
  readonly type: string;
  readonly state?: string;
}

export interface RunCounts {
  /** States entered. */
  readonly statesEntered: number;
  /** Retries (`StateRetried`): each one is a further transition and a further Lambda invocation. */
  readonly retries: number;
  /** What Standard bills: states entered + retries. */
  readonly stateTransitions: number;
  /** Task states entered + Task retries: every task of this machine invokes a Lambda function. */
  readonly lambdaInvocations: number;
  /** Wait states entered: one per extra poll-loop iteration (each adds Wait + Check + Choice). */
  readonly waits: number;
  /** Poll-loop instances (`Check*` entered − waits). */
  readonly pollLoops: number;
  /** Invocations of the poll function (`Check*` entered). */
  readonly pollInvocations: number;
  /** Transitions that do not depend on how long jobs take: `stateTransitions − 3 × waits`. */
  readonly fixedTransitions: number;
  /** Lambda invocations that do not depend on how long jobs take: `lambdaInvocations − waits`. */
  readonly fixedLambdaInvocations: number;
  /** States entered, by state type (Task, Pass, Choice, Wait, Map, Parallel, Succeed, Fail). */
  readonly byType: Readonly<Record<string, number>>;
}

/** True for the describe step of a poll loop (`Check<Stage>`). */
export function isPollState(name: string): boolean {
  return /^Check[A-Z]/.test(name);
}

/** Counts the billable work of one execution of `definition` from its events. */
export function countRun(events: readonly ExecutionEvent[], definition: AslDefinition): RunCounts {
  const types = new Map(allStates(definition).map(([name, state]) => [name, state.Type]));
  const byType: Record<string, number> = {};
  let statesEntered = 0;
  let retries = 0;
  let taskRetries = 0;
  let pollInvocations = 0;
  for (const event of events) {
    const type = event.state ? types.get(event.state) : undefined;
    if (event.type === 'StateEntered' && event.state) {
      if (type === undefined) throw new Error(`State ${event.state} is not in the definition`);
      statesEntered += 1;
      byType[type] = (byType[type] ?? 0) + 1;
      if (type === 'Task' && isPollState(event.state)) pollInvocations += 1;
    } else if (event.type === 'StateRetried') {
      retries += 1;
      if (type === 'Task' || type === undefined) taskRetries += 1;
    }
  }
  const waits = byType.Wait ?? 0;
  const lambdaInvocations = (byType.Task ?? 0) + taskRetries;
  const stateTransitions = statesEntered + retries;
  return {
    statesEntered,
    retries,
    stateTransitions,
    lambdaInvocations,
    waits,
    pollLoops: pollInvocations - waits,
    pollInvocations,
    fixedTransitions: stateTransitions - 3 * waits,
    fixedLambdaInvocations: lambdaInvocations - waits,
    byType,
  };
}
