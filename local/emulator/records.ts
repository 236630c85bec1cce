import type { FieldValue, Interaction, ItemRecord, UserRecord } from '../engine';
import type { StoredEntity, StoredInteraction } from './store';

/**
 * Stored records as the engine takes them. Training and serving convert through these same functions,
 * so a model sees an interaction, an item or a user the same way when it is trained and when it answers.
 */

function fieldValues(fields: Readonly<Record<string, unknown>>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
  return out;
}

/** An interaction with its event type and value (the repeat model and event-type filters read them). */
export function toInteraction(r: StoredInteraction): Interaction {
  return {
    userId: r.userId,
    itemId: r.itemId,
    timestamp: r.timestamp,
    ...(r.eventType !== undefined ? { eventType: r.eventType } : {}),
    ...(r.eventValue !== undefined ? { eventValue: r.eventValue } : {}),
  };
}

/** An item with its CREATION_TIMESTAMP (exploration reads it) and every column as a scalar. */
export function toItemRecord(e: StoredEntity): ItemRecord {
  const created = e.fields.CREATION_TIMESTAMP;
  return {
    itemId: e.id,
    ...(typeof created === 'number' && Number.isFinite(created) ? { creationTimestamp: created } : {}),
    fields: fieldValues(e.fields),
  };
}

/** A user with every column as a scalar. */
export function toUserRecord(e: StoredEntity): UserRecord {
  return { userId: e.id, fields: fieldValues(e.fields) };
}
