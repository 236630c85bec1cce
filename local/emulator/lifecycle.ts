import type { ResourceKind } from './arn';
import { delaysFor, type DelayConfig } from './delays';
import type { ResourceRow, Store } from './store';

/**
 * Advances resources through Personalize's status machine from their persisted state:
 *
 * - `CREATE PENDING` → `CREATE IN_PROGRESS` → (the kind's work runs) → `ACTIVE` | `CREATE FAILED`
 * - `CREATE STOPPING` → `CREATE STOPPED` (solution versions)
 * - `DELETE PENDING` → `DELETE IN_PROGRESS` → gone
 * - `STOP PENDING` → `STOP IN_PROGRESS` → `INACTIVE`, `START PENDING` → `START IN_PROGRESS` → `ACTIVE`
 *   (recommenders)
 *
 * Each resource row carries `nextAt`, the time its next step is due, so a restart resumes every
 * transition where it stopped: a job `CREATE IN_PROGRESS` at the crash runs again, and its result is
 * committed in the same transaction as its status change.
 *
 * A job resumed at start whose S3 source does not exist yet is not failed at once: locally, S3 (moto)
 * may have restarted empty with the emulator, and the harness puts the data back a moment later. Such a
 * job stays `CREATE IN_PROGRESS` and is retried every {@link SOURCE_RETRY_MS} until the source exists,
 * for at most `resumeGraceMs` after the start; then it fails with the usual reason. Jobs created after
 * the start fail at once, as in Personalize.
 */

/** How often a resumed job whose source is missing is retried. */
export const SOURCE_RETRY_MS = 250;
/** How long after a start resumed jobs wait for their missing source. */
export const DEFAULT_RESUME_GRACE_MS = 120_000;

/** Statuses. */
export const Status = {
  CREATE_PENDING: 'CREATE PENDING',
  CREATE_IN_PROGRESS: 'CREATE IN_PROGRESS',
  ACTIVE: 'ACTIVE',
  CREATE_FAILED: 'CREATE FAILED',
  CREATE_STOPPING: 'CREATE STOPPING',
  CREATE_STOPPED: 'CREATE STOPPED',
  DELETE_PENDING: 'DELETE PENDING',
  DELETE_IN_PROGRESS: 'DELETE IN_PROGRESS',
  STOP_PENDING: 'STOP PENDING',
  STOP_IN_PROGRESS: 'STOP IN_PROGRESS',
  INACTIVE: 'INACTIVE',
  START_PENDING: 'START PENDING',
  START_IN_PROGRESS: 'START IN_PROGRESS',
} as const;

/** Statuses in which a resource is still being created. */
export const CREATING: ReadonlySet<string> = new Set([
  Status.CREATE_PENDING,
  Status.CREATE_IN_PROGRESS,
  Status.CREATE_STOPPING,
]);

/** Statuses in which a resource is being deleted. */
export const DELETING: ReadonlySet<string> = new Set([Status.DELETE_PENDING, Status.DELETE_IN_PROGRESS]);

/** Result of a resource's create work. */
export type WorkOutcome =
  | {
      readonly ok: true;
      /**
       * Runs inside the transaction that marks the resource ACTIVE, with the resource as stored then;
       * what it writes (records, a model, members of the resource's document) commits with the status.
       */
      readonly commit?: (row: ResourceRow) => void;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** The job's S3 source (bucket, object or folder) does not exist. */
      readonly sourceMissing?: boolean;
    };

/** What the lifecycle calls back into. */
export interface LifecycleHooks {
  /** Does the work of creating a resource (import, training, batch job ...). */
  work(row: ResourceRow): Promise<WorkOutcome>;
  /** Removes a resource and what hangs off it, inside a transaction. */
  finalizeDelete(row: ResourceRow): void;
  /** Reports an unexpected error (logging). */
  onError?(error: unknown, row: ResourceRow): void;
}

