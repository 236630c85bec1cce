/**
 * `npm run local` on a project of a user's own: a generated config and data folder, laid out like the bucket,
 * with interactions and items only (no users dataset), custom item columns and a batch inference job. The
 * command runs as a user runs it, in its own process with its own moto and emulator.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateEcommerceData } from '../../scripts/generate-sample-data';
import { END_TO_END_TIMEOUT_MS } from './helpers';

/** A string as a regular expression that matches it literally. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

const SHAPES = ['round', 'square', 'star'];
const COLOURS = ['red', 'green', 'blue', 'amber'];

/** A small shop: 40 items with SHAPE and COLOUR, 80 users who each prefer one shape. */
function writeProject(dir: string): string {
  const schema = (name: string, fields: object[]) =>
    JSON.stringify({
      type: 'record',
      name,
      namespace: 'com.amazonaws.personalize.schema',
      fields,
      version: '1.0',
    });
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(
    join(dir, 'schemas', 'interactions.json'),
    schema('Interactions', [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      { name: 'EVENT_TYPE', type: 'string' },
    ]),
  );
  writeFileSync(
    join(dir, 'schemas', 'items.json'),
    schema('Items', [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'SHAPE', type: 'string', categorical: true },
      { name: 'COLOUR', type: 'string', categorical: true },
    ]),
  );
  const items = Array.from({ length: 40 }, (_, i) => ({
    id: `sku-${String(i).padStart(3, '0')}`,
    shape: SHAPES[i % SHAPES.length] ?? 'round',
    colour: COLOURS[i % COLOURS.length] ?? 'red',
  }));
  const rows: string[] = [];
  for (let u = 0; u < 80; u += 1) {
    const liked = items.filter((item) => item.shape === SHAPES[u % SHAPES.length]);
    for (let k = 0; k < 16; k += 1) {
      const item = liked[(u * 7 + k * 3) % liked.length] ?? items[0];
      rows.push(
        `shopper-${u},${item?.id},${1_760_000_000 + u * 1000 + k * 60},${k % 4 === 3 ? 'buy' : 'look'}`,
      );
    }
  }
  mkdirSync(join(dir, 'datasets', 'interactions'), { recursive: true });
  mkdirSync(join(dir, 'datasets', 'items'), { recursive: true });
  writeFileSync(
    join(dir, 'datasets', 'interactions', 'part-1.csv'),
    `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n${rows.join('\n')}\n`,
  );
  writeFileSync(
    join(dir, 'datasets', 'items', 'catalogue.csv'),
    `ITEM_ID,SHAPE,COLOUR\n${items.map((i) => `${i.id},${i.shape},${i.colour}`).join('\n')}\n`,
  );
  const config = {
    projectName: 'my-shop',
    datasets: {
      interactions: { schemaFile: 'schemas/interactions.json', dataLocation: 'datasets/interactions/' },
      items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' },
    },
    solutions: [
      { name: 'for-you', recipe: 'aws-user-personalization', campaign: { minProvisionedTPS: 1 } },
      { name: 'alike', recipe: 'aws-sims', campaign: { minProvisionedTPS: 1 } },
    ],
    filters: [{ name: 'shape', expression: 'INCLUDE ItemID WHERE Items.SHAPE IN ($SHAPE)' }],
    eventTracker: { enabled: true },
    batchJobs: [{ name: 'weekly', type: 'inference', solution: 'for-you', numResults: 10 }],
  };
  const file = join(dir, 'personalize.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

describe('npm run local', () => {
  test(
    'runs a project with no users dataset and custom item columns to completion, showing metrics, recommendations and cost',
    async () => {
      // Prepare
      const dir = mkdtempSync(join(tmpdir(), 'local-run-'));
      try {
        const config = writeProject(dir);

        // Act
        const { stdout } = await run(
          process.execPath,
          [
            '--import',
            'tsx',
            join(ROOT, 'local', 'run', 'cli.ts'),
            '--config',
            config,
            '--state-dir',
            join(dir, 'state'),
          ],
          { cwd: ROOT, maxBuffer: 1 << 24 },
        );

        // Assess
        expect(stdout).toContain('SUCCEEDED');
        expect(stdout).toMatch(/for-you\s+aws-user-personalization\s+\d\.\d{4}/);
        expect(stdout).toMatch(/alike\s+aws-sims\s+\d\.\d{4}/);
        expect(stdout).toMatch(
          /for-you \(aws-user-personalization\) for user shopper-\d+:\n\s+item\s+SHAPE\s+COLOUR\n\s+sku-\d{3}\s+(round|square|star)\s+\w+/,
        );
        expect(stdout).toMatch(/alike \(aws-sims\), related to sku-\d{3}/);
        expect(stdout).toContain('Real-time events: user shopper-');
        expect(stdout).toContain('Monthly estimate for');
        expect(stdout).toMatch(/Personalize data ingestion\s+1,320 records/);
        expect(stdout).toContain('Total ≈ $');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    END_TO_END_TIMEOUT_MS,
  );

  test(
    'runs the ECOMMERCE example on the sample data of its domain, answering from all five recommenders',
    async () => {
      // Prepare: as its README says, the sample data written with the ECOMMERCE event types beside the config
      const dir = mkdtempSync(join(tmpdir(), 'local-run-ecommerce-'));
      try {
        cpSync(join(ROOT, 'examples', 'ecommerce'), dir, { recursive: true });
        generateEcommerceData(dir);

        // Act
        const { stdout } = await run(
          process.execPath,
          [
            '--import',
            'tsx',
            join(ROOT, 'local', 'run', 'cli.ts'),
            '--config',
            join(dir, 'personalize.config.json'),
            '--state-dir',
            join(dir, 'state'),
          ],
          { cwd: ROOT, maxBuffer: 1 << 24 },
        );

        // Assess
        expect(stdout).toContain('SUCCEEDED');
        for (const useCase of [
          'for-you (aws-ecomm-recommended-for-you) for user user-',
          'also-viewed (aws-ecomm-customers-who-viewed-x-also-viewed), related to item-',
          'bought-together (aws-ecomm-frequently-bought-together), related to item-',
          'best-sellers (aws-ecomm-popular-items-by-purchases):',
          'most-viewed (aws-ecomm-popular-items-by-views):',
        ])
          expect(stdout).toMatch(
            new RegExp(`${escape(useCase)}[^\\n]*\\n\\s+item\\s+CATEGORY_L1.*\\n\\s+item-\\d{4}`),
          );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    END_TO_END_TIMEOUT_MS,
  );

  test('names the dataset and the paths it looked in when the data folder lacks a dataset', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'local-run-'));
    try {
      const config = writeProject(dir);
      rmSync(join(dir, 'datasets', 'items'), { recursive: true });

      // Act
      const failure = await run(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'local', 'run', 'cli.ts'), '--config', config],
        { cwd: ROOT },
      ).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );

      // Assess
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toContain(
        `datasets.items: no data in ${dir}; put its CSV at ${join(dir, 'datasets', 'items')}`,
      );
      expect(failure?.stderr).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
