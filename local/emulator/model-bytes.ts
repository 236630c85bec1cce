import { deflateSync, inflateSync } from 'node:zlib';
import { decodeModel, encodeModel, isEncodedModel, type SerializedModel } from '../engine';

/**
 * How the emulator stores a model: the engine's binary form (`encodeModel`) deflated. Neighbour
 * indices and float32 scores deflate to ~55 % (MovieLens user-personalization: 6.4 → 3.5 MB). A model
 * written before the compact layout is JSON text; {@link unpackModel} reads all three forms.
 */

/** The stored bytes of a serialized model. */
export function packModel(serialized: SerializedModel): Uint8Array {
  // A copy with an ArrayBuffer of its own (a small Buffer may sit in Node's shared pool), so a
  // training thread can transfer it.
  return new Uint8Array(deflateSync(encodeModel(serialized)));
}

/** A serialized model from its stored form: deflated binary, plain binary, or JSON text (older state). */
export function unpackModel(stored: Uint8Array | string): SerializedModel {
  if (typeof stored === 'string') return JSON.parse(stored) as SerializedModel;
  if (isEncodedModel(stored)) return decodeModel(stored);
  return decodeModel(inflateSync(stored));
}
