/**
 * Masks CDK asset hashes (64 hex chars, optionally with an extension) so snapshots stay stable when
 * handler code changes but the infrastructure does not.
 */
const ASSET_HASH = /[0-9a-f]{64}(\.zip|\.json)?/g;

function masked(value: string): string {
  return value.replace(ASSET_HASH, (_m, ext: string | undefined) => `[ASSET-HASH]${ext ?? ''}`);
}

export default {
  test: (value: unknown): boolean => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string): string => JSON.stringify(masked(value)),
};
