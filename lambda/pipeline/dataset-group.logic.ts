/**
 * Pure logic of the `dataset-group` step: schema content comparison and the choice of schema name.
 *
 * Schemas are immutable in Personalize. When the schema named `<project>-<type>` exists with other
 * content, the step looks at `<project>-<type>-v2`, `-v3` ... and reuses the first one with the
 * same content, or creates the first free name. The `datasets` step then points the dataset at it
 * with UpdateDataset (Personalize accepts compatible changes such as added fields).
 */

/** Highest schema generation tried before giving up. */
export const MAX_SCHEMA_VERSIONS = 50;

/** A canonical form of a JSON text: object keys sorted, whitespace removed. Invalid JSON is kept as is. */
export function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** Whether two schema JSON texts describe the same schema (ignoring formatting and key order). */
export function sameSchema(a: string, b: string): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** What to do about one schema generation. */
export type SchemaDecision =
  { readonly action: 'reuse' } | { readonly action: 'create' } | { readonly action: 'next' };

/** Decides for generation `n` given its existing content (`undefined` = no such schema). */
export function decideSchema(wanted: string, existing: string | undefined): SchemaDecision {
  if (existing === undefined) return { action: 'create' };
  return sameSchema(wanted, existing) ? { action: 'reuse' } : { action: 'next' };
}
