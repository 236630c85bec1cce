/**
 * A compact binary form of serialized models, for storage. It knows nothing about any model's fields:
 * it walks the whole serialized value, writes every array of numbers (and every typed array) as a
 * binary blob and everything else (strings, booleans, objects, small or mixed arrays) as JSON in a
 * header. A state member added to a model later is encoded without a change here.
 *
 * Layout: `PLM1` | header length (uint32, little-endian) | header (UTF-8 JSON) | blobs, each starting
 * at a multiple of 8 bytes from the start.
 *
 * Number arrays are stored losslessly in the smallest fitting type: whole numbers as uint8, uint16,
 * int32 or float64; fractions as float32 when float32 holds them exactly, as float32 read back with 6
 * significant digits when the value has at most 6 (the precision `compact` gives scores), else as
 * float64. `null`, NaN and ±Infinity in a number array come back as `null`, as after a JSON round
 * trip. Plain arrays come back as plain arrays, typed arrays as the same typed array. An array whose
 * elements are all number arrays (per-user histories) is stored as lengths plus one flattened blob.
 *
 * Decoding answers exactly what `JSON.parse(JSON.stringify(serialized))` would, so a decoded model
 * answers like the trained one.
 */
import { EngineError } from './errors';
import type { SerializedModel } from './model';

const MAGIC = [0x50, 0x4c, 0x4d, 0x31]; // "PLM1"

/** Marks a blob reference in the header (a key JSON state never has). */
const BLOB = '\u0000blob';
/** Marks an array of number arrays (lengths blob + flattened values). */
const NESTED = '\u0000nested';

/** Shortest number array worth a blob; shorter ones stay in the header. */
const MIN_BLOB_LENGTH = 8;

type BlobType = 'u8' | 'u16' | 'i32' | 'f32' | 'f32p6' | 'f64';

/** How a blob reads back: its element type, where it is and what it becomes. */
interface BlobRef {
  /** Element type. */
  readonly t: BlobType;
  /** Byte offset from the start of the encoded model. */
  readonly o: number;
  /** Element count. */
  readonly n: number;
  /** NaN elements stand for `null` (plain arrays only). */
  readonly z?: true;
  /** The typed array constructor name to restore; absent for a plain array. */
  readonly a?: string;
}

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;

type TypedName = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedName]>;

const ELEMENT_BYTES: Record<BlobType, number> = { u8: 1, u16: 2, i32: 4, f32: 4, f32p6: 4, f64: 8 };

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new Error('The model codec stores little-endian blobs and needs a little-endian machine.');

function typedName(value: unknown): TypedName | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  const name = value.constructor.name;
  return Object.hasOwn(TYPED, name) ? (name as TypedName) : undefined;
}

/** Whether every element is a number or null (with at least one element). */
function isNumberArray(value: readonly unknown[]): boolean {
  if (value.length === 0) return false;
  for (const v of value) if (typeof v !== 'number' && v !== null) return false;
  return true;
}

function sixDigits(value: number): number {
  return Number(value.toPrecision(6));
}

/** The smallest type that gives back every (finite) element exactly. */
function chooseType(values: ArrayLike<number>): BlobType {
  let whole = true;
  let min = 0;
  let max = 0;
  let gaps = false;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    if (Number.isNaN(v)) {
      gaps = true;
      continue;
    }
    if (!Number.isInteger(v)) whole = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // NaN (a null) needs a float type; whole numbers with gaps are exact in float64.
  if (whole && gaps) return 'f64';
  if (whole) {
    if (min >= 0 && max <= 0xff) return 'u8';
    if (min >= 0 && max <= 0xffff) return 'u16';
    if (min >= -0x80000000 && max <= 0x7fffffff) return 'i32';
    return 'f64';
  }
  let f32 = true;
  let p6 = true;
  for (let i = 0; i < values.length && (f32 || p6); i += 1) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    const single = Math.fround(v);
    if (single !== v) f32 = false;
    if (p6 && (!Number.isFinite(single) || sixDigits(single) !== v)) p6 = false;
  }
  if (f32) return 'f32';
  return p6 ? 'f32p6' : 'f64';
}

