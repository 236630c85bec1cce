import fc from 'fast-check';
import { MAX_WAIT_SECONDS, MIN_WAIT_SECONDS, nextWaitSeconds } from '../../../lambda/shared/polling';

describe('nextWaitSeconds', () => {
  test('waits 10 seconds at the start of a stage', () => {
    // Prepare
    const elapsed = 0;
    // Act
    const wait = nextWaitSeconds(elapsed);
    // Assess
    expect(wait).toBe(10);
  });

  test('waits 5% of the elapsed time once that exceeds 10 seconds', () => {
    expect(nextWaitSeconds(400)).toBe(20);
    expect(nextWaitSeconds(1000)).toBe(50);
  });

  test('never waits more than 60 seconds, however long the stage has run', () => {
    expect(nextWaitSeconds(10 * 3600)).toBe(60);
    expect(nextWaitSeconds(365 * 24 * 3600)).toBe(60);
  });

  test('treats negative and non-finite elapsed times as the start of the stage', () => {
    expect(nextWaitSeconds(-5)).toBe(10);
    expect(nextWaitSeconds(Number.NaN)).toBe(10);
  });

  test('notices completion within max(15 s, 5% of elapsed) and never more than 60 s late', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (elapsed) => {
        const wait = nextWaitSeconds(elapsed);
        expect(Number.isInteger(wait)).toBe(true);
        expect(wait).toBeGreaterThanOrEqual(MIN_WAIT_SECONDS);
        expect(wait).toBeLessThanOrEqual(MAX_WAIT_SECONDS);
        expect(wait).toBeLessThanOrEqual(Math.max(15, 0.05 * elapsed));
      }),
    );
  });

  test('never shortens the wait as a stage runs longer', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (a, b) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          expect(nextWaitSeconds(early)).toBeLessThanOrEqual(nextWaitSeconds(late));
        },
      ),
    );
  });
});
