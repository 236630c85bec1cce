import { filterExpressionProblem, filterTarget } from '../../lib/config';

describe('filterExpressionProblem', () => {
  test.each([
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)',
    'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE',
    'INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)',
    'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("NOT_TAKEN")',
    'EXCLUDE ItemID WHERE Items.NAME IN ("a|b")',
  ])('accepts %s', (expression) => {
    // Act & Assess
    expect(filterExpressionProblem(expression)).toBeUndefined();
  });

  test.each([
    [
      'an empty expression',
      '  ',
      'must not be empty; expected "INCLUDE|EXCLUDE ItemID|UserID|ActionID WHERE <condition>"',
    ],
    [
      'a missing keyword',
      'ItemID WHERE Items.X IN ("a")',
      '"ItemID WHERE Items.X IN ("a")" does not start like a filter; expected "INCLUDE|EXCLUDE ItemID|UserID|ActionID WHERE <condition>"',
    ],
    [
      'an unknown record kind',
      'EXCLUDE ProductID WHERE Items.X IN ("a")',
      '"EXCLUDE ProductID WHERE Items.X IN ("a")" filters an unknown kind of record; expected "INCLUDE|EXCLUDE ItemID|UserID|ActionID WHERE <condition>"',
    ],
    [
      'a broken second part',
      'EXCLUDE ItemID WHERE Items.X IN ("a") | Items.Y IN ("b")',
      'part 2 ("Items.Y IN ("b")") does not start like a filter; expected "INCLUDE|EXCLUDE ItemID|UserID|ActionID WHERE <condition>"',
    ],
    [
      'an unterminated string',
      'EXCLUDE ItemID WHERE Items.X IN ("a)',
      'has an unterminated double-quoted string',
    ],
    [
      'parts that filter different kinds',
      'EXCLUDE ItemID WHERE Items.X IN ("a") | INCLUDE UserID WHERE Users.Y IN ("b")',
      'mixes ItemID and UserID parts; every part must filter the same kind',
    ],
  ])('rejects %s', (_name, expression, problem) => {
    // Act & Assess
    expect(filterExpressionProblem(expression)).toBe(problem);
  });
});

describe('filterTarget', () => {
  test('tells what a valid expression filters', () => {
    // Act & Assess
    expect(filterTarget('EXCLUDE ItemID WHERE Items.X IN ("a")')).toBe('ItemID');
    expect(filterTarget('include userid WHERE Users.Y IN ("b")')).toBe('UserID');
    expect(filterTarget('EXCLUDE ActionID WHERE Actions.Z IN ("c")')).toBe('ActionID');
  });

  test('returns undefined for a malformed expression', () => {
    // Act & Assess
    expect(filterTarget('WHERE Items.X IN ("a")')).toBeUndefined();
  });
});
