/**
 * A share of an emulator operation's calls answered with ThrottlingException, spread at random over the
 * run. The emulator's fault rules (local/emulator/faults.ts) affect the next `count` matching calls, not a
 * share of them, so this puts a one-shot rule (`count: 1`) in the emulator's own fault registry just
 * before each chosen call: the error is the emulator's, answered as every injected fault is.
 */
import type { RunningEmulator } from '../../local/emulator';
import { createRandom } from '../../local/engine/random';

/** Counts of a {@link throttleShare}, and how to end it. */
export interface Throttling {
  /** Calls of the operation seen since the start. */
  readonly calls: number;
  /** Of which answered ThrottlingException. */
  readonly throttled: number;
  /** Stops choosing calls (rules already added still fire). */
  stop(): void;
}

/** Throttles each call of `operation` with probability `share` until `stop()`. */
export function throttleShare(
  emulator: RunningEmulator,
  operation: string,
  share: number,
  seed = 1,
): Throttling {
  const registry = emulator.faults;
  const effectFor = registry.effectFor.bind(registry);
  // Seeded (the engine's mulberry32), so runs choose the same calls.
  const random = createRandom(seed);
  const counts = { calls: 0, throttled: 0 };
  let active = true;
  registry.effectFor = (name: string) => {
    if (active && name === operation) {
      counts.calls += 1;
      if (random() < share) {
        counts.throttled += 1;
        registry.add([
          {
            operation,
            error: 'ThrottlingException',
            message: `Rate exceeded (bench: ${Math.round(share * 100)} % of ${operation} calls throttled).`,
            count: 1,
          },
        ]);
      }
    }
    return effectFor(name);
  };
  return {
    get calls() {
      return counts.calls;
    },
    get throttled() {
      return counts.throttled;
    },
    stop() {
      active = false;
      registry.effectFor = effectFor;
    },
  };
}