/** The lifecycle engine of one emulator instance. */
export class Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;
  /** ARNs of the resources in flight at the last start, until they finish. */
  private readonly resumed = new Set<string>();
  /** Epoch ms until which resumed jobs wait for a missing source. */
  private graceUntil = 0;

  constructor(
    private readonly store: Store,
    private readonly delays: DelayConfig,
    private readonly hooks: LifecycleHooks,
    private readonly clock: () => number = Date.now,
    private readonly resumeGraceMs: number = DEFAULT_RESUME_GRACE_MS,
  ) {}

  /** Epoch ms at which a freshly created resource of `kind` leaves `CREATE PENDING`. */
  pendingUntil(kind: ResourceKind): number {
    return this.clock() + delaysFor(this.delays, kind).pendingMs;
  }

  /**
   * Starts processing and resumes whatever was in flight when the state was last written. Deadlines
   * set under a previous configuration are capped at the current delays, so a restart with shorter
   * delays does not wait for the old ones.
   */
  start(): void {
    this.stopped = false;
    const now = this.clock();
    this.graceUntil = now + this.resumeGraceMs;
    for (const row of this.store.scheduled()) {
      if (row.nextAt === null) continue;
      this.resumed.add(row.arn);
      const delays = delaysFor(this.delays, row.kind);
      const phase =
        row.status === Status.CREATE_PENDING ||
        row.status === Status.DELETE_PENDING ||
        row.status === Status.CREATE_STOPPING ||
        row.status === Status.STOP_PENDING ||
        row.status === Status.START_PENDING
          ? delays.pendingMs
          : delays.inProgressMs;
      if (row.nextAt > now + phase) this.store.updateResource(row, { nextAt: now + phase });
    }
    this.wake();
  }

  /** Asks for a pass over due transitions soon (call after scheduling a resource). */
  wake(): void {
    if (this.stopped || this.immediate) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.tick();
    });
  }

  /** Stops the timers and waits for running work to settle (its results are discarded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves once no transition is due or running (useful in tests with zero delays). */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = this.clock() + timeoutMs;
    while (this.clock() < deadline) {
      if (this.running.size === 0 && this.store.scheduled().length === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private tick(): void {
    if (this.stopped || !this.store.isOpen) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let soonest = Number.POSITIVE_INFINITY;
    for (const row of this.store.scheduled()) {
      if (this.running.has(row.arn) || row.nextAt === null) continue;
      if (row.nextAt > this.clock()) {
        soonest = Math.min(soonest, row.nextAt);
        continue;
      }
      try {
        this.advance(row);
      } catch (error) {
        this.hooks.onError?.(error, row);
      }
    }
    if (Number.isFinite(soonest)) {
      this.timer = setTimeout(() => this.tick(), Math.max(0, soonest - this.clock()));
    }
  }

  private advance(row: ResourceRow): void {
    const delays = delaysFor(this.delays, row.kind);
    const now = this.clock();
    const nowSeconds = now / 1000;
    switch (row.status) {
      case Status.CREATE_PENDING:
        this.store.updateResource(row, {
          status: Status.CREATE_IN_PROGRESS,
          updatedAt: nowSeconds,
          nextAt: now + delays.inProgressMs,
        });
        this.wake();
        return;
      case Status.CREATE_IN_PROGRESS:
        this.runWork(row);
        return;
      case Status.CREATE_STOPPING:
        this.store.updateResource(row, {
          status: Status.CREATE_STOPPED,
          updatedAt: nowSeconds,
          nextAt: null,
        });
        return;
      case Status.DELETE_PENDING:
        this.store.updateResource(row, {
          status: Status.DELETE_IN_PROGRESS,
          updatedAt: nowSeconds,
          nextAt: now + delays.inProgressMs,
        });
        this.wake();
        return;
      case Status.DELETE_IN_PROGRESS:
        this.store.transaction(() => this.hooks.finalizeDelete(row));
        return;
      case Status.STOP_PENDING:
      case Status.START_PENDING:
        this.store.updateResource(row, {
          status: row.status === Status.STOP_PENDING ? Status.STOP_IN_PROGRESS : Status.START_IN_PROGRESS,
          updatedAt: nowSeconds,
          nextAt: now + delays.inProgressMs,
        });
        this.wake();
        return;
      case Status.STOP_IN_PROGRESS:
      case Status.START_IN_PROGRESS:
        this.store.updateResource(row, {
          status: row.status === Status.STOP_IN_PROGRESS ? Status.INACTIVE : Status.ACTIVE,
          updatedAt: nowSeconds,
          nextAt: null,
        });
        return;
      default:
        this.store.updateResource(row, { nextAt: null });
    }
  }

  private runWork(row: ResourceRow): void {
    const forced = row.doc._failResource;
    const work: Promise<WorkOutcome> =
      typeof forced === 'string' ? Promise.resolve({ ok: false, reason: forced }) : this.safeWork(row);
    const done = work
      .then((outcome) => this.finish(row.arn, outcome))
      .catch((error: unknown) => {
        // The commit itself failed (it was rolled back): record the failure instead.
        this.hooks.onError?.(error, row);
        this.finish(row.arn, { ok: false, reason: `Internal error: ${(error as Error).message}` });
      })
      .catch((error: unknown) => this.hooks.onError?.(error, row));
    this.running.set(row.arn, done);
    void done.finally(() => {
      this.running.delete(row.arn);
      this.wake();
    });
  }

  private async safeWork(row: ResourceRow): Promise<WorkOutcome> {
    try {
      return await this.hooks.work(row);
    } catch (error) {
      this.hooks.onError?.(error, row);
      return { ok: false, reason: `Internal error: ${(error as Error).message}` };
    }
  }

  /** Whether a job whose source is missing waits for it: it was resumed at the start, within the grace period. */
  private waitsForSource(arn: string): boolean {
    return this.resumed.has(arn) && this.clock() < this.graceUntil;
  }

  private finish(arn: string, outcome: WorkOutcome): void {
    if (this.stopped || !this.store.isOpen) return;
    const nowSeconds = this.clock() / 1000;
    this.store.transaction(() => {
      const fresh = this.store.getResource(arn);
      // Stopped or deleted while the work ran: the result is dropped.
      if (!fresh || fresh.status !== Status.CREATE_IN_PROGRESS) return;
      if (!outcome.ok && outcome.sourceMissing === true && this.waitsForSource(arn)) {
        this.store.updateResource(fresh, { nextAt: this.clock() + SOURCE_RETRY_MS });
        return;
      }
      this.resumed.delete(arn);
      if (outcome.ok) {
        outcome.commit?.(fresh);
        // No doc here: the update reads the row again, so members the commit wrote are kept.
        this.store.updateResource(fresh, { status: Status.ACTIVE, updatedAt: nowSeconds, nextAt: null });
      } else {
        this.store.updateResource(fresh, {
          status: Status.CREATE_FAILED,
          doc: { ...fresh.doc, failureReason: outcome.reason },
          updatedAt: nowSeconds,
          nextAt: null,
        });
      }
    });
  }
}
