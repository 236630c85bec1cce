/**
 * How long a Wait → describe → Choice loop waits before the next describe.
 *
 * `min(60, max(10, floor(0.05 × elapsed)))` seconds: 10 s for the first ~3 minutes, then 5% of the
 * time already spent, capped at one minute. Completion is therefore noticed at most max(10 s, 5% of
 * elapsed) — never more than 60 s — after it happens, while a 10-hour training costs ~600 polls
 * instead of thousands.
 */

/** The shortest wait, at the start of a stage. */
export const MIN_WAIT_SECONDS = 10;
/** The longest wait, however long the stage has run. */
export const MAX_WAIT_SECONDS = 60;
/** The wait as a fraction of the time the stage has run, between the two. */
export const WAIT_FRACTION = 0.05;

/** Seconds to wait before the next poll, given the seconds elapsed since the stage started. */
export function nextWaitSeconds(elapsedSeconds: number): number {
  const elapsed = Number.isFinite(elapsedSeconds) ? Math.max(0, elapsedSeconds) : 0;
  return Math.min(MAX_WAIT_SECONDS, Math.max(MIN_WAIT_SECONDS, Math.floor(WAIT_FRACTION * elapsed)));
}

/** The resources a step started, for the following poll loop, stamped with the current time. */
export function pollable<Target>(
  targets: Target[],
  now: number = Date.now() / 1000,
): { targets: Target[]; startedAt: number } {
  return { targets, startedAt: Math.floor(now) };
}
