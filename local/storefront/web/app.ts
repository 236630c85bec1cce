/**
 * The storefront page: calls the serving API from the browser with the storefront's API key, as a shop's
 * website would. Routes (location hash): `#/` home — recommendations, the popular strip, items by category;
 * `#/item/<id>` an item page — sends a view event, offers cart and purchase, shows related items.
 */

interface StorefrontConfig {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly shopName: string;
  readonly users: readonly string[];
}

interface CatalogItem {
  readonly id: string;
  readonly category?: string;
  readonly fields: Readonly<Record<string, string>>;
}

interface ListedItem {
  readonly itemId: string;
  readonly score?: number;
}

interface ItemList {
  readonly recommendationId?: string;
  readonly items: readonly ListedItem[];
}

/** Where a shopper found an item: the list's recommendation id and what it showed (the impression). */
interface Origin {
  readonly recommendationId: string;
  readonly impression: readonly string[];
}

const SESSION_KEY = 'storefront.session';
const USER_KEY = 'storefront.user';
/** Tile colour classes `c0`…`c7` of storefront.css (no inline styles: the page's CSP forbids them). */
const COLORS = 8;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

function newSessionId(): string {
  return `visitor-${crypto.randomUUID()}`;
}

class Storefront {
  private readonly items: Map<string, CatalogItem>;
  private readonly colors = new Map<string, string>();
  private sessionId: string;
  private userId: string | undefined;
  /** Recommendation lists by id, so a click on a recommended item reports where it came from. */
  private readonly lists = new Map<string, readonly string[]>();

  constructor(
    private readonly config: StorefrontConfig,
    catalog: readonly CatalogItem[],
  ) {
    this.items = new Map(catalog.map((item) => [item.id, item]));
    [...new Set(catalog.map((item) => item.category ?? ''))].forEach((category, i) =>
      this.colors.set(category, `c${i % COLORS}`),
    );
    this.sessionId = localStorage.getItem(SESSION_KEY) ?? newSessionId();
    localStorage.setItem(SESSION_KEY, this.sessionId);
    this.userId = localStorage.getItem(USER_KEY) || undefined;
  }

  start(): void {
    document.title = this.config.shopName;
    byId('shop-name').textContent = this.config.shopName;
    const shopper = byId<HTMLSelectElement>('shopper');
    shopper.append(element('option', { value: '' }, 'an anonymous visitor'));
    for (const user of this.config.users) shopper.append(element('option', { value: user }, user));
    shopper.value = this.userId ?? '';
    shopper.addEventListener('change', () => {
      this.userId = shopper.value || undefined;
      if (this.userId) localStorage.setItem(USER_KEY, this.userId);
      else localStorage.removeItem(USER_KEY);
      void this.render();
    });
    byId('new-session').addEventListener('click', () => {
      this.sessionId = newSessionId();
      localStorage.setItem(SESSION_KEY, this.sessionId);
      byId('event-log').replaceChildren();
      void this.render();
    });
    window.addEventListener('hashchange', () => void this.render());
    void this.render();
  }

