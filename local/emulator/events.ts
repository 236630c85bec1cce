import type { SchemaField } from '../../core/schema-rules';
import { attributeEvents, SOURCE_FIELD } from './attribution';
import { isReservedEventProperty } from '../../core/serving/requests';
import type { EmulatorContext } from './context';
import { InvalidInputException, ResourceInUseException, ResourceNotFoundException } from './errors';
import { Status } from './lifecycle';
import { groupDatasets, schemaFieldsOf, withArticle } from './resources';
import type { ResourceOf, StoredEntity, StoredInteraction } from './store';
import { checkString, exceedsJsonDepth, isRecord, type RequestReader } from './validation';

/**
 * The events API: PutEvents streams interactions into the dataset group's Interactions dataset
 * (visible to the runtime at once), PutItems / PutUsers upsert records into the Items / Users
 * datasets. Every accepted request is committed before the response is sent.
 */

const MAX_EVENT_BYTES = 10 * 1024;

/** `numberOfRatings` → `NUMBER_OF_RATINGS`, `categoryL1` → `CATEGORY_L1`; UPPER_SNAKE stays as is. */
function toColumnName(property: string): string {
  return property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function parseProperties(field: string, raw: unknown, max: number): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  checkString(field, text, { min: 1, max });
  if (exceedsJsonDepth(text, 2))
    throw new InvalidInputException(
      `${field} must be a JSON object of strings, numbers, booleans or lists of them (a multi-value field).`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputException(`${field} is not valid JSON: ${text.slice(0, 80)}`);
  }
  if (!isRecord(parsed)) throw new InvalidInputException(`${field} must be a JSON object.`);
  const entries = Object.entries(parsed).map(([key, value]): [string, unknown] => {
    if (isRecord(value))
      throw new InvalidInputException(
        `${field}.${key} must be a string, a number, a boolean or a list of them, not an object.`,
      );
    return [toColumnName(key), value];
  });
  // Object.fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
  return Object.fromEntries(entries);
}

function coerce(field: SchemaField, value: unknown, where: string): unknown {
  if (value === null || value === undefined || value === '') {
    if (field.nullable || field.type === 'string') return null;
    throw new InvalidInputException(`${where}: ${field.name} must not be empty.`);
  }
  switch (field.type) {
    case 'string':
      if (Array.isArray(value)) return value.map(String).join('|');
      return String(value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new InvalidInputException(
        `${where}: ${field.name} must be true or false, got ${JSON.stringify(value)}.`,
      );
    default: {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(n))
        throw new InvalidInputException(
          `${where}: ${field.name} must be a number (${field.type}), got ${JSON.stringify(value)}.`,
        );
      return n;
    }
  }
}

function trackerFor(ctx: EmulatorContext, trackingId: string): ResourceOf<'eventTracker'> {
  const tracker = ctx.store.listResources('eventTracker').find((t) => t.doc.trackingId === trackingId);
  if (!tracker) throw new InvalidInputException(`No event tracker with trackingId ${trackingId} exists.`);
  if (tracker.status !== Status.ACTIVE)
    throw new InvalidInputException(
      `Event tracker ${tracker.arn} is not ACTIVE (status: ${tracker.status}).`,
    );
  return tracker;
}

function readTimestamp(field: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n))
    throw new InvalidInputException(
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  return n;
}

