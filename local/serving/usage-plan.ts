/**
 * The local stand-in for an API Gateway usage plan: per client, a token bucket of `burstLimit` tokens
 * refilled at `rateLimit` per second, and an optional quota of requests per day, week or month (UTC
 * calendar periods). A request past either is answered 429 before any handler runs, as API Gateway does.
 */
import type { ServingClient } from '../../core/config';

/** The verdict for one request. */
export type Admission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'rate' | 'quota'; readonly retryAfterSeconds: number };

/** The start of the quota period that `now` falls in, and of the next one (epoch ms). */
export function quotaPeriod(period: 'DAY' | 'WEEK' | 'MONTH', now: number): { start: number; end: number } {
  const date = new Date(now);
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === 'DAY') return { start: day, end: day + 86_400_000 };
  if (period === 'WEEK') {
    // Weeks start on Monday.
    const start = day - ((date.getUTCDay() + 6) % 7) * 86_400_000;
    return { start, end: start + 7 * 86_400_000 };
  }
  return {
    start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
    end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
  };
}

/** One client's rate and quota. */
export class UsagePlan {
  private tokens: number;
  private refilledAt: number;
  private periodStart = 0;
  private used = 0;

  constructor(
    private readonly limits: Pick<ServingClient, 'rateLimit' | 'burstLimit' | 'quota'>,
    now: number = Date.now(),
  ) {
    this.tokens = limits.burstLimit;
    this.refilledAt = now;
  }

  /** Admits a request at `now` (epoch ms), spending a token and a unit of quota, or says why not. */
  admit(now: number = Date.now()): Admission {
    const elapsed = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.limits.burstLimit, this.tokens + elapsed * this.limits.rateLimit);
    this.refilledAt = now;
    const quota = this.limits.quota;
    if (quota) {
      const period = quotaPeriod(quota.period, now);
      if (period.start !== this.periodStart) {
        this.periodStart = period.start;
        this.used = 0;
      }
      if (this.used >= quota.limit)
        return { allowed: false, reason: 'quota', retryAfterSeconds: Math.ceil((period.end - now) / 1000) };
    }
    if (this.tokens < 1)
      return { allowed: false, reason: 'rate', retryAfterSeconds: (1 - this.tokens) / this.limits.rateLimit };
    this.tokens -= 1;
    this.used += 1;
    return { allowed: true };
  }
}
