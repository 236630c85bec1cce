/**
 * Masks CDK asset hashes (64 hex characters, optionally followed by an extension) so snapshots stay stable when
 * handler code changes but the infrastructure does not.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

const serializer = {
  test: (value: unknown): boolean => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string): string => JSON.stringify(value.replace(ASSET_HASH, '[ASSET-HASH]')),
};

export = serializer;
