/**
 * `npm run cost`: a monthly cost estimate for a config before anyone deploys it.
 *
 *   npm run cost                                   # the sample config at the default volumes, network "prod"
 *   npm run cost -- --config my.config.json --volumes volumes.json --network dev
 *   npm run cost -- --example                      # the product brief's worked example (Personalize only)
 *
 * Volumes (JSON, every field optional): importedRecords, trainingHours, fullTrainingHours, updateTrainingHours,
 * manualRuns, recommendationRequests, events, batchRecommendationsPerRun, transitionsPerRun. Prices come from
 * core/cost/prices.ts (illustrative; `--prices file.json` replaces any of them).
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
import { pipelineEndpointServices } from '../core/network';

/** Availability Zones per network profile: `dev` trades resilience for a third of the endpoint bill. */
const NETWORK_AZS: Readonly<Record<string, number>> = { none: 0, dev: 1, prod: 2 };

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
      network: { type: 'string', default: 'prod' },
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
  const azs = NETWORK_AZS[values.network];
  if (azs === undefined) {
    throw new Error(
      `--network "${values.network}" is not a profile; use one of ${Object.keys(NETWORK_AZS).join(', ')}`,
    );
  }
  const interfaceEndpoints = pipelineEndpointServices().filter((s) => s.kind === 'interface');
  const volumes: Partial<UsageVolumes> = {
    ...(values.volumes ? (readJson(values.volumes, volumesSchema, 'volumes') as Partial<UsageVolumes>) : {}),
    interfaceEndpoints: azs === 0 ? 0 : interfaceEndpoints.length,
    availabilityZones: azs,
  };
  const config = loadConfig(values.config);
  console.log(
    `Monthly estimate for ${values.config} (project ${config.projectName}), network profile "${values.network}"`,
  );
  if (azs > 0)
    console.log(`Interface endpoints the code needs: ${interfaceEndpoints.map((s) => s.name).join(', ')}`);
  console.log('Prices are illustrative (core/cost/prices.ts says where to check current ones).\n');
  console.log(formatEstimate(estimateMonthlyCost(config, volumes, prices)));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
