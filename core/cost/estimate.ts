/**
 * A monthly cost estimate from the config and expected volumes: one line per billed item, the idle cost (what the
 * deployed stacks cost with no traffic), and what batch instead of real-time, or less frequent retraining, would
 * save. Pure: the price table comes in as an argument (core/cost/prices.ts has the defaults).
 */
import { DAYS_PER_MONTH, runsPerMonth } from '../config/schedule';
import type { PipelineConfig } from '../config/schema';
import { costOf, type Price, type PriceTable } from './prices';

/** Hours in an average month. */
export const HOURS_PER_MONTH = DAYS_PER_MONTH * 24;

/** Expected volumes per month. Every field is optional; the defaults are in {@link DEFAULT_VOLUMES}. */
export interface UsageVolumes {
  /** Records bulk-imported per month (interactions, items and users together). */
  readonly importedRecords: number;
  /** Training hours per month. @default derived from the solutions' schedules and the hours per training */
  readonly trainingHours?: number;
  /** Hours one FULL training takes. */
  readonly fullTrainingHours: number;
  /** Hours one UPDATE training takes. */
  readonly updateTrainingHours: number;
  /** Runs per month nobody scheduled (console runs, config uploads), each training every solution once. */
  readonly manualRuns: number;
  /** Real-time recommendation, related-item, ranking and popular-item requests. */
  readonly recommendationRequests: number;
  /** Real-time events sent to the event tracker (and item / user upserts). */
  readonly events: number;
  /** Recommendations one run of a batch job produces (input lines × results per line). */
  readonly batchRecommendationsPerRun: number;
  /** State transitions of one pipeline run, waiting included. */
  readonly transitionsPerRun: number;
  /** Interface endpoints of the network stack and the Availability Zones they are in; 0 without a network. */
  readonly interfaceEndpoints: number;
  readonly availabilityZones: number;
}

/** Volumes assumed where none are given: a small shop. */
export const DEFAULT_VOLUMES: UsageVolumes = {
  importedRecords: 100_000,
  fullTrainingHours: 2,
  updateTrainingHours: 0.5,
  manualRuns: 1,
  recommendationRequests: 500_000,
  events: 1_000_000,
  batchRecommendationsPerRun: 25_000,
  transitionsPerRun: 400,
  interfaceEndpoints: 0,
  availabilityZones: 0,
};

/** One billed item of the estimate. */
export interface CostLine {
  readonly item: string;
  /** How the quantity was arrived at, e.g. "4 campaigns × 1 TPS × 730 h". */
  readonly detail: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
  /** Billed whether or not anyone uses the system: by the campaigns, or by the stacks themselves. */
  readonly idle: false | 'campaigns' | 'stacks';
}

/** A change and what it would save a month. */
export interface Saving {
  readonly change: string;
  readonly usd: number;
}

/** The product brief's worked example: 1M records imported, 10 training hours, 1M requests, 5M events. */
export const BRIEF_EXAMPLE_VOLUMES: Partial<UsageVolumes> = {
  importedRecords: 1_000_000,
  trainingHours: 10,
  recommendationRequests: 1_000_000,
  events: 5_000_000,
};

/** The whole estimate. */
export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** What the deployed system costs a month with no traffic and no runs, campaigns included. */
  readonly idleUsd: number;
  /** What the deployed stacks alone cost a month with no traffic, no runs and no campaign (e.g. after teardown). */
  readonly idleWithoutCampaignsUsd: number;
  readonly savings: readonly Saving[];
}

function line(
  item: string,
  detail: string,
  price: Price,
  quantity: number,
  idle: CostLine['idle'] = false,
): CostLine {
  return { item, detail, quantity, unit: price.unit, usd: costOf(price, quantity), idle };
}

const round1 = (n: number): string => (Math.round(n * 10) / 10).toLocaleString('en-US');

/** What a recommender's cost depends on (config `recommenders[]`). */
export interface RecommenderCost {
  readonly recommenderConfig: { readonly minRecommendationRequestsPerSecond: number };
  readonly stopped?: boolean;
}

