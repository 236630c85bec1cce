/** Reading a function's required environment. */
import { requireEnv } from '../../../lambda/shared/env';

describe('requireEnv', () => {
  test('returns the value of a variable that is set', () => {
    expect(requireEnv('BUCKET_NAME', { BUCKET_NAME: 'data' })).toBe('data');
  });

  test('fails with a ConfigurationError naming a variable that is unset or blank', () => {
    for (const env of [{}, { BUCKET_NAME: '  ' }]) {
      expect(() => requireEnv('BUCKET_NAME', env)).toThrow(
        expect.objectContaining({
          name: 'ConfigurationError',
          message: "Environment variable BUCKET_NAME is not set; the function's deployment must define it.",
        }),
      );
    }
  });
});