  /** Calls the API with the storefront's key; a non-2xx answer becomes an error with the API's message. */
  private async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.config.apiUrl}${path}`, {
      method,
      headers: {
        'x-api-key': this.config.apiKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json().catch(() => ({}))) as { message?: string };
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${payload.message ?? ''}`);
    return payload as T;
  }

  /** `userId` for a signed-in shopper, else the anonymous visitor's `sessionId`. */
  private shopperQuery(): string {
    return this.userId
      ? `userId=${encodeURIComponent(this.userId)}`
      : `sessionId=${encodeURIComponent(this.sessionId)}`;
  }

  private async sendEvent(eventType: string, itemId: string, origin?: Origin): Promise<void> {
    const log = byId('event-log');
    const line = element('li', { 'data-event-type': eventType }, `${eventType} ${itemId} …`);
    log.prepend(line);
    try {
      const reply = await this.api<{ accepted: number }>('POST', '/events', {
        sessionId: this.sessionId,
        ...(this.userId ? { userId: this.userId } : {}),
        events: [
          {
            eventId: crypto.randomUUID(),
            eventType,
            itemId,
            ...(origin ? { recommendationId: origin.recommendationId, impression: origin.impression } : {}),
          },
        ],
      });
      line.textContent = `${eventType} ${itemId}: accepted (${reply.accepted})`;
      line.setAttribute('data-status', 'accepted');
    } catch (error) {
      line.textContent = `${eventType} ${itemId}: ${(error as Error).message}`;
      line.className = 'error';
      line.setAttribute('data-status', 'failed');
    }
  }

  private card(itemId: string, recommendationId?: string): HTMLAnchorElement {
    const item = this.items.get(itemId);
    const category = item?.category ?? '';
    const subtitle = [item?.fields.CATEGORY_L2, item?.fields.BRAND].filter(Boolean).join(' · ');
    const price = item?.fields.PRICE ? `$${item.fields.PRICE}` : '';
    const href = `#/item/${encodeURIComponent(itemId)}${recommendationId ? `?from=${encodeURIComponent(recommendationId)}` : ''}`;
    return element(
      'a',
      { class: 'card', href, 'data-item-id': itemId, 'data-category': category },
      element('div', { class: `tile ${this.colors.get(category) ?? 'c0'}` }, category || 'item'),
      element('div', { class: 'title' }, itemId),
      element('div', { class: 'meta' }, subtitle),
      element('div', { class: 'meta' }, price),
    );
  }

  /** A section listing items; the list's recommendation id is kept for the click's event. */
  private section(
    id: string,
    title: string,
    note: string,
    list: ItemList,
    layout: 'grid' | 'strip',
  ): HTMLElement {
    const ids = list.items.map((item) => item.itemId);
    if (list.recommendationId) this.lists.set(list.recommendationId, ids);
    return element(
      'section',
      { id, 'data-recommendation-id': list.recommendationId ?? '' },
      element('h2', {}, title),
      element('p', { class: 'note' }, note),
      element('div', { class: layout }, ...ids.map((itemId) => this.card(itemId, list.recommendationId))),
    );
  }

  private failed(id: string, title: string, error: unknown): HTMLElement {
    return element(
      'section',
      { id },
      element('h2', {}, title),
      element('p', { class: 'error' }, (error as Error).message),
    );
  }

  private async home(): Promise<HTMLElement[]> {
    const [recommended, popular] = await Promise.allSettled([
      this.api<ItemList>('GET', `/recommendations?${this.shopperQuery()}&numResults=12`),
      this.api<ItemList>('GET', `/popular?numResults=10`),
    ]);
    const byCategory = new Map<string, string[]>();
    for (const item of this.items.values()) {
      const list = byCategory.get(item.category ?? '') ?? [];
      if (list.length < 6) list.push(item.id);
      byCategory.set(item.category ?? '', list);
    }
    return [
      recommended.status === 'fulfilled'
        ? this.section(
            'recommendations',
            'Recommended for you',
            `GET /recommendations?${this.shopperQuery()} — changes as you browse`,
            recommended.value,
            'grid',
          )
        : this.failed('recommendations', 'Recommended for you', recommended.reason),
      popular.status === 'fulfilled'
        ? this.section('popular', 'Popular now', 'GET /popular', popular.value, 'strip')
        : this.failed('popular', 'Popular now', popular.reason),
      element(
        'section',
        { id: 'browse' },
        element('h2', {}, 'Browse'),
        ...[...byCategory].map(([category, ids]) =>
          element(
            'div',
            { 'data-browse-category': category },
            element('h2', {}, category || 'Items'),
            element('div', { class: 'strip' }, ...ids.map((itemId) => this.card(itemId))),
          ),
        ),
      ),
    ];
  }

  private async itemPage(itemId: string, from: string | null): Promise<HTMLElement[]> {
    const item = this.items.get(itemId);
    const impression = from ? this.lists.get(from) : undefined;
    const origin = from && impression ? { recommendationId: from, impression } : undefined;
    await this.sendEvent('view', itemId, origin);
    const button = (label: string, eventType: string, primary = false) => {
      const node = element(
        'button',
        { type: 'button', 'data-action': eventType, ...(primary ? { class: 'primary' } : {}) },
        label,
      );
      node.addEventListener('click', () => void this.sendEvent(eventType, itemId, origin));
      return node;
    };
    const related = await this.api<ItemList>(
      'GET',
      `/items/${encodeURIComponent(itemId)}/related?numResults=8`,
    ).then(
      (list) =>
        this.section('related', 'Customers also viewed', `GET /items/${itemId}/related`, list, 'strip'),
      (error: unknown) => this.failed('related', 'Customers also viewed', error),
    );
    const category = item?.category ?? '';
    return [
      element(
        'article',
        { class: 'item-page', id: 'item', 'data-item-id': itemId },
        element('div', { class: `tile ${this.colors.get(category) ?? 'c0'}` }, category || 'item'),
        element(
          'div',
          {},
          element('h1', {}, itemId),
          element('p', {}, item?.fields.DESCRIPTION ?? (item ? '' : 'Not in the catalogue.')),
          element(
            'p',
            { class: 'meta' },
            [item?.fields.CATEGORY_L2, item?.fields.BRAND, item?.fields.PRICE && `$${item.fields.PRICE}`]
              .filter(Boolean)
              .join(' · '),
          ),
          element(
            'div',
            { class: 'actions' },
            button('Add to cart', 'cart', true),
            button('Buy now', 'purchase'),
            element('a', { href: '#/' }, 'Back to the shop'),
          ),
        ),
      ),
      related,
    ];
  }

  private async render(): Promise<void> {
    byId('session').textContent = this.userId ? `user ${this.userId}` : this.sessionId;
    const view = byId('view');
    view.setAttribute('aria-busy', 'true');
    const match = /^#\/item\/([^?]+)(?:\?from=(.*))?$/.exec(location.hash);
    const content = match
      ? await this.itemPage(
          decodeURIComponent(match[1] ?? ''),
          match[2] ? decodeURIComponent(match[2]) : null,
        )
      : await this.home();
    view.replaceChildren(...content);
    view.setAttribute('aria-busy', 'false');
    view.setAttribute('data-view', match ? 'item' : 'home');
  }
}

async function main(): Promise<void> {
  const [config, catalog] = await Promise.all([
    fetch('/config.json').then((r) => r.json() as Promise<StorefrontConfig>),
    fetch('/catalog.json').then((r) => r.json() as Promise<CatalogItem[]>),
  ]);
  new Storefront(config, catalog).start();
}

main().catch((error: unknown) => {
  byId('view').replaceChildren(
    element('p', { class: 'error' }, `The storefront could not start: ${(error as Error).message}`),
  );
});
