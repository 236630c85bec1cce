/**
 * Runs the synthesized state machines locally with aws-local-stepfunctions: every Lambda task calls the real
 * handler module in this process, Wait states are shortened, and each definition is first checked with
 * asl-validator.
 */
import './promise-polyfill';
import * as path from 'node:path';
import aslValidator from 'asl-validator';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { allStates, type AslDefinition, handlerSources, type CfnTemplate } from './definitions';

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
  /** How long each Retry pauses, in ms. @default 0 */
  readonly retryMs?: number;
  /** Called for every event of the execution (state entered/exited, retries, failures...). */
  readonly onProgress?: (event: RunProgress) => void;
  /** Execution name, available to the definition as `$$.Execution.Name`. @default a timestamped name */
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
      if (state.Type === 'Wait') waits[name] = options.waitMs ?? 0;
      if (state.Retry) retries[name] = options.retryMs ?? 0;
      if (state.Type === 'Task' && state.Resource) {
        const source = sources.get(state.Resource);
        if (!source)
          throw new Error(`Task ${name} calls ${state.Resource}, which is not a pipeline function`);
        taskHandlers[name] = async (event) => (await this.handler(source)(event)) as Json;
      }
    }

    const execution = machine.run(input as Json, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers,
        waitTimeOverrides: waits,
        retryIntervalOverrides: retries,
      },
      context: {
        Execution: {
          Id: `local:${options.executionName ?? 'run'}`,
          Name:
            options.executionName ??
            `run-${new Date()
              .toISOString()
              .replace(/[^0-9]/g, '')
              .slice(0, 14)}`,
          Input: input as Json,
          StartTime: new Date().toISOString(),
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
