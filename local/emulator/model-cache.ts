import { deserializeModel, type Model } from '../engine';
import { unpackModel } from './model-bytes';
import type { Store } from './store';

/** Deserialized models by solution version ARN, loaded lazily from the store. */
export class ModelCache {
  private readonly models = new Map<string, Model>();

  constructor(private readonly store: Store) {}

  /** The model of an ACTIVE solution version, or undefined when none is stored. */
  get(solutionVersionArn: string): Model | undefined {
    const cached = this.models.get(solutionVersionArn);
    if (cached) return cached;
    const stored = this.store.getModel(solutionVersionArn);
    if (!stored) return undefined;
    const model = deserializeModel(unpackModel(stored.model));
    this.models.set(solutionVersionArn, model);
    return model;
  }

  /** Keeps a freshly trained model so the first request does not deserialize it again. */
  put(solutionVersionArn: string, model: Model): void {
    this.models.set(solutionVersionArn, model);
  }

  forget(solutionVersionArn: string): void {
    this.models.delete(solutionVersionArn);
  }

  clear(): void {
    this.models.clear();
  }
}
