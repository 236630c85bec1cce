/**
 * Step `evaluate`: the quality gate between training and deployment. Reads the new version's offline
 * metrics (GetSolutionMetrics) and, when the solution's campaign exists, the metrics of the version
 * it serves, then applies the gate (top-level `qualityGate`, the solution's overrides win) — see
 * evaluate.logic.ts. Returns the verdict with every metric, so the summary can publish them.
 */
import { DescribeCampaignCommand, GetSolutionMetricsCommand } from '@aws-sdk/client-personalize';
import { logger } from '../shared/logger';
import { campaignName } from '../../core/names';
import { describeOrUndefined, personalizeArn, personalizeClient, scopeOfArn } from '../shared/personalize';
import type { EvaluateEvent, EvaluateResult } from '../../core/pipeline-contract';
import { effectiveQualityGate, evaluateGate } from './evaluate.logic';

export const handler = async (event: EvaluateEvent): Promise<EvaluateResult> => {
  const client = personalizeClient();
  const gate = effectiveQualityGate(event.config, event.solution);
  const metrics = await metricsOf(event.solutionVersionArn);
  const name = event.campaignName ?? campaignName(event.config.projectName, event.solution.name);
  const campaignArn = personalizeArn(scopeOfArn(event.solutionVersionArn), 'campaign', name);
  const campaign = (
    await describeOrUndefined(() => client.send(new DescribeCampaignCommand({ campaignArn })))
  )?.campaign;
  const liveArn = campaign?.solutionVersionArn;
  let live: { solutionVersionArn: string; metrics?: Record<string, number> } | undefined;
  if (liveArn !== undefined && !liveArn.endsWith('/$LATEST')) {
    live =
      liveArn === event.solutionVersionArn
        ? { solutionVersionArn: liveArn }
        : {
            solutionVersionArn: liveArn,
            metrics: (await describeOrUndefined(() => metricsOf(liveArn))) ?? {},
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
};

async function metricsOf(solutionVersionArn: string): Promise<Record<string, number>> {
  const out = await personalizeClient().send(new GetSolutionMetricsCommand({ solutionVersionArn }));
  return Object.fromEntries(
    Object.entries(out.metrics ?? {}).filter(
      (entry): entry is [string, number] => typeof entry[1] === 'number',
    ),
  );
}
