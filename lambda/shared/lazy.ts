/**
 * Memoises a client factory: the client is built on first call, then reused by every invocation.
 *
 * Calling `lazy` has no side effect, but esbuild cannot tell across modules, so each module-level
 * `export const xClient = lazy(...)` carries a `@__PURE__` annotation: a handler that imports such a
 * module only for its helpers then bundles neither the unused client nor its SDK package.
 */
export function lazy<T>(create: () => T): () => T {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
}
