/**
 * The API functions of lambda/serving, loaded with the environment of `process.env` (each handler reads it
 * once, at load). Used by the local API on its own thread and by each of its function threads.
 */
import type { ApiHandlerName } from '../../core/serving/routes';
import type { ApiFunction } from './function-workers';

/**
 * Loads the three API handlers. Required, not imported: a function thread runs through tsx's CommonJS hook
 * (BOOTSTRAP in ./function-workers.ts), which handles require() of TypeScript files, not import().
 */
export function loadApiFunctions(): Record<ApiHandlerName, ApiFunction> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    recommendations: (
      require('../../lambda/serving/recommendations') as typeof import('../../lambda/serving/recommendations')
    ).handler,
    events: (require('../../lambda/serving/events') as typeof import('../../lambda/serving/events')).handler,
    catalog: (require('../../lambda/serving/catalog') as typeof import('../../lambda/serving/catalog'))
      .handler,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}
