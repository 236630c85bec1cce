/**
 * A share of an emulator operation's calls answered with ThrottlingException, spread at random over the
 * run. The emulator's fault rules (local/emulator/faults.ts) affect the next `count` matching calls, not a
 * share of them, so this puts a one-shot rule (`count: 1`) in the emulator's own fault registry just
 * before each chosen call: the error is the emulator's, answered as every injected fault is.
 */
import type { RunningEmulator } from '../../local/emulator';

/** Counts of a {@link throttleShare}, and how to end it. */
export interface Throttling {
  /** Calls of the operation seen since the start. */
  readonly calls: number;
  /** Of which answered ThrottlingException. */
  readonly throttled: number;
  /** Stops choosing calls (rules already added still fire). */
  stop(): void;
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32), so runs choose the same calls. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  const random = seededRandom(seed);
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
