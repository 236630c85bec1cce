/**
 * Step `solution-version`: trains a new solution version when needed (see solution-version.logic.ts)
 * and returns the version to evaluate and deploy. `trained: true` means a version is being created
 * (new, or one already in progress) and the state machine must poll it; `trained: false` returns the
 * newest ACTIVE version unchanged.
 */
import {
  CreateSolutionVersionCommand,
  DescribeSolutionCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { findRecipe } from '../../core/recipes';
import { ResourceBusy } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { epochSeconds, listAll, personalizeClient, tagged } from '../shared/personalize';
import type { PollTarget, SolutionVersionEvent, SolutionVersionResult } from '../../core/pipeline-contract';
import { decideTraining } from './solution-version.logic';

export const handler = async (event: SolutionVersionEvent): Promise<SolutionVersionResult> => {
  const { solution, solutionArn, options } = event;
  const client = personalizeClient();
  const described = (await client.send(new DescribeSolutionCommand({ solutionArn }))).solution;
  if (described?.status !== 'ACTIVE') {
    throw new ResourceBusy(
      `Solution ${solutionArn} is ${described?.status ?? 'unknown'}; versions can be trained once it is ACTIVE.`,
    );
  }
  const versions = await listAll(async (nextToken) => {
    const page = await client.send(new ListSolutionVersionsCommand({ solutionArn, nextToken }));
    return { items: page.solutionVersions, nextToken: page.nextToken };
  });
  const decision = decideTraining({
    versions: versions.map((v) => ({
      arn: v.solutionVersionArn ?? '',
      status: v.status ?? '',
      createdAt: epochSeconds(v.creationDateTime),
    })),
    ...(await lastImportFinishedAt(described.datasetGroupArn ?? '')),
    force: options.force,
    ...(options.trainingMode !== undefined ? { requestedMode: options.trainingMode } : {}),
    selected: options.solutions.includes(solution.name),
    configuredMode: solution.trainingMode,
    supportsUpdate: findRecipe(solution.recipe)?.supportsUpdateTraining ?? false,
  });
  logger.info('Training decision', { solutionArn, ...decision });
  if (decision.action === 'reuse')
    return { ...result(decision.solutionVersionArn), trained: true, reason: decision.reason };
  if (decision.action === 'keep')
    return { ...result(decision.solutionVersionArn), trained: false, reason: decision.reason };
  const out = await client.send(
    new CreateSolutionVersionCommand({
      solutionArn,
      trainingMode: decision.trainingMode,
      ...tagged(event.config.tags),
    }),
  );
  return {
    ...result(out.solutionVersionArn ?? ''),
    trained: true,
    reason: decision.reason,
    trainingMode: decision.trainingMode,
  };
};

/** When the newest successful import job of the dataset group finished (its last update). */
async function lastImportFinishedAt(datasetGroupArn: string): Promise<{ lastImportFinishedAt?: number }> {
  const client = personalizeClient();
  const datasets = await listAll(async (nextToken) => {
    const page = await client.send(new ListDatasetsCommand({ datasetGroupArn, nextToken }));
    return { items: page.datasets, nextToken: page.nextToken };
  });
  let latest: number | undefined;
  for (const dataset of datasets) {
    const jobs = await listAll(async (nextToken) => {
      const page = await client.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.datasetArn, nextToken }),
      );
      return { items: page.datasetImportJobs, nextToken: page.nextToken };
    });
    for (const job of jobs) {
      if (job.status !== 'ACTIVE') continue;
      const finished = epochSeconds(job.lastUpdatedDateTime ?? job.creationDateTime);
      latest = latest === undefined ? finished : Math.max(latest, finished);
    }
  }
  return latest === undefined ? {} : { lastImportFinishedAt: latest };
}

function result(solutionVersionArn: string): {
  solutionVersionArn: string;
  targets: PollTarget[];
  startedAt: number;
} {
  return {
    solutionVersionArn,
    ...pollable<PollTarget>([{ kind: 'solutionVersion', arn: solutionVersionArn }]),
  };
}
