/**
 * The `evaluate` step: the quality gate between training and deployment. {@link evaluateVersion} reads the
 * new version's offline metrics (GetSolutionMetrics) and, when the solution's campaign exists, the metrics
 * of the version it serves, then applies the gate (top-level `qualityGate`, the solution's overrides win).
 *
 * The gate ({@link evaluateGate}): whether a new solution version may replace the one a campaign serves.
 * - the campaign already serves this very version → passed ("already serving");
 * - the recipe reports no value for the gate's metric → passed, saying the gate was skipped;
 * - the value is below the absolute floor `minimum` → failed;
 * - the value dropped more than `maxRegression` (relative) below the live version's → failed;
 * - otherwise → passed.
 */
import {
  DescribeCampaignCommand,
  GetSolutionMetricsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { effectiveQualityGate } from '../../core/config/quality-gate';
import { campaignName } from '../../core/names';
import type { EvaluateEvent, EvaluateResult } from '../../core/pipeline-contract';
import { logger } from '../shared/logger';
import { describeOrUndefined, personalizeArn, scopeOfArn, type PersonalizeDeps } from '../shared/personalize';

/** Applies the quality gate to the event's version; returns the verdict with every metric, for the summary. */
export async function evaluateVersion(
  event: EvaluateEvent,
  { personalize }: PersonalizeDeps,
): Promise<EvaluateResult> {
  const gate = effectiveQualityGate(event.config, event.solution);
  const metrics = await metricsOf(personalize, event.solutionVersionArn);
  const name = event.campaignName ?? campaignName(event.config.projectName, event.solution.name);
  const campaignArn = personalizeArn(scopeOfArn(event.solutionVersionArn), 'campaign', name);
  const campaign = (
    await describeOrUndefined(() => personalize.send(new DescribeCampaignCommand({ campaignArn })))
  )?.campaign;
  const liveArn = campaign?.solutionVersionArn;
  let live: GateInput['live'];
  if (liveArn !== undefined && !liveArn.endsWith('/$LATEST')) {
    live =
      liveArn === event.solutionVersionArn
        ? { solutionVersionArn: liveArn }
        : {
            solutionVersionArn: liveArn,
            metrics: (await describeOrUndefined(() => metricsOf(personalize, liveArn))) ?? {},
          };
  }
  const outcome = evaluateGate({
    gate,
    solutionVersionArn: event.solutionVersionArn,
    metrics,
    ...(live ? { live } : {}),
  });
  logger.info('Quality gate', { solutionVersionArn: event.solutionVersionArn, ...outcome });
  return { ...outcome, metric: gate.metric, metrics };
}

/** The numeric offline metrics of a solution version. */
async function metricsOf(
  personalize: PersonalizeClient,
  solutionVersionArn: string,
): Promise<Record<string, number>> {
  const out = await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
  return Object.fromEntries(
    Object.entries(out.metrics ?? {}).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    ),
  );
}

/** The gate's settings: the metric, its absolute floor and the largest regression allowed. */
export interface GateSettings {
  readonly metric: string;
  readonly minimum: number;
  /** Largest relative drop allowed against the live version, e.g. 0.05 for 5%. */
  readonly maxRegression: number;
}

/** What the gate judges: a new version's metrics and, when a campaign serves one, the live version's. */
export interface GateInput {
  readonly gate: GateSettings;
  readonly solutionVersionArn: string;
  readonly metrics: Readonly<Record<string, number>>;
  /** The version the campaign serves and its metrics; absent when there is no campaign yet. */
  readonly live?: {
    readonly solutionVersionArn: string;
    readonly metrics?: Readonly<Record<string, number>>;
  };
}

/** The gate's verdict, the reason in a sentence, and the values compared. */
export interface GateOutcome {
  readonly passed: boolean;
  readonly reason: string;
  readonly value?: number;
  readonly baseline?: { readonly solutionVersionArn: string; readonly value?: number };
}

/** Tolerance for floating-point noise in comparisons. */
const EPSILON = 1e-12;

const fmt = (n: number): string => String(Number(n.toFixed(6)));

/** Applies the quality gate, in the order the file comment gives. */
export function evaluateGate(input: GateInput): GateOutcome {
  const { gate, live } = input;
  if (live?.solutionVersionArn === input.solutionVersionArn) {
    return { passed: true, reason: `the campaign already serves ${input.solutionVersionArn}` };
  }
  const value = input.metrics[gate.metric];
  const baselineValue = live?.metrics?.[gate.metric];
  const baseline = live
    ? {
        solutionVersionArn: live.solutionVersionArn,
        ...(baselineValue !== undefined ? { value: baselineValue } : {}),
      }
    : undefined;
  if (value === undefined || !Number.isFinite(value)) {
    return {
      passed: true,
      reason: `the recipe reports no ${gate.metric}; the quality gate does not apply`,
      ...(baseline ? { baseline } : {}),
    };
  }
  if (value + EPSILON < gate.minimum) {
    return {
      passed: false,
      reason: `${gate.metric} ${fmt(value)} is below the minimum ${fmt(gate.minimum)}`,
      value,
      ...(baseline ? { baseline } : {}),
    };
  }
  if (baseline && baselineValue !== undefined && baselineValue > 0) {
    const drop = (baselineValue - value) / baselineValue;
    if (drop > gate.maxRegression + EPSILON) {
      return {
        passed: false,
        reason: `${gate.metric} ${fmt(value)} is ${fmt(drop * 100)}% below the live version's ${fmt(baselineValue)} (at most ${fmt(gate.maxRegression * 100)}% allowed)`,
        value,
        baseline,
      };
    }
    return {
      passed: true,
      reason: `${gate.metric} ${fmt(value)} meets the minimum ${fmt(gate.minimum)} and is within ${fmt(gate.maxRegression * 100)}% of the live version's ${fmt(baselineValue)}`,
      value,
      baseline,
    };
  }
  return {
    passed: true,
    reason: `${gate.metric} ${fmt(value)} meets the minimum ${fmt(gate.minimum)}${baseline ? ' (the live version has no value to compare)' : ' (no live version to compare)'}`,
    value,
    ...(baseline ? { baseline } : {}),
  };
}
