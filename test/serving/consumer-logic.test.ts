/**
 * The consumer's pure parts: bounded retries with backoff for throttled calls (lambda/serving/retry.ts), and the
 * PutEvents request built from a queued envelope (lambda/serving/event-consumer.logic.ts).
 */
import { putEventsInput } from '../../lambda/serving/event-consumer.logic';
import { backoffMs, withRetries } from '../../lambda/serving/retry';
import { isThrottling, isTransient } from '../../lambda/serving/upstream';

const throttled = () => Object.assign(new Error('slow down'), { name: 'ThrottlingException' });

describe('withRetries', () => {
  test('retries throttling until the call succeeds, waiting between attempts', async () => {
    const waits: number[] = [];
    let calls = 0;

    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw throttled();
        return 'done';
      },
      { retryable: isThrottling, sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
    );

    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  test('passes on the last error once the attempts are spent', async () => {
    let calls = 0;
    const act = withRetries(
      async () => {
        calls += 1;
        throw throttled();
      },
      { retryable: isThrottling, attempts: 4, sleep: async () => undefined },
    );

    await expect(act).rejects.toThrow('slow down');
    expect(calls).toBe(4);
  });

  test('does not retry an error that is the caller’s', async () => {
    let calls = 0;
    const act = withRetries(
      async () => {
        calls += 1;
        throw Object.assign(new Error('bad'), {
          name: 'InvalidInputException',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { retryable: isTransient, sleep: async () => undefined },
    );

    await expect(act).rejects.toThrow('bad');
    expect(calls).toBe(1);
  });

  test('waits at most the doubling ceiling, capped', () => {
    expect(backoffMs(1, { random: () => 0.999 })).toBeLessThan(200);
    expect(backoffMs(3, { random: () => 0.999 })).toBeLessThan(800);
    expect(backoffMs(20, { random: () => 0.999, maxDelayMs: 5000 })).toBeLessThan(5000);
  });
});

describe('the PutEvents request of an envelope', () => {
  test('carries the session, the user and each event with sentAt as a date and properties as JSON text', () => {
    const input = putEventsInput('tracking-1', { v: 1, sessionId: 's', userId: 'u', events: [] }, [
      {
        eventId: 'e1',
        eventType: 'view',
        itemId: 'i1',
        sentAt: 1_790_000_000.5,
        impression: ['i1', 'i2'],
        properties: { tags: ['a', 'b'], score: 3 },
      },
    ]);

    expect(input).toEqual({
      trackingId: 'tracking-1',
      sessionId: 's',
      userId: 'u',
      eventList: [
        {
          eventId: 'e1',
          eventType: 'view',
          itemId: 'i1',
          sentAt: new Date(1_790_000_000_500),
          impression: ['i1', 'i2'],
          properties: '{"tags":"a|b","score":3}',
        },
      ],
    });
  });
});
