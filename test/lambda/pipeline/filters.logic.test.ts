import { isGenerationOf, planFilters } from '../../../lambda/pipeline/filters.logic';
import { expressionHash, filterName } from '../../../core/names';

const P = 'shop';
const EXPR_A = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")';
const EXPR_B = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase","view")';
const arn = (name: string): string => `arn:aws:personalize:us-east-1:123456789012:filter/${name}`;

describe('filter naming', () => {
  test('names a filter after the project, the config name and the first 8 hex of the expression hash', () => {
    // Act
    const name = filterName(P, 'no-purchased', EXPR_A);
    // Assess
    expect(name).toMatch(/^shop-no-purchased-[0-9a-f]{8}$/);
    expect(name.endsWith(expressionHash(EXPR_A))).toBe(true);
  });

  test('gives a changed expression a new name', () => {
    expect(filterName(P, 'f', EXPR_A)).not.toBe(filterName(P, 'f', EXPR_B));
  });

  test('does not take a filter of a longer config name for a generation of a shorter one', () => {
    expect(isGenerationOf(P, 'a', filterName(P, 'a-b', EXPR_A))).toBe(false);
    expect(isGenerationOf(P, 'a', filterName(P, 'a', EXPR_A))).toBe(true);
  });
});

describe('planFilters', () => {
  test('creates every filter of an empty dataset group', () => {
    // Act
    const plan = planFilters(P, [{ name: 'f', expression: EXPR_A }], []);
    // Assess
    expect(plan.create).toEqual([{ configName: 'f', name: filterName(P, 'f', EXPR_A), expression: EXPR_A }]);
    expect(plan.delete).toEqual([]);
    expect(plan.wanted).toEqual({ f: filterName(P, 'f', EXPR_A) });
  });

  test('creates nothing when the filters exist with the same expressions', () => {
    const name = filterName(P, 'f', EXPR_A);
    const plan = planFilters(
      P,
      [{ name: 'f', expression: EXPR_A }],
      [{ name, arn: arn(name), status: 'ACTIVE' }],
    );
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.pendingDeletion).toEqual([]);
  });

  test('keeps the old generation until its replacement is ACTIVE, then deletes it', () => {
    // Prepare
    const oldName = filterName(P, 'f', EXPR_A);
    const newName = filterName(P, 'f', EXPR_B);
    const config = [{ name: 'f', expression: EXPR_B }];
    // Act
    const first = planFilters(P, config, [{ name: oldName, arn: arn(oldName), status: 'ACTIVE' }]);
    const second = planFilters(P, config, [
      { name: oldName, arn: arn(oldName), status: 'ACTIVE' },
      { name: newName, arn: arn(newName), status: 'CREATE IN_PROGRESS' },
    ]);
    const third = planFilters(P, config, [
      { name: oldName, arn: arn(oldName), status: 'ACTIVE' },
      { name: newName, arn: arn(newName), status: 'ACTIVE' },
    ]);
    // Assess
    expect(first.create.map((c) => c.name)).toEqual([newName]);
    expect(first.pendingDeletion).toEqual([arn(oldName)]);
    expect(second.create).toEqual([]);
    expect(second.pendingDeletion).toEqual([arn(oldName)]);
    expect(third.delete).toEqual([arn(oldName)]);
    expect(third.pendingDeletion).toEqual([]);
  });

  test('deletes filters that no config filter owns and skips those already being deleted', () => {
    const stray = 'shop-removed-0123abcd';
    const going = 'shop-other-89abcdef';
    const plan = planFilters(
      P,
      [],
      [
        { name: stray, arn: arn(stray), status: 'ACTIVE' },
        { name: going, arn: arn(going), status: 'DELETE PENDING' },
      ],
    );
    expect(plan.delete).toEqual([arn(stray)]);
  });
});
