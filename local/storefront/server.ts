/**
 * The storefront: a small shop website on its own origin that calls the serving API from the browser, as a
 * real shop would — with its browser API key, across origins (so the API's CORS rules apply). It shows a
 * shopper's recommendations, a "popular" strip, an item page with related items, and sends view, cart and
 * purchase events, so the recommendations visibly change after a few clicks.
 *
 * Static files from `web/`; the page's script is `web/app.ts`, bundled with esbuild when the server starts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { build } from 'esbuild';
import { type CatalogItem, readCatalog } from './catalog';

const WEB = path.join(__dirname, 'web');

/** Where the page sends its API calls. */
export interface StorefrontApi {
  /** Base URL of the serving API, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The browser client's API key (sent as `x-api-key`). */
  readonly key: string;
}

/** Options of {@link startStorefront}. */
export interface StorefrontOptions {
  /** Port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The items CSV the catalogue comes from. */
  readonly itemsFile: string;
  /** Known shoppers offered in the "shopping as" list, besides anonymous. @default none */
  readonly users?: readonly string[];
  /** The shop's name in the page header. @default 'Storefront' */
  readonly shopName?: string;
  /** The API the page calls; can also be given later with {@link Storefront.connect}. */
  readonly api?: StorefrontApi;
}

/** A running storefront. */
export interface Storefront {
  /** The page's URL, `http://localhost:<port>` (the origin the API must allow). */
  readonly url: string;
  /** The page's origin, for the API's `allowedOrigins`. */
  readonly origin: string;
  readonly port: number;
  /** Points the page at an API (for pages loaded from now on). */
  connect(api: StorefrontApi): void;
  stop(): Promise<void>;
}

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

async function pageScript(): Promise<Buffer> {
  const result = await build({
    entryPoints: [path.join(WEB, 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the storefront script');
  return Buffer.from(output.contents);
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, csp: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

/** Starts the storefront's web server. */
export async function startStorefront(options: StorefrontOptions): Promise<Storefront> {
  const catalog: CatalogItem[] = readCatalog(options.itemsFile);
  const assets = new Map<string, Asset>([
    ['/', { type: 'text/html; charset=utf-8', body: readFileSync(path.join(WEB, 'index.html')) }],
    [
      '/storefront.css',
      { type: 'text/css; charset=utf-8', body: readFileSync(path.join(WEB, 'storefront.css')) },
    ],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: await pageScript() }],
    ['/catalog.json', { type: 'application/json', body: Buffer.from(JSON.stringify(catalog)) }],
  ]);
  let api = options.api;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const csp = `default-src 'self'; connect-src 'self'${api ? ` ${new URL(api.url).origin}` : ''}; img-src 'self' data:; frame-ancestors 'none'`;
    const pathname = new URL(req.url ?? '/', 'http://storefront').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(
        res,
        405,
        'text/plain; charset=utf-8',
        `${req.method} is not allowed: the storefront only serves pages`,
        csp,
      );
      return;
    }
    if (pathname === '/config.json') {
      if (!api) {
        send(
          res,
          503,
          'application/json',
          JSON.stringify({ message: 'the storefront is not connected to an API yet' }),
          csp,
        );
        return;
      }
      const config = {
        apiUrl: api.url,
        apiKey: api.key,
        shopName: options.shopName ?? 'Storefront',
        users: options.users ?? [],
      };
      send(res, 200, 'application/json', JSON.stringify(config), csp);
      return;
    }
    const asset = assets.get(pathname === '/index.html' ? '/' : pathname);
    if (!asset) {
      send(res, 404, 'text/plain; charset=utf-8', `${pathname}: no such page`, csp);
      return;
    }
    send(res, 200, asset.type, req.method === 'HEAD' ? '' : asset.body, csp);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // `localhost`, not 127.0.0.1: a different host from the API's, so the browser makes cross-origin calls.
  const origin = `http://localhost:${port}`;
  return {
    url: `${origin}/`,
    origin,
    port,
    connect(next) {
      api = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
