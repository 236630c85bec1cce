/**
 * Generates the sample e-commerce data set in `sample-data/`: users.csv, items.csv and
 * interactions.csv, matching the schemas in `schemas/`. Run with `npm run sample-data`; with
 * `npm run sample-data -- --ecommerce <dir>`, the same data for an ECOMMERCE dataset group (event types View,
 * AddToCart, Purchase) in a folder laid out like the bucket, for `examples/ecommerce/`.
 *
 * The output is byte-identical on every run: a seeded PRNG (mulberry32), a fixed 90-day window
 * ending 2026-09-30T00:00:00Z, stable ordering and `\n` line endings. Tests regenerate the files and
 * compare them with the committed ones.
 *
 * The model — structure planted so that good recommenders beat popularity:
 * - Catalogue: 800 items in 8 top-level categories (CATEGORY_L1) with 4–8 subcategories each,
 *   fictional brands, prices by subcategory, and descriptions built from templates.
 * - Users: 1,500 users in 7 segments (gadget lovers, style seekers, home cooks, athletes,
 *   bookworms, parents, gamers), each with strong affinity for 1–2 categories; 85% of a user's
 *   sessions stay in the segment's categories. Age group follows the segment; heavy users are more
 *   often plus/premium members.
 * - Sessions: bursts of 3–9 views within one category, 20 s – 3 min apart, items drawn by a
 *   Zipf-like popularity within the category.
 * - Funnel: each view leads to a cart 25% of the time, and 40% of carts become purchases, always
 *   after the view of the same item. Purchases carry the price as EVENT_VALUE.
 * - Co-purchases: 40 primary/accessory pairs (phone + case, laptop + bag, tent + sleeping bag,
 *   coffee maker + beans, ...). Buying the primary leads to viewing the accessory minutes later
 *   70% of the time, with a much higher cart and purchase rate.
 * - Popularity: 10 items are popular with everyone throughout; 8 trending items are rarely seen
 *   until the last two weeks, then rise steadily.
 * - New items: 10% of the catalogue is created during the last two weeks (CREATION_TIMESTAMP) and
 *   only gets interactions after creation.
 * - Impressions: 6% of views come from a recommendation: IMPRESSION lists the 5 items shown
 *   (`|`-joined, including the viewed one) and RECOMMENDATION_ID is set.
 *
 * The planted ground truth (segments, pairs, popular, trending and new items) is available from
 * {@link sampleDataGroundTruth} for tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSampleData, type SampleDataTruth } from './sample-data/model';

export type { SampleDataTruth } from './sample-data/model';
export { EPOCH_END, EPOCH_START, TREND_START } from './sample-data/model';

/** File names written by {@link generateSampleData}. */
export const SAMPLE_DATA_FILES = ['users.csv', 'items.csv', 'interactions.csv'] as const;

/**
 * Writes users.csv, items.csv and interactions.csv into `outDir` (created if missing).
 * @returns the paths written, in {@link SAMPLE_DATA_FILES} order.
 */
export function generateSampleData(outDir: string): string[] {
  const data = buildSampleData();
  mkdirSync(outDir, { recursive: true });
  const contents = [data.usersCsv, data.itemsCsv, data.interactionsCsv];
  return SAMPLE_DATA_FILES.map((name, i) => {
    const path = join(outDir, name);
    writeFileSync(path, contents[i] ?? '', 'utf8');
    return path;
  });
}

/** The structure planted in the sample data: segments, co-purchase pairs, popular/trending/new items. */
export function sampleDataGroundTruth(): SampleDataTruth {
  return buildSampleData().truth;
}

/** The event types of an ECOMMERCE dataset group's use cases (matched case-sensitively by Personalize). */
const ECOMMERCE_EVENT_TYPES: Readonly<Record<string, string>> = {
  view: 'View',
  cart: 'AddToCart',
  purchase: 'Purchase',
};

/**
 * Writes the sample data for an ECOMMERCE dataset group into a folder laid out like the data bucket
 * (`datasets/<dataset>/<dataset>.csv`), with the event types the domain's use cases read: View, AddToCart and
 * Purchase. `npm run local -- --config examples/ecommerce/personalize.config.json` reads it from there.
 * @returns the paths written.
 */
export function generateEcommerceData(outDir: string): string[] {
  const data = buildSampleData();
  const interactions = data.interactionsCsv.replace(
    /^([^,\n]*,[^,\n]*,[^,\n]*,)(view|cart|purchase)(?=,)/gm,
    (_match, head: string, type: string) => `${head}${ECOMMERCE_EVENT_TYPES[type] ?? type}`,
  );
  const contents: Record<string, string> = {
    users: data.usersCsv,
    items: data.itemsCsv,
    interactions,
  };
  return Object.entries(contents).map(([dataset, text]) => {
    const dir = join(outDir, 'datasets', dataset);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${dataset}.csv`);
    writeFileSync(path, text, 'utf8');
    return path;
  });
}

if (require.main === module) {
  const domain = process.argv.indexOf('--ecommerce');
  const written =
    domain >= 0
      ? generateEcommerceData(resolve(process.argv[domain + 1] ?? 'examples/ecommerce'))
      : generateSampleData(resolve(__dirname, '..', 'sample-data'));
  for (const path of written) console.log(`wrote ${path}`);
}
