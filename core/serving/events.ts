/**
 * The event path between the API and Personalize: POST /events cuts a request into envelopes of at most 10
 * events of one session (one PutEvents call each), sends them to the queue in SendMessageBatch calls, and
 * the consumer reads them back, sends them to PutEvents and archives them to the data bucket as
 * interactions CSV that a dataset import job can read again.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { ApiEvent, EventsRequest, PropertyValue } from './requests';
import { columnOf } from './requests';

/** Most events of one PutEvents call, and so of one envelope. */
export const MAX_EVENTS_PER_ENVELOPE = 10;
/** Most entries of one SendMessageBatch call. */
export const MAX_BATCH_ENTRIES = 10;
/** Most bytes of one SendMessageBatch call (all message bodies together). */
export const MAX_BATCH_BYTES = 256 * 1024;
/** Version of the envelope format, so a consumer can tell formats apart. */
export const ENVELOPE_VERSION = 1;
/** Key prefix of the event archive in the data bucket. */
export const ARCHIVE_PREFIX = 'events-archive/';

/** The events of one session, at most 10, as queued for one PutEvents call. */
export interface EventEnvelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly sessionId: string;
  readonly userId?: string;
  readonly events: readonly ApiEvent[];
}

const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** The schema the consumer reads a queued message body with. */
export const eventEnvelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  sessionId: z.string().check(z.minLength(1)),
  userId: z.optional(z.string().check(z.minLength(1))),
  events: z
    .array(
      z.object({
        eventId: z.string().check(z.minLength(1)),
        eventType: z.string().check(z.minLength(1)),
        itemId: z.string().check(z.minLength(1)),
        sentAt: z.number(),
        eventValue: z.optional(z.number()),
        recommendationId: z.optional(z.string().check(z.minLength(1))),
        impression: z.optional(z.array(z.string())),
        properties: z.optional(z.record(z.string(), propertyValue)),
        attributionSource: z.optional(z.string().check(z.minLength(1))),
      }),
    )
    .check(z.minLength(1), z.maxLength(MAX_EVENTS_PER_ENVELOPE)),
});

/** A queued message body that is not an envelope (it goes to the dead-letter queue after its retries). */
export class MalformedMessage extends Error {
  override readonly name = 'MalformedMessage';
}

/** Reads a queued message body. @throws MalformedMessage when it is not an envelope. */
export function readEnvelope(body: string): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new MalformedMessage('The message body is not JSON.');
  }
  const result = z.safeParse(eventEnvelopeSchema, value);
  if (!result.success)
    throw new MalformedMessage(
      `The message body is not an event envelope: ${result.error.issues[0]?.path.join('.') ?? ''} ${result.error.issues[0]?.message ?? ''}`,
    );
  return result.data;
}

/** Cuts a checked request into envelopes of at most 10 events, in order. */
export function toEnvelopes(request: EventsRequest): EventEnvelope[] {
  const envelopes: EventEnvelope[] = [];
  for (let start = 0; start < request.events.length; start += MAX_EVENTS_PER_ENVELOPE) {
    envelopes.push({
      v: ENVELOPE_VERSION,
      sessionId: request.sessionId,
      ...(request.userId !== undefined ? { userId: request.userId } : {}),
      events: request.events.slice(start, start + MAX_EVENTS_PER_ENVELOPE),
    });
  }
  return envelopes;
}

/**
 * Groups message bodies into SendMessageBatch calls: at most 10 entries and 256 KB per call, in order.
 * A body larger than a whole call cannot be sent. @throws RangeError then.
 */
export function toSendBatches(bodies: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (size > MAX_BATCH_BYTES) throw new RangeError(`A message of ${size} bytes exceeds ${MAX_BATCH_BYTES}`);
    if (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The archive columns: the fields of schemas/interactions.json, in its order, so an archive object is a
 * valid import file for the Interactions dataset (a test keeps the two the same). Event properties fill the
 * columns they name; others have no column and are not archived.
 */
export const ARCHIVE_COLUMNS = [
  'USER_ID',
  'ITEM_ID',
  'TIMESTAMP',
  'EVENT_TYPE',
  'EVENT_VALUE',
  'IMPRESSION',
  'RECOMMENDATION_ID',
] as const;

type ArchiveColumn = (typeof ARCHIVE_COLUMNS)[number];

/** Quotes a CSV cell when it holds a comma, quote or line break (RFC 4180). */
function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function text(value: PropertyValue | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join('|') : String(value);
}

/**
 * The envelope as interactions CSV (header included): the user is the userId, else the session id (as
 * Personalize records anonymous events), the timestamp is `sentAt` in whole epoch seconds and an
 * impression list is `|`-separated.
 */
export function archiveCsv(envelope: EventEnvelope): string {
  const rows = envelope.events.map((event) => {
    const byColumn: Partial<Record<ArchiveColumn, string>> = {};
    for (const [key, value] of Object.entries(event.properties ?? {})) {
      const column = columnOf(key);
      if ((ARCHIVE_COLUMNS as readonly string[]).includes(column))
        byColumn[column as ArchiveColumn] = text(value);
    }
    Object.assign(byColumn, {
      USER_ID: envelope.userId ?? envelope.sessionId,
      ITEM_ID: event.itemId,
      TIMESTAMP: String(Math.floor(event.sentAt)),
      EVENT_TYPE: event.eventType,
      ...(event.eventValue !== undefined ? { EVENT_VALUE: String(event.eventValue) } : {}),
      ...(event.impression ? { IMPRESSION: event.impression.join('|') } : {}),
      ...(event.recommendationId !== undefined ? { RECOMMENDATION_ID: event.recommendationId } : {}),
    });
    return ARCHIVE_COLUMNS.map((column) => cell(byColumn[column] ?? '')).join(',');
  });
  return `${[ARCHIVE_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

/**
 * Where the events of a queued message that one delivery sent to Personalize are archived:
 * `events-archive/yyyy/mm/dd/<messageId>-<hash of their eventIds>.csv`, dated (UTC) by when the queue
 * received the message. A repeated delivery of the same events writes the same object, and a later
 * delivery of the message's other events (after a partial failure) writes another.
 */
export function archiveKey(sentTimestampMs: number, messageId: string, eventIds: readonly string[]): string {
  const date = new Date(sentTimestampMs >= 0 && sentTimestampMs <= 8.64e15 ? sentTimestampMs : 0);
  const day = date.toISOString().slice(0, 10).replaceAll('-', '/');
  const hash = createHash('sha256').update(eventIds.join('\n'), 'utf8').digest('hex').slice(0, 12);
  return `${ARCHIVE_PREFIX}${day}/${messageId.replace(/[^A-Za-z0-9-]/g, '_')}-${hash}.csv`;
}
