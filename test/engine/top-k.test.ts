import fc from 'fast-check';
import { selectTop } from '../../local/engine/top-k';

describe('selectTop', () => {
  it('returns the same items as a full sort by score then index', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (scores, k, modulus) => {
          const candidates = scores.map((_, index) => index);
          const accept = (index: number): boolean => index % modulus !== 1;
          const expected = candidates
            .filter(accept)
            .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
            .slice(0, k);
          expect(selectTop(candidates, (index) => scores[index] as number, k, accept)).toEqual(expected);
        },
      ),
    );
  });

  it('calls the filter only for candidates that could enter the top k', () => {
    // Prepare
    const scores = [9, 8, 7, 1, 1, 1, 1];
    const asked: number[] = [];

    // Act
    const top = selectTop(
      [0, 1, 2, 3, 4, 5, 6],
      (i) => scores[i] as number,
      2,
      (i) => {
        asked.push(i);
        return true;
      },
    );

    // Assess
    expect(top).toEqual([0, 1]);
    expect(asked).toEqual([0, 1]);
  });
});
