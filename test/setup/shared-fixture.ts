/**
 * Expensive fixtures shared by the tests of one file, built by whichever test needs them first, so every
 * test can run alone (`npx jest <file> -t <name>`) and none relies on another having run before it.
 */

/** A fixture built by the first test that asks for it, then shared by the tests of its file. */
export interface SharedFixture<T> {
  (): Promise<T>;
  /** Runs `use` on the fixture when a test built it (for `afterAll`). */
  ifStarted(use: (value: T) => Promise<void> | void): Promise<void>;
}

/**
 * Memoizes a fixture per test file (jest gives each file its own module registry, so a module-level
 * fixture is never shared between files). A fixture that failed fails every test that needs it, each
 * with the same error.
 */
export function once<T>(create: () => Promise<T>): SharedFixture<T> {
  let built: Promise<T> | undefined;
  const fixture = (() => (built ??= create())) as SharedFixture<T>;
  fixture.ifStarted = async (use) => {
    if (built === undefined) return;
    const value = await built.catch(() => undefined);
    if (value !== undefined) await use(value);
  };
  return fixture;
}
