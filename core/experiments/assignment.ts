/**
 * Which variant of an experiment a user (or session) sees: a deterministic split by traffic share. The same
 * unit always gets the same variant of an experiment, units spread over variants in proportion to their
 * shares, and two experiments split independently (the experiment's name is part of the hash).
 */
import { createHash } from 'node:crypto';

/** A variant with its traffic share, in percent (the shares of an experiment add up to 100). */
export interface Shared {
  readonly name: string;
  readonly share: number;
}

/** Buckets a unit can fall in: shares resolve to 0.01 %. */
export const BUCKETS = 10_000;

/** The bucket, 0 to {@link BUCKETS} − 1, of a unit in an experiment. */
export function bucketOf(experiment: string, unitId: string): number {
  const digest = createHash('sha256').update(`${experiment}\u0000${unitId}`).digest();
  return digest.readUInt32BE(0) % BUCKETS;
}

/**
 * The variant a unit sees. Variants own consecutive bucket ranges in their order, each as wide as its share.
 * @throws RangeError when the shares do not add up to 100
 */
export function assignVariant<V extends Shared>(
  experiment: string,
  unitId: string,
  variants: readonly V[],
): V {
  const total = variants.reduce((sum, v) => sum + v.share, 0);
  if (variants.length === 0 || Math.abs(total - 100) > 1e-9)
    throw new RangeError(`experiment ${experiment}: variant shares add up to ${total}, not 100`);
  const bucket = bucketOf(experiment, unitId);
  let upper = 0;
  for (const variant of variants) {
    upper += Math.round(variant.share * (BUCKETS / 100));
    if (bucket < upper) return variant;
  }
  return variants[variants.length - 1] as V;
}
