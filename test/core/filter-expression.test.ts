import { filterExpressionProblem, filterTarget } from '../../core/filter-expression';

describe('filterExpressionProblem (the parser the engine uses, as the config check sees it)', () => {
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
    ['an empty expression', '  ', 'The filter expression is empty (at position 0)'],
    [
      'a missing keyword',
      'ItemID WHERE Items.X IN ("a")',
      'Expected INCLUDE or EXCLUDE at the start of an expression, found "ItemID" (at position 0)',
    ],
    [
      'an unknown record kind',
      'EXCLUDE ProductID WHERE Items.X IN ("a")',
      'Expected ItemID, UserID or ActionID after EXCLUDE, found "ProductID" (at position 8)',
    ],
    [
      'a broken second part',
      'EXCLUDE ItemID WHERE Items.X IN ("a") | Items.Y IN ("b")',
      'Expected INCLUDE or EXCLUDE at the start of an expression, found "Items" (at position 40)',
    ],
    [
      'an unterminated string',
      'EXCLUDE ItemID WHERE Items.X IN ("a)',
      'Unterminated string literal (at position 33)',
    ],
    [
      'parts that filter different kinds',
      'EXCLUDE ItemID WHERE Items.X IN ("a") | INCLUDE UserID WHERE Users.Y IN ("b")',
      'Every expression of a filter must filter the same kind of record: this one filters UserID, the first ItemID (at position 40)',
    ],
    [
      'an operator Personalize does not have',
      'INCLUDE ItemID WHERE Items.CATEGORY CONTAINS "x"',
      'Expected IN, NOT IN, =, <, <=, > or >= after Items.CATEGORY, found "CONTAINS" (there is no CONTAINS operator; use IN) (at position 36)',
    ],
    [
      'a comparison with a bare word',
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE = watch',
      'Expected a double-quoted string, a number or a $PARAMETER, found the bare word watch; quote the value, e.g. "watch", or use a parameter, e.g. $EVENT_TYPE (at position 47)',
    ],
    [
      'a bare word in a value list',
      'INCLUDE ItemID WHERE Items.genre IN ("drama", comedy)',
      'Expected a double-quoted string, a number or a $PARAMETER, found the bare word comedy; quote the value, e.g. "comedy", or use a parameter, e.g. $GENRE (at position 46)',
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
