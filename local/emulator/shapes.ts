import { InvalidInputException } from './errors';
import { checkString, constraintMessage, isRecord, type StringRule } from './validation';

/**
 * Shapes of the Personalize service model for the structured request members the emulator stores
 * (`solutionConfig`, `campaignConfig`, ...). A shape reads a JSON value and returns a fresh copy that
 * holds only the modelled members, or throws an {@link InvalidInputException} worded like the service's
 * validation errors and naming the member path (`solutionConfig.hpoConfig.hpoResourceConfig`). Members
 * the model does not have are refused: the SDK clients never send them, so one in a request is a typo
 * that would otherwise be stored and echoed back as if it meant something.
 *
 * A shape walks only as deep as the model goes, so a value nested thousands of levels deep is refused
 * at the first level where it stops matching.
 */
export interface Shape<T> {
  /**
   * Checks `value` (never `undefined` or `null`: absent members are handled by the structure) and
   * returns the checked copy.
   * @param path the member path used in error messages
   */
  read(value: unknown, path: string): T;
}

/** The value type a shape reads. */
export type ShapeValue<S> = S extends Shape<infer T> ? T : never;

function fail(path: string, value: unknown, constraint: string): never {
  throw new InvalidInputException(constraintMessage(path, value, constraint));
}

/** A string member with the model's length and pattern limits, and an optional extra check. */
export function stringShape(
  rule: StringRule & {
    /** A further rule: returns the constraint the value breaks, or undefined when it is fine. */
    readonly check?: (value: string) => string | undefined;
  } = {},
): Shape<string> {
  return {
    read(value, path) {
      const text = checkString(path, value, rule);
      const problem = rule.check?.(text);
      if (problem !== undefined) fail(path, text, problem);
      return text;
    },
  };
}

/** A string member that must be one of `values`. */
export function enumShape<T extends string>(values: readonly T[]): Shape<T> {
  return {
    read(value, path) {
      const text = checkString(path, value, {});
      if (!(values as readonly string[]).includes(text))
        fail(path, text, `Member must satisfy enum value set: [${values.join(', ')}]`);
      return text as T;
    },
  };
}

/** A boolean member. */
export const booleanShape: Shape<boolean> = {
  read(value, path) {
    if (typeof value !== 'boolean') fail(path, value, 'Member must be a boolean');
    return value;
  },
};

/** A numeric member (`integer` or `double` in the model) within optional bounds. */
export function numberShape(
  rule: { readonly integer?: boolean; readonly min?: number; readonly max?: number } = {},
): Shape<number> {
  return {
    read(value, path) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(path, value, `Member must be ${rule.integer ? 'an integer' : 'a number'}`);
      if (rule.integer && !Number.isInteger(value)) fail(path, value, 'Member must be an integer');
      if (rule.min !== undefined && value < rule.min)
        fail(path, value, `Member must have value greater than or equal to ${rule.min}`);
      if (rule.max !== undefined && value > rule.max)
        fail(path, value, `Member must have value less than or equal to ${rule.max}`);
      return value;
    },
  };
}

/** A list member with at most `max` entries. */
export function listShape<T>(member: Shape<T>, rule: { readonly max?: number } = {}): Shape<T[]> {
  return {
    read(value, path) {
      if (!Array.isArray(value)) fail(path, value, 'Member must be a list');
      if (rule.max !== undefined && value.length > rule.max)
        fail(path, `[${value.length} items]`, `Member must have length less than or equal to ${rule.max}`);
      return value.map((entry, i) => {
        const at = `${path}.${i + 1}.member`;
        if (entry === undefined || entry === null) fail(at, null, 'Member must not be null');
        return member.read(entry, at);
      });
    },
  };
}

/** A map member (JSON object) with at most `max` entries; keys and values checked by their shapes. */
export function mapShape<T>(
  key: Shape<string>,
  member: Shape<T>,
  rule: { readonly max?: number } = {},
): Shape<Record<string, T>> {
  return {
    read(value, path) {
      if (!isRecord(value)) fail(path, value, 'Member must be a map');
      const entries = Object.entries(value);
      if (rule.max !== undefined && entries.length > rule.max)
        fail(
          path,
          `{${entries.length} entries}`,
          `Member must have length less than or equal to ${rule.max}`,
        );
      // Object.fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
      return Object.fromEntries(
        entries.map(([k, v]) => {
          key.read(k, `${path}.key`);
          if (v === undefined || v === null) fail(`${path}.${k}`, null, 'Member must not be null');
          return [k, member.read(v, `${path}.${k}`)];
        }),
      );
    },
  };
}

/** The value type of a structure shape with the given member shapes (every member optional). */
export type StructureValue<M extends Record<string, Shape<unknown>>> = {
  [K in keyof M]?: ShapeValue<M[K]>;
};

/**
 * A structure member: a JSON object whose members are all in `members` (each optional; `null` counts as
 * absent, as in the JSON protocols).
 * @param name the model's name of the structure, used in the message for an unknown member
 */
export function structureShape<M extends Record<string, Shape<unknown>>>(
  name: string,
  members: M,
): Shape<StructureValue<M>> {
  const known = Object.keys(members);
  return {
    read(value, path) {
      if (!isRecord(value)) fail(path, value, 'Member must be a structure');
      const out: Record<string, unknown> = {};
      for (const [member, raw] of Object.entries(value)) {
        const shape = Object.hasOwn(members, member) ? members[member] : undefined;
        if (shape === undefined)
          fail(`${path}.${member}`, raw, `Member must be one of the members of ${name}: ${known.join(', ')}`);
        if (raw !== undefined && raw !== null) out[member] = shape.read(raw, `${path}.${member}`);
      }
      return out as StructureValue<M>;
    },
  };
}
