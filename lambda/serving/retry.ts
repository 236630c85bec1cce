/**
 * Bounded retries with exponential backoff and full jitter, for calls that may be throttled. After the last
 * attempt the error is passed on, so the caller's own failure path (an SQS redelivery) takes over.
 */

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 4 */
  readonly attempts?: number;
  /** Upper bound of the first wait; doubles with every attempt. @default 200 ms */
  readonly baseDelayMs?: number;
  /** Longest wait. @default 5 s */
  readonly maxDelayMs?: number;
  /** Which errors are worth another attempt. */
  readonly retryable: (error: unknown) => boolean;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
}

/** The wait before attempt `attempt + 1` (attempt counts from 1): random in [0, min(max, base × 2^(attempt-1))). */
export function backoffMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(options.maxDelayMs ?? 5000, (options.baseDelayMs ?? 200) * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/** Runs `call`, retrying the errors `retryable` accepts until `attempts` are spent. */
export async function withRetries<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !options.retryable(error)) throw error;
      await sleep(backoffMs(attempt, options));
    }
  }
}
