import fc from 'fast-check';
import {
  EngineError,
  FilterParameterError,
  FilterSyntaxError,
  compileFilter,
  filterParameterNames,
  parseFilterExpression,
  parseFilterValues,
} from '../../local/engine';
import type { FilterContext, Interaction, ItemRecord } from '../../local/engine';

const ITEMS: ItemRecord[] = [
  { itemId: 'boot', fields: { CATEGORY: 'shoes', PRICE: 120, COLOR: 'black|brown' } },
  { itemId: 'sneaker', fields: { CATEGORY: 'shoes', PRICE: 60, COLOR: 'white' } },
  { itemId: 'tote', fields: { CATEGORY: 'bags', PRICE: 40, COLOR: 'brown' } },
  { itemId: 'clutch', fields: { CATEGORY: 'bags', PRICE: 90, COLOR: null } },
  { itemId: 'cap', fields: { CATEGORY: 'hats|sale', PRICE: 15 } },
];
const ALL = ITEMS.map((item) => item.itemId);

function context(overrides: Partial<FilterContext> = {}): FilterContext {
  return {
    items: new Map(ITEMS.map((item) => [item.itemId, item])),
    userInteractions: [],
    values: {},
    ...overrides,
  };
}

function apply(expression: string, overrides: Partial<FilterContext> = {}): string[] {
  const keep = compileFilter(parseFilterExpression(expression), context(overrides));
  return ALL.filter(keep);
}

