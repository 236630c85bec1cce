/**
 * Writes `personalize.config.schema.json`, the JSON Schema editors use to autocomplete and check
 * `personalize.config.json`. Run after changing `core/config/schema.ts`:
 *
 *   npx tsx scripts/write-config-json-schema.ts          # write the file
 *   npx tsx scripts/write-config-json-schema.ts --check  # fail if the file is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchema } from '../core/config/json-schema';

async function render(path: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(JSON.stringify(configJsonSchema()), { ...options, parser: 'json' });
}

async function main(): Promise<void> {
  const path = join(__dirname, '..', CONFIG_JSON_SCHEMA_FILE);
  const expected = await render(path);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // A missing file is out of date too.
    }
    if (current !== expected) {
      console.error(
        `${CONFIG_JSON_SCHEMA_FILE} is out of date; run: npx tsx scripts/write-config-json-schema.ts`,
      );
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(path, expected);
  console.log(`Wrote ${CONFIG_JSON_SCHEMA_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
