/**
 * What a config deploys of the serving API: the routes it can serve and the handlers behind them. The
 * ServingStack builds exactly these, and the NetworkStack gives their functions the endpoints they call, so
 * both read them from here.
 */
import type { PipelineConfig } from '../config/schema';
import { SERVING_ROUTES, type ServingRoute } from '../config/serving-routes';
import { SERVING_HANDLERS, type ServingHandler } from './handlers';

/**
 * The routes a config deploys: each read route with a campaign in `serving.campaigns`, events when the event
 * tracker is enabled, items and users when the config has that dataset. None without a `serving` section.
 */
export function servedRoutes(
  config: Pick<PipelineConfig, 'serving' | 'eventTracker' | 'datasets'>,
): ServingRoute[] {
  const serving = config.serving;
  if (!serving) return [];
  return SERVING_ROUTES.filter((route) => {
    if (route === 'events') return config.eventTracker.enabled;
    if (route === 'items' || route === 'users') return config.datasets[route] !== undefined;
    return serving.campaigns[route] !== undefined;
  });
}

/** The handlers a config deploys a function for: each serving a deployed route, the consumer with the events route. */
export function deployedServingHandlers(
  config: Pick<PipelineConfig, 'serving' | 'eventTracker' | 'datasets'>,
): ServingHandler[] {
  const routes = servedRoutes(config);
  return (Object.keys(SERVING_HANDLERS) as ServingHandler[]).filter((handler) =>
    handler === 'event-consumer'
      ? routes.includes('events')
      : SERVING_HANDLERS[handler].routes.some((route) => routes.includes(route)),
  );
}