function writeBlob(type: BlobType, values: ArrayLike<number>): Uint8Array {
  const out =
    type === 'u8'
      ? new Uint8Array(values.length)
      : type === 'u16'
        ? new Uint16Array(values.length)
        : type === 'i32'
          ? new Int32Array(values.length)
          : type === 'f64'
            ? new Float64Array(values.length)
            : new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = values[i] as number;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function readBlob(bytes: Uint8Array, ref: BlobRef): ArrayLike<number> {
  const length = ref.n * ELEMENT_BYTES[ref.t];
  if (ref.o % 8 !== 0 || ref.o + length > bytes.length)
    throw new EngineError('Corrupt encoded model: a blob lies outside the data.');
  // A copy, aligned for the typed array whatever the source's offset (`new Uint8Array(view)` copies;
  // a Buffer's `slice` would not).
  const copy = new Uint8Array(bytes.subarray(ref.o, ref.o + length)).buffer;
  switch (ref.t) {
    case 'u8':
      return new Uint8Array(copy);
    case 'u16':
      return new Uint16Array(copy);
    case 'i32':
      return new Int32Array(copy);
    case 'f64':
      return new Float64Array(copy);
    case 'f32':
      return new Float32Array(copy);
    case 'f32p6': {
      const singles = new Float32Array(copy);
      const out = new Float64Array(singles.length);
      for (let i = 0; i < singles.length; i += 1) out[i] = sixDigits(singles[i] as number);
      return out;
    }
    default:
      throw new EngineError(`Corrupt encoded model: unknown blob type ${JSON.stringify(ref.t)}.`);
  }
}

class Writer {
  readonly blobs: Uint8Array[] = [];
  private offset = 0;

  /** Adds a blob and returns its offset relative to the blob area. */
  add(blob: Uint8Array): number {
    const at = this.offset;
    this.blobs.push(blob);
    const padded = Math.ceil(blob.length / 8) * 8;
    if (padded > blob.length) this.blobs.push(new Uint8Array(padded - blob.length));
    this.offset += padded;
    return at;
  }

  numbers(values: ArrayLike<number>, nullable: boolean, typed?: TypedName): Record<string, BlobRef> {
    const type: BlobType = typed ? typedBlobType(typed) : chooseType(values);
    const blob = writeBlob(type, values);
    return {
      [BLOB]: {
        t: type,
        o: this.add(blob),
        n: values.length,
        ...(nullable ? { z: true as const } : {}),
        ...(typed ? { a: typed } : {}),
      },
    };
  }
}

/** Typed arrays keep their own element type (float32 stays float32, ints stay ints). */
function typedBlobType(name: TypedName): BlobType {
  switch (name) {
    case 'Float32Array':
      return 'f32';
    case 'Uint8Array':
    case 'Uint8ClampedArray':
      return 'u8';
    case 'Uint16Array':
      return 'u16';
    case 'Int8Array':
    case 'Int16Array':
    case 'Int32Array':
      return 'i32';
    default:
      return 'f64';
  }
}

/** The header form of a value, with blobs written to `writer`. */
function toHeader(value: unknown, writer: Writer): unknown {
  const typed = typedName(value);
  if (typed) return writer.numbers(value as AnyTyped, false, typed);
  if (Array.isArray(value)) {
    if (value.length >= MIN_BLOB_LENGTH && isNumberArray(value)) {
      let nullable = false;
      const numbers = (value as (number | null)[]).map((v) => {
        if (v === null || !Number.isFinite(v)) {
          nullable = true;
          return Number.NaN;
        }
        return v;
      });
      return writer.numbers(numbers, nullable);
    }
    if (
      value.length >= MIN_BLOB_LENGTH &&
      value.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    ) {
      const rows = value as number[][];
      return {
        [NESTED]: {
          lengths: writer.numbers(
            rows.map((r) => r.length),
            false,
          ),
          values: writer.numbers(rows.flat(), false),
        },
      };
    }
    return value.map((v) => (v === undefined || typeof v === 'function' ? null : toHeader(v, writer)));
  }
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
      return toHeader((value as { toJSON: () => unknown }).toJSON(), writer);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('\u0000'))
        throw new EngineError(`Cannot encode a model whose state has the key ${JSON.stringify(key)}.`);
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      out[key] = toHeader(v, writer);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

function fromHeader(value: unknown, bytes: Uint8Array, base: number): unknown {
  if (Array.isArray(value)) return value.map((v) => fromHeader(v, bytes, base));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, BLOB)) return fromBlob(record[BLOB] as BlobRef, bytes, base);
  if (Object.hasOwn(record, NESTED)) {
    const nested = record[NESTED] as { lengths: Record<string, BlobRef>; values: Record<string, BlobRef> };
    const lengths = readBlob(bytes, offsetBy(nested.lengths[BLOB] as BlobRef, base));
    const flat = readBlob(bytes, offsetBy(nested.values[BLOB] as BlobRef, base));
    const rows: number[][] = [];
    let at = 0;
    for (let i = 0; i < lengths.length; i += 1) {
      const n = lengths[i] as number;
      const row = new Array<number>(n);
      for (let k = 0; k < n; k += 1) row[k] = flat[at + k] as number;
      rows.push(row);
      at += n;
    }
    return rows;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) out[key] = fromHeader(v, bytes, base);
  return out;
}

function offsetBy(ref: BlobRef, base: number): BlobRef {
  return { ...ref, o: ref.o + base };
}

function fromBlob(ref: BlobRef, bytes: Uint8Array, base: number): unknown {
  const values = readBlob(bytes, offsetBy(ref, base));
  if (ref.a !== undefined) {
    if (!Object.hasOwn(TYPED, ref.a))
      throw new EngineError(`Corrupt encoded model: unknown typed array ${JSON.stringify(ref.a)}.`);
    return TYPED[ref.a as TypedName].from(values);
  }
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] as number;
    out[i] = ref.z && Number.isNaN(v) ? null : v;
  }
  return out;
}

/** Encodes a serialized model (any state shape) into the compact binary form. */
export function encodeModel(serialized: SerializedModel): Uint8Array {
  const writer = new Writer();
  const header = new TextEncoder().encode(JSON.stringify(toHeader(serialized, writer)));
  const base = Math.ceil((8 + header.length) / 8) * 8;
  const total = base + writer.blobs.reduce((sum, blob) => sum + blob.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  let at = base;
  for (const blob of writer.blobs) {
    out.set(blob, at);
    at += blob.length;
  }
  return out;
}

/** Whether `bytes` start like an encoded model. */
export function isEncodedModel(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Decodes {@link encodeModel} output.
 * @throws EngineError when the bytes are not an encoded model
 */
export function decodeModel(bytes: Uint8Array): SerializedModel {
  if (!isEncodedModel(bytes)) throw new EngineError('Not an encoded local engine model (no PLM1 header).');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new EngineError('Corrupt encoded model: header is cut short.');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as unknown;
  const base = Math.ceil((8 + headerLength) / 8) * 8;
  return fromHeader(header, bytes, base) as SerializedModel;
}
