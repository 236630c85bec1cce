import { decideSchema, sameSchema } from '../../../lambda/pipeline/dataset-group.logic';
import { canonicalJson } from '../../../lambda/shared/json';

describe('schema generations', () => {
  test('treats schemas that differ only in formatting and key order as the same', () => {
    expect(sameSchema('{"a":1,"b":[1,2]}', '{ "b": [1, 2],\n "a": 1 }')).toBe(true);
    expect(canonicalJson('{"b":1,"a":2}')).toBe('{"a":2,"b":1}');
  });

  test('creates a missing generation, reuses an identical one and moves past a different one', () => {
    expect(decideSchema('{"a":1}', undefined)).toEqual({ action: 'create' });
    expect(decideSchema('{"a":1}', '{"a": 1}')).toEqual({ action: 'reuse' });
    expect(decideSchema('{"a":1}', '{"a":2}')).toEqual({ action: 'next' });
  });
});
