/**
 * The local shop: the serving API ({@link startLocalApi}) plus the storefront page on its own origin,
 * calling the API with the browser client's key. The storefront's origin is allowed for the local run on
 * top of the config's `allowedOrigins` (the deployed API allows only the configured ones).
 */
import { loadConfig } from '../../core/config';
import { columnValues, projectData } from '../harness/data-folder';
import { type Storefront, startStorefront } from '../storefront/server';
import { type LocalApi, type LocalApiOptions, type LocalClient, startLocalApi } from './api';

/** Options of {@link startLocalShop}: the API's, plus the storefront's port. */
export interface LocalShopOptions extends LocalApiOptions {
  /** The storefront's port; 0 picks a free one; `false` serves no storefront. @default 0 */
  readonly storefrontPort?: number | false;
}

/** A running local shop. */
export interface LocalShop {
  readonly api: LocalApi;
  /** The storefront, unless it was turned off or no client may read recommendations and send events. */
  readonly storefront?: Storefront;
  /** The client whose key the storefront uses. */
  readonly browserClient?: LocalClient;
  /** Why there is no storefront, when there is none. */
  readonly storefrontSkipped?: string;
  stop(): Promise<void>;
}

/** The routes the storefront page calls. */
const STOREFRONT_ROUTES = ['recommendations', 'related', 'popular', 'events'] as const;

/** Starts the storefront, then the API with the storefront's origin allowed, then connects the two. */
export async function startLocalShop(options: LocalShopOptions = {}): Promise<LocalShop> {
  const config = options.config ?? loadConfig(options.configFile ?? 'personalize.config.json');
  const data = projectData(config, options.sampleDir ?? 'sample-data');
  const itemsFile = data.files.items?.[0];
  let storefront: Storefront | undefined;
  let skipped: string | undefined;
  if (options.storefrontPort === false) skipped = 'turned off';
  else if (itemsFile === undefined)
    skipped = 'the config has no items dataset: the storefront shows the items';
  else
    storefront = await startStorefront({
      port: options.storefrontPort ?? 0,
      itemsFile,
      users: columnValues(data.files.users ?? data.files.interactions ?? [], 'USER_ID', 3),
    });
  let api: LocalApi;
  try {
    api = await startLocalApi({
      ...options,
      config,
      extraOrigins: [...(options.extraOrigins ?? []), ...(storefront ? [storefront.origin] : [])],
    });
  } catch (error) {
    await storefront?.stop();
    throw error;
  }
  const browserClient = api.clients.find((client) =>
    STOREFRONT_ROUTES.every((route) => client.routes.includes(route)),
  );
  if (storefront && !browserClient) {
    await storefront.stop();
    storefront = undefined;
    skipped = `no client of the config may call ${STOREFRONT_ROUTES.join(', ')}: give the browser client those routes`;
  }
  if (storefront && browserClient) storefront.connect({ url: api.url, key: browserClient.key });
  const running = storefront;
  return {
    api,
    ...(running ? { storefront: running } : {}),
    ...(browserClient ? { browserClient } : {}),
    ...(skipped ? { storefrontSkipped: skipped } : {}),
    async stop() {
      await running?.stop();
      await api.stop();
    },
  };
}

/** What `npm run serve` prints about a running shop: keys, requests to try, the storefront. */
export function describeShop(shop: LocalShop): string[] {
  const { api } = shop;
  const lines = [
    `Serving API for "${api.config.projectName}" on ${api.url}${
      api.functionThreads > 0
        ? ` (its functions on ${api.functionThreads} worker thread${api.functionThreads === 1 ? '' : 's'})`
        : ''
    }`,
    '',
    'API keys (send as x-api-key):',
  ];
  for (const client of api.clients)
    lines.push(`  ${client.name.padEnd(16)} ${client.key}  routes: ${client.routes.join(', ')}`);
  const client = api.clients.find((c) => c.routes.includes('recommendations')) ?? api.clients[0];
  if (client) {
    const h = `-H 'x-api-key: ${client.key}'`;
    lines.push(
      '',
      'Try:',
      `  curl ${h} '${api.url}/recommendations?userId=user-0001&numResults=5'`,
      `  curl ${h} '${api.url}/recommendations?sessionId=visitor-1'`,
      `  curl ${h} '${api.url}/items/item-0001/related'`,
      `  curl ${h} '${api.url}/popular'`,
      `  curl ${h} -H 'content-type: application/json' -d '{"sessionId":"visitor-1","events":[{"eventId":"e-1","eventType":"view","itemId":"item-0002"}]}' ${api.url}/events`,
    );
  }
  lines.push(
    '',
    `Events go through the queue ${api.queues.queueUrl} (dead letters: ${api.queues.deadLetterQueueUrl}).`,
  );
  if (shop.storefront && shop.browserClient)
    lines.push(
      '',
      `Storefront: ${shop.storefront.url}  (calls the API with the "${shop.browserClient.name}" key; its origin is allowed for this local run)`,
    );
  else lines.push('', `No storefront: ${shop.storefrontSkipped ?? 'not started'}.`);
  return lines;
}