/**
 * The recommenders' line, when there are any: a recommender bills at least its minimum requests per second for
 * every hour it runs (the greater of those and the requests it answers); a
 * stopped one (`stopped: true`) bills nothing.
 */
function recommenderLines(recommenders: readonly RecommenderCost[], prices: PriceTable): CostLine[] {
  const running = recommenders.filter((r) => r.stopped !== true);
  if (running.length === 0) return [];
  const rps = running.reduce((sum, r) => sum + r.recommenderConfig.minRecommendationRequestsPerSecond, 0);
  return [
    line(
      'Personalize recommenders (minimum requests)',
      `${running.length} recommenders, ${rps} requests/s in all × 3,600 s × ${round1(HOURS_PER_MONTH)} h`,
      prices.recommenderRequests,
      rps * 3600 * HOURS_PER_MONTH,
      'campaigns',
    ),
  ];
}

/** Training hours per month the solutions' schedules (plus manual runs) add up to, with how. */
export function scheduledTrainingHours(
  config: Pick<PipelineConfig, 'solutions'>,
  volumes: Pick<UsageVolumes, 'fullTrainingHours' | 'updateTrainingHours' | 'manualRuns'>,
): { hours: number; detail: string } {
  let hours = 0;
  let full = 0;
  let update = 0;
  for (const solution of config.solutions) {
    const fullRuns =
      (solution.schedule?.full ? runsPerMonth(solution.schedule.full) : 0) + volumes.manualRuns;
    const updateRuns = solution.schedule?.update ? runsPerMonth(solution.schedule.update) : 0;
    full += fullRuns;
    update += updateRuns;
    hours += fullRuns * volumes.fullTrainingHours + updateRuns * volumes.updateTrainingHours;
  }
  const detail = `${round1(full)} FULL × ${volumes.fullTrainingHours} h + ${round1(update)} UPDATE × ${volumes.updateTrainingHours} h`;
  return { hours, detail };
}

/** Pipeline runs per month: every distinct schedule, plus the manual runs. */
function runsOf(config: Pick<PipelineConfig, 'solutions' | 'batchJobs'>, manualRuns: number): number {
  const expressions = [
    ...config.solutions.flatMap((s) => [s.schedule?.full, s.schedule?.update]),
    ...config.batchJobs.map((j) => j.schedule),
  ].filter((e): e is string => e !== undefined);
  return expressions.reduce((sum, e) => sum + runsPerMonth(e), manualRuns);
}

/**
 * The monthly estimate for a config at the given volumes and prices.
 * @param volumes missing fields take {@link DEFAULT_VOLUMES}.
 * @param options `personalizeOnly`: only the Amazon Personalize lines that cost something.
 */
