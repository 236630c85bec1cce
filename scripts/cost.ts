/**
 * `npm run cost`: a monthly cost estimate for a config before anyone deploys it.
 *
 *   npm run cost                                   # the sample config at the default volumes and its network
 *   npm run cost -- --config my.config.json --volumes volumes.json --network dev   # another network profile
 *   npm run cost -- --example                      # the product brief's worked example (Personalize only)
 *
 * Volumes (JSON, every field optional): importedRecords, trainingHours, fullTrainingHours, updateTrainingHours,
 * manualRuns, recommendationRequests, events, batchRecommendationsPerRun, transitionsPerRun. Prices come from
 * core/cost/prices.ts (illustrative; `--prices file.json` replaces any of them). The network profile and its
 * Availability Zones come from the config's `network` section; `--network none|dev|prod` overrides the profile.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { loadConfig } from '../core/config';
import {
  BRIEF_EXAMPLE_VOLUMES,
  DEFAULT_VOLUMES,
  estimateMonthlyCost,
  formatEstimate,
  type UsageVolumes,
} from '../core/cost/estimate';
import { DEFAULT_PRICES, type PriceTable } from '../core/cost/prices';
import type { NetworkSettings } from '../core/config';
import { describeConfigEstimate } from '../core/cost/config-estimate';

/** The values of `--network`: no network, or a profile of the config's `network` section. */
const NETWORK_CHOICES = ['none', 'dev', 'prod'] as const;

/** The config's network, or the profile `--network` asks for (a prod network keeps the config's AZ count). */
function networkOf(configured: NetworkSettings, override: string | undefined): NetworkSettings {
  if (override === undefined) return configured;
  if (!(NETWORK_CHOICES as readonly string[]).includes(override)) {
    throw new Error(`--network "${override}" is not a profile; use one of ${NETWORK_CHOICES.join(', ')}`);
  }
  if (override === 'none') return { ...configured, enabled: false };
  if (override === 'dev') return { enabled: true, profile: 'dev' };
  return { ...configured, enabled: true, profile: 'prod' };
}

const count = z.number().min(0);
const volumesSchema = z.strictObject(
  Object.fromEntries(
    Object.keys({ ...DEFAULT_VOLUMES, trainingHours: 0 }).map((key) => [key, count.optional()]),
  ),
);
const priceSchema = z.strictObject({ usd: count, per: z.number().positive(), unit: z.string().min(1) });
const pricesSchema = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_PRICES).map((key) => [key, priceSchema.optional()])),
);

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new Error(`Invalid ${what} in ${file}:\n${problems.join('\n')}`);
  }
  return result.data;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'personalize.config.json' },
      volumes: { type: 'string' },
      prices: { type: 'string' },
      network: { type: 'string' },
      example: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const prices: PriceTable = {
    ...DEFAULT_PRICES,
    ...(values.prices ? (readJson(values.prices, pricesSchema, 'price table') as Partial<PriceTable>) : {}),
  };
  if (values.example) {
    console.log("The product brief's worked example (Amazon Personalize usage only):\n");
    console.log(
      formatEstimate(
        estimateMonthlyCost({ solutions: [], batchJobs: [] }, BRIEF_EXAMPLE_VOLUMES, prices, {
          personalizeOnly: true,
        }),
      ),
    );
    return;
  }
  const config = loadConfig(values.config);
  const lines = describeConfigEstimate(config, values.config, {
    ...(values.volumes
      ? { volumes: readJson(values.volumes, volumesSchema, 'volumes') as Partial<UsageVolumes> }
      : {}),
    prices,
    network: networkOf(config.network, values.network),
    networkSource: values.network === undefined ? 'from the config' : 'from --network',
  });
  console.log(lines.join('\n'));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
