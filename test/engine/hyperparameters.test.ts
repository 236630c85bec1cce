import { EngineError } from '../../local/engine';
import { booleanParameter, durationParameter, numberParameter } from '../../local/engine/hyperparameters';

describe('hyperparameter parsing', () => {
  it.each([
    ['30 minutes', 1800],
    ['1 hour', 3600],
    ['3 hours', 10_800],
    ['1 day', 86_400],
    ['2 weeks', 1_209_600],
    ['900', 900],
  ])('reads the duration %j as %i seconds', (raw, seconds) => {
    expect(durationParameter({ window: raw }, 'window', 1)).toBe(seconds);
  });

  it('falls back to the default when a parameter is absent or blank', () => {
    expect(durationParameter({}, 'window', 60)).toBe(60);
    expect(numberParameter({ n: ' ' }, 'n', 5)).toBe(5);
    expect(booleanParameter(undefined, 'flag', true)).toBe(true);
  });

  it('reads booleans in any case', () => {
    expect(booleanParameter({ flag: 'FALSE' }, 'flag', true)).toBe(false);
    expect(booleanParameter({ flag: 'True' }, 'flag', false)).toBe(true);
  });

  it.each([
    ['window', () => durationParameter({ window: '0 hours' }, 'window', 1)],
    ['window', () => durationParameter({ window: '3 fortnights' }, 'window', 1)],
    ['count', () => numberParameter({ count: 'many' }, 'count', 1)],
    ['count', () => numberParameter({ count: '-1' }, 'count', 1, { min: 0 })],
    ['flag', () => booleanParameter({ flag: 'yes' }, 'flag', true)],
  ])('rejects a malformed %s with an EngineError naming it', (name, act) => {
    expect(act).toThrow(EngineError);
    expect(act).toThrow(new RegExp(`^Hyperparameter ${name} must`));
  });
});