/** PutEvents. */
export function putEvents(ctx: EmulatorContext, input: RequestReader): Record<string, unknown> {
  const trackingId = input.string('trackingId', { min: 1, max: 256 });
  const sessionId = input.string('sessionId', { min: 1, max: 256 });
  const userId = input.optionalString('userId', { min: 1, max: 256 });
  const eventList = input.list('eventList', 10, 1);
  const tracker = trackerFor(ctx, trackingId);
  const dataset = groupDatasets(ctx, tracker.doc.datasetGroupArn).get('INTERACTIONS');
  if (!dataset || dataset.status !== Status.ACTIVE) {
    throw new InvalidInputException(
      `Dataset group ${tracker.groupArn} has no ACTIVE Interactions dataset to record events in.`,
    );
  }
  const known = new Set((schemaFieldsOf(ctx, dataset) ?? []).map((f) => f.name));
  const rows: StoredInteraction[] = eventList.map((raw, index) => {
    const where = `eventList.${index + 1}`;
    if (!isRecord(raw)) throw new InvalidInputException(`${where} must be an event object.`);
    if (Buffer.byteLength(JSON.stringify(raw)) > MAX_EVENT_BYTES)
      throw new InvalidInputException(`${where} is larger than the maximum event size of 10 KB.`);
    const eventType = checkString(`${where}.member.eventType`, raw.eventType ?? null, { min: 1, max: 256 });
    const sentAt = readTimestamp(`${where}.member.sentAt`, raw.sentAt);
    const eventId =
      raw.eventId === undefined
        ? undefined
        : checkString(`${where}.member.eventId`, raw.eventId, { min: 1, max: 256 });
    const itemId =
      raw.itemId === undefined
        ? undefined
        : checkString(`${where}.member.itemId`, raw.itemId, { min: 1, max: 256 });
    const recommendationId =
      raw.recommendationId === undefined
        ? undefined
        : checkString(`${where}.member.recommendationId`, raw.recommendationId, { min: 1, max: 40 });
    let eventValue: number | undefined;
    if (raw.eventValue !== undefined) {
      if (typeof raw.eventValue !== 'number' || !Number.isFinite(raw.eventValue))
        throw new InvalidInputException(`${where}.eventValue must be a number.`);
      eventValue = raw.eventValue;
    }
    let impression: string[] | undefined;
    if (raw.impression !== undefined) {
      if (!Array.isArray(raw.impression) || raw.impression.length < 1 || raw.impression.length > 25)
        throw new InvalidInputException(`${where}.impression must list 1 to 25 item IDs.`);
      impression = raw.impression.map((v, i) =>
        checkString(`${where}.impression.${i + 1}`, v, { min: 1, max: 256 }),
      );
    }
    let attributionSource: string | undefined;
    if (raw.metricAttribution !== undefined && raw.metricAttribution !== null) {
      if (!isRecord(raw.metricAttribution))
        throw new InvalidInputException(`${where}.metricAttribution must be a structure.`);
      attributionSource = checkString(
        `${where}.member.metricAttribution.eventAttributionSource`,
        raw.metricAttribution.eventAttributionSource ?? null,
        { max: 1024, pattern: /^[\x20-\x7E]*[\x21-\x7E]+[\x20-\x7E]*$/ },
      );
    }
    const properties = parseProperties(`${where}.properties`, raw.properties, 1024);
    for (const key of Object.keys(properties)) {
      if (isReservedEventProperty(key))
        throw new InvalidInputException(
          `${where}.properties must not contain ${key}; it is a top-level event member.`,
        );
      if (!known.has(key))
        throw new InvalidInputException(
          `${where}.properties has ${key}, which is not a column of the Interactions schema.`,
        );
    }
    if (!itemId)
      throw new InvalidInputException(
        `${where}.itemId is required: the Interactions dataset needs an ITEM_ID for every event.`,
      );
    return {
      userId: userId ?? sessionId,
      itemId,
      timestamp: sentAt,
      eventType,
      sessionId,
      ...(eventValue !== undefined ? { eventValue } : {}),
      ...(eventId ? { eventId } : {}),
      ...(recommendationId ? { recommendationId } : {}),
      ...(impression ? { impression } : {}),
      fields:
        attributionSource !== undefined ? { ...properties, [SOURCE_FIELD]: attributionSource } : properties,
    };
  });
  // The events and their metric attribution totals commit together: an accepted event is always counted.
  ctx.store.transaction(() => {
    ctx.store.addInteractions(dataset.arn, 'stream', rows);
    attributeEvents(ctx, tracker.doc.datasetGroupArn, rows, { cloudWatch: true });
  });
  return {};
}

function putEntities(
  ctx: EmulatorContext,
  input: RequestReader,
  kind: 'items' | 'users',
): Record<string, unknown> {
  const datasetArn = input.arn('datasetArn');
  const list = input.list(kind, 10, 1);
  const idMember = kind === 'items' ? 'itemId' : 'userId';
  const idColumn = kind === 'items' ? 'ITEM_ID' : 'USER_ID';
  const maxProperties = kind === 'items' ? 32_000 : 24_000;
  // The records' own shape is checked before the dataset is looked up, as constraint checks come first.
  const records = list.map((raw, index) => {
    const where = `${kind}.${index + 1}`;
    if (!isRecord(raw)) throw new InvalidInputException(`${where} must be an object.`);
    const id = checkString(`${where}.member.${idMember}`, raw[idMember] ?? null, { min: 1, max: 256 });
    return { where, id, properties: parseProperties(`${where}.properties`, raw.properties, maxProperties) };
  });
  const dataset = ctx.store.getResource(datasetArn, 'dataset');
  if (!dataset) throw new ResourceNotFoundException(`Dataset ${datasetArn} does not exist.`);
  if (dataset.doc.datasetType !== kind.toUpperCase())
    throw new InvalidInputException(
      `Dataset ${datasetArn} is ${withArticle(dataset.doc.datasetType)} dataset, not ${withArticle(kind.toUpperCase())} dataset.`,
    );
  if (dataset.status !== Status.ACTIVE)
    throw new ResourceInUseException(`Dataset ${datasetArn} is not ACTIVE (status: ${dataset.status}).`);
  const fields = (schemaFieldsOf(ctx, dataset) ?? []).filter((f) => f.name !== idColumn);
  const byName = new Map(fields.map((f) => [f.name, f]));
  const rows: StoredEntity[] = records.map(({ where, id, properties }) => {
    for (const key of Object.keys(properties)) {
      if (!byName.has(key))
        throw new InvalidInputException(
          `${where}.properties has ${key}, which is not a column of the ${kind === 'items' ? 'Items' : 'Users'} schema.`,
        );
    }
    const record: Record<string, unknown> = {};
    for (const field of fields) record[field.name] = coerce(field, properties[field.name], where);
    return { id, fields: record };
  });
  ctx.store.upsertEntities(datasetArn, 'stream', rows);
  return {};
}

/** PutItems. */
export const putItems = (ctx: EmulatorContext, input: RequestReader): Record<string, unknown> =>
  putEntities(ctx, input, 'items');

/** PutUsers. */
export const putUsers = (ctx: EmulatorContext, input: RequestReader): Record<string, unknown> =>
  putEntities(ctx, input, 'users');
