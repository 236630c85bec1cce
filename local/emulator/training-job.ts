/**
 * The CPU work of one solution version's training, as a training thread runs it (./training-worker.ts):
 * read the dataset group's records from the state database, check Personalize's minimum-data rules,
 * train the engine model, compute the offline metrics and pack the model for storage
 * (./model-bytes.ts). Pure of the emulator's server: it needs only the state directory and the dataset ARNs.
 */
import { checkMinimumData } from '../../core/dataset-rules';
import {
  EngineError,
  evaluate,
  serializeModel,
  train,
  type Interaction,
  type TrainingData,
  type TrainOptions,
} from '../engine';
import { packModel } from './model-bytes';
import { toInteraction, toItemRecord, toUserRecord } from './records';
import type { Store } from './store';

/** What the server's thread sends a training thread. */
export interface TrainingJob {
  readonly id: number;
  /** The state directory (the thread opens the database read-only). */
  readonly dataDir: string;
  /** ARNs of the dataset group's datasets that hold records. */
  readonly datasets: { readonly interactions?: string; readonly items?: string; readonly users?: string };
  readonly options: TrainOptions;
}

/** What a training thread answers. */
export type TrainingResult =
  | {
      readonly id: number;
      readonly ok: true;
      /** The model as stored (./model-bytes.ts). */
      readonly model: Uint8Array;
      readonly metrics: Record<string, number>;
      /** Id of the newest interaction row the model was trained on. */
      readonly watermark: number;
    }
  /** A failure with Personalize's reason (minimum data, an EngineError). */
  | { readonly id: number; readonly ok: false; readonly reason: string }
  /** An unexpected error (a bug): its stack. */
  | { readonly id: number; readonly error: string };

function selectForTraining(interactions: readonly Interaction[], options: TrainOptions): Interaction[] {
  return interactions.filter(
    (i) =>
      (options.eventType === undefined || i.eventType === options.eventType) &&
      (options.eventValueThreshold === undefined ||
        (i.eventValue ?? Number.NEGATIVE_INFINITY) >= options.eventValueThreshold),
  );
}

/** Reads the training data and the interaction watermark in one read transaction (one snapshot). */
function loadTrainingData(store: Store, job: TrainingJob): { data: TrainingData; watermark: number } {
  return store.transaction(() => {
    const { interactions, items, users } = job.datasets;
    return {
      data: {
        interactions: interactions ? store.interactions(interactions).map(toInteraction) : [],
        items: items ? store.entities(items).map(toItemRecord) : [],
        users: users ? store.entities(users).map(toUserRecord) : [],
      },
      watermark: interactions ? store.interactionWatermark(interactions) : 0,
    };
  });
}

/** Runs one training job against an open (read-only) store. */
export function runTrainingJob(store: Store, job: TrainingJob): TrainingResult {
  const { id, options } = job;
  const { data, watermark } = loadTrainingData(store, job);
  const shortfall = checkMinimumData(selectForTraining(data.interactions, options));
  if (shortfall) {
    const filtered = options.eventType ? ` (after filtering by event type ${options.eventType})` : '';
    return { id, ok: false, reason: `Create failed. ${shortfall.replace(/\.$/, '')}${filtered}.` };
  }
  try {
    const model = train(data, options);
    const metrics = evaluate(data, options);
    return { id, ok: true, model: packModel(serializeModel(model)), metrics: { ...metrics }, watermark };
  } catch (error) {
    if (error instanceof EngineError) return { id, ok: false, reason: `Create failed. ${error.message}` };
    throw error;
  }
}
