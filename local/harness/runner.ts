/**
 * Runs the synthesized state machines locally with aws-local-stepfunctions: every Lambda task calls the real
 * handler module in this process, Wait states are shortened, and each definition is first checked with
 * asl-validator.
 */
import './promise-polyfill';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import aslValidator from 'asl-validator';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { allStates, type AslDefinition, handlerSources, type CfnTemplate } from './definitions';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';

type Json = Parameters<StateMachine['run']>[0];
type Handler = (event: unknown) => Promise<unknown>;

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** What a local run reports as it goes: the name of each state entered, for progress output. */
export interface RunProgress {
  readonly type: string;
  readonly state?: string;
  readonly index?: number;
  readonly error?: string;
  readonly cause?: string;
}

export interface RunOptions {
  /** How long each Wait state pauses, in ms. @default 0 */
  readonly waitMs?: number;
  /** How long the named Wait states pause, in ms, instead of `waitMs`. @default - none */
  readonly waitMsByState?: Readonly<Record<string, number>>;
  /** How long each Retry pauses, in ms. @default 0 */
  readonly retryMs?: number;
  /** Called for every event of the execution (state entered/exited, retries, failures...). */
  readonly onProgress?: (event: RunProgress) => void;
  /**
   * Execution name, available to the definition as `$$.Execution.Name` (and in `$$.Execution.Id`, the
   * execution's ARN). Names are unique per state machine, as in AWS. @default a timestamped name with a random suffix
   */
  readonly executionName?: string;
}

/** The outcome of a local execution: its output, or the error and cause it failed with. */
export type RunOutcome =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown; readonly events: RunProgress[] }
  | {
      readonly status: 'FAILED';
      readonly error: string;
      readonly cause: string;
      readonly events: RunProgress[];
    };

/** Thrown when a definition fails asl-validator. */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinitionError';
}

/** Validates an ASL definition with asl-validator (on a copy: the validator mutates its input). */
export function validateDefinition(definition: AslDefinition): void {
  const { isValid, errorsText } = aslValidator(structuredClone(definition) as never);
  if (!isValid) throw new InvalidDefinitionError(`Invalid state machine definition: ${errorsText('; ')}`);
}

/** A state machine of a synthesized template, runnable against local services. */
export class LocalStateMachineRunner {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly definition: AslDefinition,
    private readonly template: CfnTemplate,
  ) {
    validateDefinition(definition);
  }

  /** Runs one execution to its end. Handlers are loaded on first use, with the current process.env. */
  async run(input: unknown, options: RunOptions = {}): Promise<RunOutcome> {
    const machine = new StateMachine(this.definition as never, { validationOptions: { checkArn: false } });
    const taskHandlers: Record<string, (input: Json) => Promise<Json>> = {};
    const waits: Record<string, number> = {};
    const retries: Record<string, number> = {};
    const sources = handlerSources(this.template);
    for (const [name, state] of allStates(this.definition)) {
      if (state.Type === 'Wait') waits[name] = options.waitMsByState?.[name] ?? options.waitMs ?? 0;
      if (state.Retry) retries[name] = options.retryMs ?? 0;
      if (state.Type === 'Task' && state.Resource) {
        const source = sources.get(state.Resource);
        if (!source)
          throw new Error(`Task ${name} calls ${state.Resource}, which is not a pipeline function`);
        taskHandlers[name] = async (event) => (await this.handler(source)(event)) as Json;
      }
    }

    const startTime = new Date();
    const name = options.executionName ?? defaultExecutionName(startTime);
    const execution = machine.run(input as Json, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers,
        waitTimeOverrides: waits,
        retryIntervalOverrides: retries,
      },
      context: {
        Execution: {
          Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:local:${name}`,
          Name: name,
          Input: input as Json,
          StartTime: startTime.toISOString(),
        },
      } as never,
    });
    const events: RunProgress[] = [];
    const collecting = (async () => {
      for await (const event of execution.eventLogs) {
        const e = event as {
          type: string;
          state?: { name?: string };
          index?: number;
          Error?: string;
          Cause?: string;
        };
        const progress: RunProgress = {
          type: e.type,
          ...(e.state?.name ? { state: e.state.name } : {}),
          ...(e.index !== undefined ? { index: e.index } : {}),
          ...(e.Error ? { error: e.Error } : {}),
          ...(e.Cause ? { cause: e.Cause } : {}),
        };
        events.push(progress);
        options.onProgress?.(progress);
      }
    })();

    try {
      const output = await execution.result;
      await collecting;
      return { status: 'SUCCEEDED', output, events };
    } catch (error) {
      await collecting.catch(() => undefined);
      if (!(error instanceof ExecutionError)) throw error;
      const failed = [...events].reverse().find((e) => e.type === 'ExecutionFailed');
      return {
        status: 'FAILED',
        error: failed?.error ?? error.name,
        cause: failed?.cause ?? error.message,
        events,
      };
    }
  }

  private handler(source: string): Handler {
    let handler = this.handlers.get(source);
    if (!handler) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(path.join(PROJECT_ROOT, source)) as { handler?: Handler };
      if (typeof loaded.handler !== 'function') throw new Error(`${source} exports no handler function`);
      handler = loaded.handler;
      this.handlers.set(source, handler);
    }
    return handler;
  }
}

/** `run-<yyyymmddhhmmss>-<6 hex>`: unique, like the names Step Functions gives executions started without one. */
function defaultExecutionName(startTime: Date): string {
  const stamp = startTime
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14);
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
