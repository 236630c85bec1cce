/**
 * The pure parts of the event path (core/serving/events.ts): requests cut into envelopes of at most 10 events
 * (one PutEvents call each), envelopes grouped into SendMessageBatch calls within SQS's limits, and the
 * archive written as interactions CSV that the Interactions dataset can import again.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { checkHeader, createRowChecker } from '../../core/dataset-rules';
import { parseSchema } from '../../core/schema-rules';
import {
  ARCHIVE_COLUMNS,
  archiveCsv,
  archiveKey,
  MAX_BATCH_BYTES,
  readEnvelope,
  toEnvelopes,
  toSendBatches,
  type EventEnvelope,
} from '../../core/serving/events';
import type { ApiEvent } from '../../core/serving/requests';
import { ROOT } from './helpers';

const interactions = parseSchema(readFileSync(path.join(ROOT, 'schemas', 'interactions.json'), 'utf8'));

function events(count: number): ApiEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `e${i}`,
    eventType: 'view',
    itemId: `item-${i}`,
    sentAt: 1_790_000_000 + i,
  }));
}

describe('envelopes', () => {
  test('hold at most 10 events of the session, in order', () => {
    const envelopes = toEnvelopes({ sessionId: 's', userId: 'u', events: events(23) });

    expect(envelopes.map((e) => e.events.length)).toEqual([10, 10, 3]);
    expect(envelopes.flatMap((e) => e.events.map((x) => x.eventId))).toEqual(
      events(23).map((e) => e.eventId),
    );
    expect(envelopes.every((e) => e.sessionId === 's' && e.userId === 'u')).toBe(true);
  });

  test('read back from a message body, and a body that is not one is refused by name', () => {
    const [envelope] = toEnvelopes({ sessionId: 's', events: events(2) });

    expect(readEnvelope(JSON.stringify(envelope))).toEqual(envelope);
    expect(() => readEnvelope('{"v":1}')).toThrow(expect.objectContaining({ name: 'MalformedMessage' }));
    expect(() => readEnvelope('not json')).toThrow(expect.objectContaining({ name: 'MalformedMessage' }));
  });
});

describe('SendMessageBatch calls', () => {
  test('hold at most 10 messages', () => {
    const batches = toSendBatches(Array.from({ length: 23 }, (_, i) => `m${i}`));

    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
  });

  test('stay within 256 KB', () => {
    const body = 'x'.repeat(100 * 1024);

    const batches = toSendBatches([body, body, body, body, body]);

    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    for (const batch of batches)
      expect(batch.reduce((sum, b) => sum + Buffer.byteLength(b), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });
});

describe('the event archive', () => {
  test('has the columns of schemas/interactions.json, in its order', () => {
    expect([...ARCHIVE_COLUMNS]).toEqual(interactions.fields.map((field) => field.name));
  });

  test('is an interactions file the dataset import accepts', () => {
    const envelope: EventEnvelope = {
      v: 1,
      sessionId: 'anonymous-1',
      events: [
        { eventId: 'a', eventType: 'view', itemId: 'item-1', sentAt: 1_790_000_000.75 },
        {
          eventId: 'b',
          eventType: 'purchase',
          itemId: 'item,"2"',
          sentAt: 1_790_000_100,
          eventValue: 19.5,
          impression: ['item-1', 'item-3'],
          recommendationId: 'RID-1',
        },
      ],
    };

    const rows = parse(archiveCsv(envelope)) as string[][];
    const [header = [], ...data] = rows;

    expect(checkHeader(header, interactions.fields)).toEqual([]);
    const check = createRowChecker(interactions.fields, header);
    expect(data.map((row, i) => check(row, i + 2))).toEqual([undefined, undefined]);
    expect(data).toEqual([
      ['anonymous-1', 'item-1', '1790000000', 'view', '', '', ''],
      ['anonymous-1', 'item,"2"', '1790000100', 'purchase', '19.5', 'item-1|item-3', 'RID-1'],
    ]);
  });

  test('is keyed by the day the queue received the message and the events one delivery sent', () => {
    const key = archiveKey(Date.UTC(2026, 11, 5, 23, 59), 'msg-1', ['a', 'b']);

    expect(key).toMatch(/^events-archive\/2026\/12\/05\/msg-1-[0-9a-f]{12}\.csv$/);
    expect(archiveKey(Date.UTC(2026, 11, 5), 'msg-1', ['a', 'b'])).toBe(key);
    expect(archiveKey(Date.UTC(2026, 11, 5), 'msg-1', ['a'])).not.toBe(key);
  });
});