function syntaxError(expression: string): FilterSyntaxError {
  try {
    parseFilterExpression(expression);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${expression} not to parse`);
}

const event = (itemId: string, eventType: string, timestamp = 1): Interaction => ({
  userId: 'u',
  itemId,
  eventType,
  timestamp,
});

describe('parseFilterExpression', () => {
  it('parses an INCLUDE expression with a string list', () => {
    // Act
    const ast = parseFilterExpression('INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes", "bags")');

    // Assess
    expect(ast.expressions).toEqual([
      {
        action: 'INCLUDE',
        target: 'ItemID',
        dataset: 'Items',
        where: {
          kind: 'condition',
          dataset: 'Items',
          field: 'CATEGORY',
          operator: 'IN',
          values: [
            { kind: 'string', value: 'shoes' },
            { kind: 'string', value: 'bags' },
          ],
          position: 21,
        },
        when: [],
      },
    ]);
  });

  it('reads keywords in any case', () => {
    // Act
    const ast = parseFilterExpression('exclude itemid where interactions.EVENT_TYPE not in ("click")');

    // Assess
    expect(ast.expressions[0]).toMatchObject({
      action: 'EXCLUDE',
      target: 'ItemID',
      dataset: 'Interactions',
    });
    expect(ast.expressions[0]?.where).toMatchObject({ operator: 'NOT IN' });
  });

  it('gives AND precedence over OR', () => {
    // Act
    const ast = parseFilterExpression(
      'INCLUDE ItemID WHERE Items.A IN ("1") OR Items.B IN ("2") AND Items.C IN ("3")',
    );

    // Assess
    expect(ast.expressions[0]?.where).toMatchObject({
      kind: 'or',
      operands: [{ field: 'A' }, { kind: 'and', operands: [{ field: 'B' }, { field: 'C' }] }],
    });
  });

  it('parses numeric comparisons, placeholders, the event-type wildcard, IF clauses and | joins', () => {
    // Act
    const ast = parseFilterExpression(
      'INCLUDE ItemID WHERE Items.PRICE <= $MAX AND Items.PRICE > 10 | ' +
        'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*") | ' +
        'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE AND CurrentUser.TIER IN ("gold")',
    );

    // Assess
    expect(ast.expressions.map((e) => e.action)).toEqual(['INCLUDE', 'EXCLUDE', 'EXCLUDE']);
    expect(ast.expressions[0]?.where).toMatchObject({
      kind: 'and',
      operands: [
        { operator: '<=', values: [{ kind: 'parameter', name: 'MAX' }] },
        { operator: '>', values: [{ kind: 'number', value: 10 }] },
      ],
    });
    expect(ast.expressions[1]?.where).toMatchObject({ values: [{ kind: 'wildcard' }] });
    expect(ast.expressions[2]?.when).toHaveLength(2);
    expect(ast.expressions[2]?.when[0]).toMatchObject({
      dataset: 'CurrentUser',
      field: 'AGE',
      operator: '=',
    });
  });

  it('accepts UserID and ActionID expressions over their own datasets', () => {
    // Act
    const users = parseFilterExpression('INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)');
    const actions = parseFilterExpression(
      'EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ("NOT_TAKEN")',
    );

    // Assess
    expect(users.expressions[0]?.target).toBe('UserID');
    expect(actions.expressions[0]?.dataset).toBe('Action_Interactions');
  });

  it.each([
    ['', 0, /empty/],
    ['KEEP ItemID WHERE Items.A IN ("x")', 0, /Expected INCLUDE or EXCLUDE/],
    ['INCLUDE Items WHERE Items.A IN ("x")', 8, /Expected ItemID, UserID or ActionID/],
    ['INCLUDE ItemID Items.A IN ("x")', 15, /Expected WHERE after INCLUDE ItemID/],
    ['INCLUDE ItemID WHERE Products.A IN ("x")', 21, /Expected a dataset/],
    ['INCLUDE ItemID WHERE Items A IN ("x")', 27, /Expected "\." after Items/],
    ['INCLUDE ItemID WHERE Items.GENRE CONTAINS "x"', 33, /no CONTAINS operator/],
    ['INCLUDE ItemID WHERE Items.GENRE IN "x"', 36, /Expected "\(" to open the value list/],
    ['INCLUDE ItemID WHERE Items.GENRE IN ("x"', 40, /Expected "\)" to close the value list/],
    ['INCLUDE ItemID WHERE Items.GENRE IN ("x)', 37, /Unterminated string/],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN (x)',
      37,
      /Expected a double-quoted string, a number or a \$PARAMETER/,
    ],
    ['INCLUDE ItemID WHERE Items.GENRE IN ("x") AND', 45, /Expected a dataset/],
    ['INCLUDE ItemID WHERE Items.GENRE IN ("x") Items', 42, /Expected "\|" or the end/],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("x") AND Interactions.EVENT_TYPE IN ("click")',
      46,
      /same dataset/,
    ],
    ['INCLUDE ItemID WHERE Items.GENRE IN ("*")', 21, /"\*" is only allowed/],
    ['INCLUDE ItemID WHERE Items.PRICE < "cheap"', 33, /compares numbers/],
    ['INCLUDE ItemID WHERE CurrentUser.AGE = 3', 21, /only be used in the trailing IF/],
    ['INCLUDE ItemID WHERE Items.A IN ("x") IF Items.B IN ("y")', 41, /IF conditions must use CurrentUser/],
    [
      'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B = 1 OR CurrentUser.C = 2',
      59,
      /only be combined with AND/,
    ],
    [
      'INCLUDE ItemID WHERE Users.AGE IN ("x")',
      21,
      /ItemID filters can only use the Items or Interactions datasets/,
    ],
    ['INCLUDE ItemID WHERE Items.A IN ($)', 33, /parameter name/],
    ['INCLUDE ItemID WHERE Items.A IN ("x") ; Items.B', 38, /Unexpected character ";"/],
    [
      'INCLUDE ItemID WHERE Items.A IN ("1") AND Items.B IN ("2") AND Items.C IN ("3") AND Items.D IN ("4") AND Items.E IN ("5") AND Items.F IN ("6")',
      126,
      /at most 5 distinct dataset fields/,
    ],
  ])('rejects %j at position %i', (expression, position, message) => {
    // Act
    const error = syntaxError(expression);

    // Assess
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.name).toBe('FilterSyntaxError');
  });
});

describe('filterParameterNames', () => {
  it('lists each placeholder once, in order of appearance, case-sensitively', () => {
    // Prepare
    const ast = parseFilterExpression(
      'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE, $genre) | EXCLUDE ItemID WHERE Items.PRICE > $PRICE IF CurrentUser.AGE = $GENRE',
    );

    // Act
    const names = filterParameterNames(ast);

    // Assess
    expect(names).toEqual(['GENRE', 'genre', 'PRICE']);
  });
});

describe('parseFilterValues', () => {
  it('reads quoted strings with commas inside and bare numbers', () => {
    // Act
    const values = parseFilterValues('P', ' "a, b" ,"c\\"d", 12.5 ');

    // Assess
    expect(values).toEqual(['a, b', 'c"d', '12.5']);
  });

  it.each(['shoes', '"open', '"a" "b"', '"a",', ''])('rejects the malformed value %j', (raw) => {
    // Act
    const act = (): string[] => parseFilterValues('CATEGORY', raw);

    // Assess
    expect(act).toThrow(FilterParameterError);
    expect(act).toThrow(/\$CATEGORY/);
  });
});

describe('compileFilter', () => {
  it('keeps only items whose field is in the list', () => {
    expect(apply('INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes")')).toEqual(['boot', 'sneaker']);
  });

  it('matches multi-value categorical fields on any of their values', () => {
    expect(apply('INCLUDE ItemID WHERE Items.COLOR IN ("brown")')).toEqual(['boot', 'tote']);
    expect(apply('INCLUDE ItemID WHERE Items.CATEGORY IN ("sale")')).toEqual(['cap']);
  });

  it('treats NOT IN as none of the values matching, including items without the field', () => {
    expect(apply('INCLUDE ItemID WHERE Items.COLOR NOT IN ("brown")')).toEqual(['sneaker', 'clutch', 'cap']);
  });

  it('compares numbers with range operators and =', () => {
    expect(apply('INCLUDE ItemID WHERE Items.PRICE < 60')).toEqual(['tote', 'cap']);
    expect(apply('INCLUDE ItemID WHERE Items.PRICE <= 60')).toEqual(['sneaker', 'tote', 'cap']);
    expect(apply('INCLUDE ItemID WHERE Items.PRICE > 90')).toEqual(['boot']);
    expect(apply('INCLUDE ItemID WHERE Items.PRICE >= 90')).toEqual(['boot', 'clutch']);
    expect(apply('INCLUDE ItemID WHERE Items.PRICE = 40')).toEqual(['tote']);
    expect(apply('INCLUDE ItemID WHERE Items.CATEGORY = "bags"')).toEqual(['tote', 'clutch']);
  });

  it('combines conditions with AND and OR', () => {
    expect(apply('INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes") AND Items.PRICE < 100')).toEqual([
      'sneaker',
    ]);
    expect(apply('INCLUDE ItemID WHERE Items.CATEGORY IN ("bags") OR Items.PRICE < 20')).toEqual([
      'tote',
      'clutch',
      'cap',
    ]);
  });

  it('substitutes multi-valued placeholders from filterValues', () => {
    // Act
    const kept = apply('INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY) AND Items.PRICE <= $MAX', {
      values: { CATEGORY: '"shoes","hats"', MAX: '100' },
    });

    // Assess
    expect(kept).toEqual(['sneaker', 'cap']);
  });

  it('excludes items the user interacted with under the given event types, case-insensitively', () => {
    // Prepare
    const userInteractions = [event('boot', 'Purchase'), event('tote', 'click')];

    // Act
    const kept = apply('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")', { userInteractions });

    // Assess
    expect(kept).toEqual(['sneaker', 'tote', 'clutch', 'cap']);
  });

  it('matches every event type with "*"', () => {
    // Prepare
    const userInteractions = [event('boot', 'purchase'), event('tote', 'click')];

    // Act
    const kept = apply('INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")', { userInteractions });

    // Assess
    expect(kept).toEqual(['boot', 'tote']);
  });

  it('considers only the newest 100 interactions per event type', () => {
    // Prepare: "boot" was clicked first, then 100 other clicks happened.
    const userInteractions = [
      event('boot', 'click', 0),
      ...Array.from({ length: 100 }, (_, k) => event(`other${k}`, 'click', k + 1)),
      event('tote', 'purchase', 0),
    ];

    // Act
    const kept = apply('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click", "purchase")', {
      userInteractions,
    });

    // Assess
    expect(kept).toEqual(['boot', 'sneaker', 'clutch', 'cap']);
  });

  it('takes the union of INCLUDE expressions minus the union of EXCLUDE expressions', () => {
    // Prepare
    const userInteractions = [event('sneaker', 'purchase')];

    // Act
    const kept = apply(
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase") | INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes") | ' +
        'INCLUDE ItemID WHERE Items.PRICE < 20 | EXCLUDE ItemID WHERE Items.COLOR IN ("black")',
      { userInteractions },
    );

    // Assess
    expect(kept).toEqual(['cap']);
  });

  it('fails naming the parameter when an INCLUDE expression lacks a value', () => {
    // Prepare
    const ast = parseFilterExpression('INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)');

    // Act
    const act = (): unknown => compileFilter(ast, context());

    // Assess
    expect(act).toThrow(FilterParameterError);
    expect(act).toThrow(/\$CATEGORY/);
  });

  it('disables an EXCLUDE expression whose parameter is omitted', () => {
    expect(apply('EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)')).toEqual(ALL);
    expect(
      apply('EXCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)', { values: { CATEGORY: '"bags"' } }),
    ).toEqual(['boot', 'sneaker', 'cap']);
  });

  it('applies an expression only when its IF CurrentUser condition holds', () => {
    // Prepare
    const expression = 'EXCLUDE ItemID WHERE Items.CATEGORY IN ("bags") IF CurrentUser.AGE = $AGE';
    const values = { AGE: '30' };

    // Act
    const matchingUser = apply(expression, { values, user: { userId: 'u', fields: { AGE: 30 } } });
    const otherUser = apply(expression, { values, user: { userId: 'u', fields: { AGE: 41 } } });
    const anonymous = apply(expression, { values });

    // Assess
    expect(matchingUser).toEqual(['boot', 'sneaker', 'cap']);
    expect(otherUser).toEqual(ALL);
    expect(anonymous).toEqual(ALL);
  });

  it('refuses UserID filters for item recommendations', () => {
    // Prepare
    const ast = parseFilterExpression('INCLUDE UserID WHERE Users.TIER IN ("gold")');

    // Act
    const act = (): unknown => compileFilter(ast, context());

    // Assess
    expect(act).toThrow(EngineError);
  });

  const categories = fc.subarray(['shoes', 'bags', 'hats', 'sale', 'none'], { minLength: 1 });

  it('makes EXCLUDE the complement of INCLUDE for the same condition', () => {
    fc.assert(
      fc.property(categories, fc.constantFrom('IN', 'NOT IN'), (values, operator) => {
        const condition = `WHERE Items.CATEGORY ${operator} (${values.map((v) => `"${v}"`).join(', ')})`;
        const included = new Set(apply(`INCLUDE ItemID ${condition}`));
        const excluded = new Set(apply(`EXCLUDE ItemID ${condition}`));
        return ALL.every((itemId) => included.has(itemId) !== excluded.has(itemId));
      }),
    );
  });

  it('makes NOT IN the complement of IN', () => {
    fc.assert(
      fc.property(categories, (values) => {
        const list = values.map((v) => `"${v}"`).join(', ');
        const inList = new Set(
          apply(`INCLUDE ItemID WHERE Items.COLOR IN (${list}) OR Items.CATEGORY IN (${list})`),
        );
        const notIn = new Set(
          apply(`INCLUDE ItemID WHERE Items.COLOR NOT IN (${list}) AND Items.CATEGORY NOT IN (${list})`),
        );
        return ALL.every((itemId) => inList.has(itemId) !== notIn.has(itemId));
      }),
    );
  });

  it('does not depend on the order of |-joined expressions', () => {
    const expressions = [
      'INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes")',
      'INCLUDE ItemID WHERE Items.PRICE < 50',
      'EXCLUDE ItemID WHERE Items.COLOR IN ("white")',
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    ];
    const userInteractions = [event('tote', 'purchase')];
    fc.assert(
      fc.property(fc.shuffledSubarray(expressions, { minLength: 1 }), (chosen) => {
        const forward = apply(chosen.join(' | '), { userInteractions });
        const backward = apply([...chosen].reverse().join(' | '), { userInteractions });
        expect(backward).toEqual(forward);
      }),
    );
  });
});
