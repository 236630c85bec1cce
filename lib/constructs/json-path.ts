/**
 * Typed JSONPath for Step Functions definitions: a path carries the type of the value it points at, a payload
 * template is checked against the type of the event it builds, and a result slot against the result stored
 * in it. A state machine written with these fails `tsc` when a contract type (core/pipeline-contract.ts)
 * changes without it: a field the event no longer has, a required field the payload lacks, a path to a field
 * the state does not hold, or a value of the wrong type.
 *
 * The rendering is plain ASL (JSONPath): `{ config: state.at('config') }` becomes `{ 'config.$': '$.config' }`.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

type Defined<T> = Exclude<T, undefined | null>;
/** The keys of every member of a union, so a path can reach a field only some members have. */
type KeyOf<T> = T extends unknown ? keyof T & string : never;
/** The type at `key` in each member of a union; `undefined` for members without it. */
type ValueAt<T, K extends string> = T extends unknown ? (K extends keyof T ? T[K] : undefined) : never;
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

/** A JSONPath (`$.group.datasetGroupArn`) to a value of type `T`. */
export class JsonPathRef<T> {
  /** Compile-time only: the type of the value at {@link path}; never set. */
  declare readonly valueType: T;

  /** @param path The JSONPath (or intrinsic function) text, as rendered into the definition. */
  constructor(public readonly path: string) {}

  /** The field `key` of the value: `$.group` → `$.group.datasetGroupArn`. */
  at<K extends KeyOf<Defined<T>>>(key: K): JsonPathRef<ValueAt<Defined<T>, K>> {
    return new JsonPathRef(`${this.path}.${key}`);
  }

  /** Element `index` of an array value: `$.result` → `$.result[0]`. */
  item(index: number): JsonPathRef<ElementOf<Defined<T>>> {
    return new JsonPathRef(`${this.path}[${index}]`);
  }
}

/**
 * Where a task's result goes (`ResultPath`). Unlike a path that is read, a slot accepts any value assignable
 * to its type: a result `R` fits a slot of `Partial<R>`, not the other way round.
 */
export class ResultSlot<T> {
  /** Discard the result: the state passes on unchanged. Fits any result. */
  static readonly DISCARD = new ResultSlot<unknown>(sfn.JsonPath.DISCARD);

  /** Compile-time only: what the slot accepts (a function parameter, so the check runs contravariantly). */
  declare readonly accepts: (value: T) => void;

  /** @param path The JSONPath, or `DISCARD`. */
  constructor(public readonly path: string) {}

  /** The place `ref` points at, as a task's `ResultPath`. */
  static of<T>(ref: JsonPathRef<T>): ResultSlot<T> {
    return new ResultSlot<T>(ref.path);
  }
}

/** Helpers that start a path. */
export const jsonPath = {
  /** `$`: the whole state (input) of a state, whose type the caller declares. */
  state<S>(): JsonPathRef<S> {
    return new JsonPathRef<S>('$');
  },
  /** `$$.Execution.Name`: the execution's name, from the context object. */
  executionName(): JsonPathRef<string> {
    return new JsonPathRef<string>('$$.Execution.Name');
  },
  /** `$$.Execution.Id`: the execution's ARN, from the context object. */
  executionId(): JsonPathRef<string> {
    return new JsonPathRef<string>('$$.Execution.Id');
  },
  /** `$$.Execution.Input`: the execution's input as it was started, whatever the state holds now. */
  executionInput<I>(): JsonPathRef<I> {
    return new JsonPathRef<I>('$$.Execution.Input');
  },
  /** `$$.Execution.StartTime`: when the execution started (ISO 8601), from the context object. */
  executionStartTime(): JsonPathRef<string> {
    return new JsonPathRef<string>('$$.Execution.StartTime');
  },
  /** `$$.Map.Item.Value`: the item a Map iteration runs on, typed as an element of the Map's `itemsPath`. */
  mapItemOf<T>(_items: JsonPathRef<T>): JsonPathRef<ElementOf<Defined<T>>> {
    return new JsonPathRef('$$.Map.Item.Value');
  },
  /** `States.ArrayContains(array, value)`. */
  arrayContains<E>(array: JsonPathRef<readonly E[]>, value: JsonPathRef<E>): JsonPathRef<boolean> {
    return new JsonPathRef<boolean>(`States.ArrayContains(${array.path}, ${value.path})`);
  },
};

/** A value written into the definition as it is (for objects and arrays; strings, numbers and booleans need no wrapper). */
export class Literal<T> {
  /** @param value The value, rendered verbatim. */
  constructor(public readonly value: T) {}
}

/** Wraps a value to be written into the definition as it is. */
export function literal<const T>(value: T): Literal<T> {
  return new Literal(value);
}

type Primitive = string | number | boolean;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;
type NestedTemplate<V> = [Defined<V>] extends [readonly unknown[]]
  ? never
  : Defined<V> extends object
    ? PayloadTemplate<Defined<V>>
    : never;

/** What may give a field of type `V`: a path to a `V`, a literal `V`, or (for objects) a nested template. */
export type FieldSource<V> =
  JsonPathRef<V> | Literal<V> | (V extends Primitive ? V : never) | NestedTemplate<V>;

/**
 * A payload built for a value of type `T`: every required field of `T` given, optional ones where wanted,
 * and no field `T` does not have.
 */
export type PayloadTemplate<T> = { readonly [K in RequiredKeys<T>]: FieldSource<T[K]> } & {
  readonly [K in OptionalKeys<T>]?: FieldSource<T[K]>;
};

/**
 * Renders a payload template as ASL `Parameters` (or `ItemSelector`): a path under `key.$`, a literal or a
 * primitive under `key`, a nested template as a nested object. Keys keep the template's order.
 */
export function payload<T>(template: PayloadTemplate<T>): Record<string, unknown> {
  return render(template);
}

function render(template: object): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(template) as Array<[string, unknown]>) {
    if (source === undefined) continue;
    if (source instanceof JsonPathRef) rendered[`${key}.$`] = source.path;
    else if (source instanceof Literal) rendered[key] = source.value;
    else if (typeof source === 'object' && source !== null) rendered[key] = render(source);
    else rendered[key] = source;
  }
  return rendered;
}
