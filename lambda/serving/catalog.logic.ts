/** The catalogue routes' logic: API records as PutItems / PutUsers records. */
import type { Item, User } from '@aws-sdk/client-personalize-events';
import type { CatalogRecord, PropertyValue } from '../../core/serving/requests';

/**
 * Properties as Personalize's `properties` JSON text: a list is a categorical multi-value, joined with `|`
 * (`["shoes", "sale"]` → `"shoes|sale"`); keys stay as given (camelCase maps to the schema's UPPER_SNAKE).
 */
export function propertiesText(
  properties: Readonly<Record<string, PropertyValue>> | undefined,
): string | undefined {
  if (properties === undefined) return undefined;
  const flat = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, Array.isArray(value) ? value.join('|') : value]),
  );
  return JSON.stringify(flat);
}

/** PutItems records. */
export function toItems(records: readonly CatalogRecord[]): Item[] {
  return records.map((record) => {
    const properties = propertiesText(record.properties);
    return { itemId: record.id, ...(properties !== undefined ? { properties } : {}) };
  });
}

/** PutUsers records. */
export function toUsers(records: readonly CatalogRecord[]): User[] {
  return records.map((record) => {
    const properties = propertiesText(record.properties);
    return { userId: record.id, ...(properties !== undefined ? { properties } : {}) };
  });
}
