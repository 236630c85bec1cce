/**
 * The storefront in a real browser: Debian's Chromium driven by playwright-core opens the page (its own
 * origin, calling the local API across origins with the storefront key), views items of one category and
 * checks that the shopper's recommendations shift toward it. Screenshots go to `artifacts/`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type LocalShop, startLocalShop } from '../../local/serving/shop';
import { ROOT, servingConfig } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'artifacts');

let shop: LocalShop;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  dataDir = mkdtempSync(path.join(tmpdir(), 'storefront-'));
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  shop = await startLocalShop({
    config: servingConfig(),
    sampleDir: path.join(ROOT, 'sample-data'),
    motoEndpoint: process.env.MOTO_ENDPOINT,
    emulator: { dataDir, delays: 'zero', synchronous: 'NORMAL' },
    consumer: { pollIntervalMs: 50 },
    // As `npm run serve` runs it: the API functions on a worker thread.
    functionThreads: 1,
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await shop?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function categoriesOf(page: Page, selector: string): Promise<string[]> {
  await page.waitForSelector(`${selector} .card`);
  return page.$$eval(`${selector} .card`, (cards) =>
    cards.map((card) => card.getAttribute('data-category') ?? ''),
  );
}

function share(categories: readonly string[], category: string): number {
  return categories.filter((c) => c === category).length / Math.max(categories.length, 1);
}

test('the storefront shows recommendations, the popular strip and the catalogue from the API', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const failures: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(message.text());
  });
  await page.goto(shop.storefront?.url ?? 'about:blank');
  expect(await categoriesOf(page, '#recommendations')).toHaveLength(12);
  expect((await categoriesOf(page, '#popular')).length).toBeGreaterThan(0);
  expect(await page.$$('#browse [data-browse-category]')).not.toHaveLength(0);
  expect(failures).toEqual([]);
  await page.close();
});

test('recommendations shift toward the category a new visitor views, after a few clicks', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(shop.storefront?.url ?? 'about:blank');
  const before = await categoriesOf(page, '#recommendations');
  const browsed = await page.$$eval('#browse [data-browse-category]', (rows) =>
    rows.map((row) => row.getAttribute('data-browse-category') ?? ''),
  );
  // The category the visitor's first recommendations show least.
  const target = [...browsed].sort((a, b) => share(before, a) - share(before, b))[0] ?? '';

  for (let i = 0; i < 3; i++) {
    await page.click(`#browse [data-browse-category="${target}"] .card >> nth=${i}`);
    await page.waitForSelector(`#item[data-item-id]`);
    await page.waitForSelector(`#event-log li[data-event-type="view"][data-status="accepted"] >> nth=${i}`);
    if (i === 0) {
      await page.click('button[data-action="cart"]');
      await page.waitForSelector('#event-log li[data-event-type="cart"][data-status="accepted"]');
      await page.screenshot({ path: path.join(ARTIFACTS, 'storefront-item.png') });
    }
    await page.click('text=Back to the shop');
    await page.waitForSelector('main[data-view="home"] #recommendations .card');
  }
  expect(await page.$$('#event-log li[data-status="failed"]')).toHaveLength(0);

  // Events reach Personalize through the queue and its consumer: look again until they have arrived.
  let after = await categoriesOf(page, '#recommendations');
  for (let attempt = 0; attempt < 100 && share(after, target) <= 0.5; attempt++) {
    await page.waitForTimeout(200);
    await page.reload();
    after = await categoriesOf(page, '#recommendations');
  }
  await page.screenshot({ path: path.join(ARTIFACTS, 'storefront.png') });
  expect(share(after, target)).toBeGreaterThan(share(before, target));
  expect(share(after, target)).toBeGreaterThan(0.5);
  await page.close();
});