export function estimateMonthlyCost(
  config: Pick<PipelineConfig, 'solutions' | 'batchJobs'> & {
    readonly recommenders?: readonly RecommenderCost[];
  },
  volumes: Partial<UsageVolumes>,
  prices: PriceTable,
  options: { readonly personalizeOnly?: boolean } = {},
): CostEstimate {
  const v: UsageVolumes = { ...DEFAULT_VOLUMES, ...volumes };
  const training =
    v.trainingHours === undefined
      ? scheduledTrainingHours(config, v)
      : { hours: v.trainingHours, detail: 'as given' };
  const campaigns = config.solutions.flatMap((s) => (s.campaign ? [s.campaign.minProvisionedTPS] : []));
  const tps = campaigns.reduce((sum, t) => sum + t, 0);
  const batchRuns = config.batchJobs.reduce(
    (sum, job) => sum + (job.schedule ? runsPerMonth(job.schedule) : v.manualRuns),
    0,
  );
  const runs = runsOf(config, v.manualRuns);
  const endpointHours = v.interfaceEndpoints * v.availabilityZones * HOURS_PER_MONTH;

  const lines: CostLine[] = [
    line('Personalize data ingestion', 'bulk imports', prices.ingestion, v.importedRecords),
    line('Personalize training', training.detail, prices.training, training.hours),
    line(
      'Personalize real-time recommendations',
      'API requests',
      prices.recommendations,
      v.recommendationRequests,
    ),
    line('Personalize events', 'PutEvents, PutItems, PutUsers', prices.events, v.events),
    line(
      'Personalize campaigns (minimum TPS)',
      `${campaigns.length} campaigns, ${tps} TPS in all × ${round1(HOURS_PER_MONTH)} h`,
      prices.campaignTpsHour,
      tps * HOURS_PER_MONTH,
      'campaigns',
    ),
    ...recommenderLines(config.recommenders ?? [], prices),
    line(
      'Personalize batch inference',
      `${round1(batchRuns)} runs × ${v.batchRecommendationsPerRun.toLocaleString('en-US')}`,
      prices.batchRecommendations,
      batchRuns * v.batchRecommendationsPerRun,
    ),
    line(
      'VPC interface endpoints',
      `${v.interfaceEndpoints} endpoints × ${v.availabilityZones} AZ × ${round1(HOURS_PER_MONTH)} h`,
      prices.interfaceEndpointHour,
      endpointHours,
      'stacks',
    ),
    line(
      'Step Functions',
      `${round1(runs)} runs × ${v.transitionsPerRun} transitions`,
      prices.stateTransitions,
      runs * v.transitionsPerRun,
    ),
    line(
      'API Gateway',
      'recommendation requests + event batches',
      prices.apiRequests,
      v.recommendationRequests + v.events,
    ),
    line('SQS', 'send, receive and delete per event', prices.queueRequests, 3 * v.events),
    line(
      'Lambda',
      'one invocation per API request and per event',
      prices.lambdaInvocations,
      v.recommendationRequests + v.events,
    ),
  ].filter((l) => !options.personalizeOnly || (l.item.startsWith('Personalize') && l.usd > 0));
  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  const idleUsd = lines.filter((l) => l.idle).reduce((sum, l) => sum + l.usd, 0);
  const idleWithoutCampaignsUsd = lines.filter((l) => l.idle === 'stacks').reduce((sum, l) => sum + l.usd, 0);

  const savings: Saving[] = [];
  const realTime =
    costOf(prices.recommendations, v.recommendationRequests) +
    costOf(prices.campaignTpsHour, tps * HOURS_PER_MONTH);
  const batch = costOf(prices.batchRecommendations, v.recommendationRequests);
  if (realTime > batch) {
    savings.push({
      change: `serve the ${v.recommendationRequests.toLocaleString('en-US')} recommendations from batch jobs instead of real-time campaigns (no campaign hours)`,
      usd: realTime - batch,
    });
  }
  if (training.hours > 0) {
    savings.push({
      change: 'retrain half as often (e.g. FULL every other week, UPDATE every other day)',
      usd: costOf(prices.training, training.hours / 2),
    });
  }
  return { lines, totalUsd, idleUsd, idleWithoutCampaignsUsd, savings };
}

/** The estimate as a plain-text table, with the idle cost and the savings. */
export function formatEstimate(estimate: CostEstimate): string {
  const money = (usd: number) =>
    `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const rows = estimate.lines.map((l) => [
    l.item + (l.idle ? ' *' : ''),
    `${l.quantity.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${l.unit}`,
    l.detail,
    money(l.usd),
  ]);
  const header = ['item', 'quantity', 'how', 'per month'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ');
  return [
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(render),
    '',
    `Total ≈ ${money(estimate.totalUsd)} / month`,
    `Idle (* billed with no traffic and no runs) ≈ ${money(estimate.idleUsd)} / month; the stacks alone, with no campaign, ≈ ${money(estimate.idleWithoutCampaignsUsd)} / month`,
    ...(estimate.savings.length > 0 ? ['', 'Could save:'] : []),
    ...estimate.savings.map((s) => `  ${money(s.usd)} / month: ${s.change}`),
  ].join('\n');
}
