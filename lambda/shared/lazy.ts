/** Memoises a client factory: the client is built on first call, then reused by every invocation. */
export function lazy<T>(create: () => T): () => T {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
}
