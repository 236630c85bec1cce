/**
 * `npm run demo`: the whole product on this machine. Starts moto and the Personalize emulator, provisions the
 * bucket and key the DataStack would create, uploads `sample-data/`, runs the synthesized pipeline state
 * machine with the real handlers, then serves recommendations and shows them change as events arrive.
 * Personalize state persists in `.personalize-local/`, so a second run reuses everything it can.
 *
 *   npm run demo                # the run, then exits
 *   npm run demo -- --serve     # then serves the API and the storefront page, as `npm run serve` does
 */
import { readFileSync } from 'node:fs';
import {
  GetSolutionMetricsCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parse } from 'csv-parse/sync';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { startLocalAws } from '../harness/local-aws';
import { LocalPipeline } from '../harness/pipeline';
import { provisionLocalProject } from '../harness/project';
import type { RunProgress } from '../harness/runner';
import { serve } from '../serving/serve';
import { describeProgress } from './progress';

const STATE_DIR = '.personalize-local';

interface Item {
  readonly ITEM_ID: string;
  readonly CATEGORY_L1: string;
  readonly CATEGORY_L2: string;
  readonly BRAND: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

async function offlineMetrics(config: PipelineConfig): Promise<string[][]> {
  const personalize = new PersonalizeClient({});
  const metrics = [
    'normalized_discounted_cumulative_gain_at_10',
    'precision_at_10',
    'mean_reciprocal_rank_at_25',
    'coverage',
  ];
  const rows = [['solution', 'recipe', 'NDCG@10', 'P@10', 'MRR@25', 'coverage']];
  for (const solution of config.solutions) {
    const solutionArn = `arn:aws:personalize:${process.env.AWS_REGION}:123456789012:solution/${config.projectName}-${solution.name}`;
    const versions = await personalize
      .send(new ListSolutionVersionsCommand({ solutionArn }))
      .catch(() => undefined);
    const active = versions?.solutionVersions?.find((v) => v.status === 'ACTIVE');
    if (!active?.solutionVersionArn) {
      rows.push([solution.name, solution.recipe, '-', '-', '-', '-']);
      continue;
    }
    const result = await personalize.send(
      new GetSolutionMetricsCommand({ solutionVersionArn: active.solutionVersionArn }),
    );
    rows.push([
      solution.name,
      solution.recipe,
      ...metrics.map((m) => (result.metrics?.[m] ?? NaN).toFixed(4)),
    ]);
  }
  return rows;
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig('personalize.config.json');
  const items = new Map(
    (parse(readFileSync('sample-data/items.csv'), { columns: true }) as Item[]).map((i) => [i.ITEM_ID, i]),
  );
  const describeItem = (id: string) => {
    const item = items.get(id);
    return item ? `${id}  ${item.CATEGORY_L1} / ${item.CATEGORY_L2}  (${item.BRAND})` : id;
  };

  console.log(`personalize-pipeline demo — project "${config.projectName}"\n`);
  const local = await startLocalAws({ emulator: { dataDir: STATE_DIR } });
  console.log(`moto (S3, KMS, SNS, SSM, CloudWatch, EventBridge) on ${local.moto.endpoint}`);
  console.log(`Personalize emulator on ${local.emulator.endpoint}, state in ${STATE_DIR}/\n`);
  try {
    const project = await provisionLocalProject(config);
    console.log(`Data bucket ${project.bucketName} (SSE-KMS) with sample-data/ uploaded\n`);

    const pipeline = new LocalPipeline(config, project);
    console.log('Running the pipeline state machine (synthesized from the CDK app):');
    const outcome = await pipeline.run(
      {},
      {
        waitMs: 250,
        onProgress: (event: RunProgress) => {
          const line = describeProgress(event);
          if (line) console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);
        },
      },
    );
    if (outcome.status === 'FAILED') {
      console.error(`\nThe pipeline failed: ${outcome.error}\n${outcome.cause}`);
      process.exitCode = 1;
      return;
    }
    const summary = outcome.output as { status: string; summary: string };
    console.log(`\n${summary.summary}\n`);

    console.log(
      'Offline metrics (Personalize protocol: 10% of users held out, newest 10% of their history):',
    );
    console.log(table(await offlineMetrics(config)), '\n');

    const ssm = new SSMClient({});
    const parameter = async (name: string) =>
      JSON.parse(
        (await ssm.send(new GetParameterCommand({ Name: `/${config.projectName}/${name}` }))).Parameter
          ?.Value ?? '{}',
      );
    const serving = (await parameter('serving')) as { campaigns: Record<string, string> };
    const tracker = (await parameter('event-tracker')) as { trackingId: string };
    const runtime = new PersonalizeRuntimeClient({});
    const recommend = async (
      campaign: string,
      query: { userId?: string; itemId?: string },
      numResults = 5,
    ) => {
      const campaignArn = serving.campaigns[campaign];
      if (!campaignArn)
        throw new Error(`No campaign for solution "${campaign}" in /${config.projectName}/serving`);
      const response = await runtime.send(
        new GetRecommendationsCommand({ campaignArn, numResults, ...query }),
      );
      return (response.itemList ?? []).map((i) => i.itemId ?? '');
    };

    for (const userId of ['user-0001', 'user-0002', 'user-0003']) {
      console.log(`Recommended for ${userId}:`);
      for (const id of await recommend('user-personalization', { userId }))
        console.log(`  ${describeItem(id)}`);
    }
    const anchor = 'item-0001';
    console.log(`\nSimilar to ${describeItem(anchor)}:`);
    for (const id of await recommend('similar-items', { itemId: anchor }))
      console.log(`  ${describeItem(id)}`);

    // Real-time events: the shopper starts browsing a category they have not shown interest in.
    const userId = 'user-0001';
    const before = await recommend('user-personalization', { userId }, 10);
    const seen = new Set(before.map((id) => items.get(id)?.CATEGORY_L1));
    const category =
      [...new Set([...items.values()].map((i) => i.CATEGORY_L1))].find((c) => !seen.has(c)) ?? '';
    const browsed = [...items.values()].filter((i) => i.CATEGORY_L1 === category).slice(0, 5);
    const events = new PersonalizeEventsClient({});
    await events.send(
      new PutEventsCommand({
        trackingId: tracker.trackingId,
        userId,
        sessionId: `demo-${Date.now()}`,
        eventList: browsed.map((item, i) => ({
          eventType: 'view',
          itemId: item.ITEM_ID,
          sentAt: new Date(Date.now() + i * 1000),
        })),
      }),
    );
    const after = await recommend('user-personalization', { userId }, 10);
    const inCategory = (ids: string[]) => ids.filter((id) => items.get(id)?.CATEGORY_L1 === category).length;
    console.log(
      `\n${userId} views ${browsed.length} items in "${category}" (PutEvents through the event tracker).`,
    );
    console.log(
      `Top 10 before: ${inCategory(before)} in "${category}"; after: ${inCategory(after)} in "${category}".`,
    );
    console.log(
      table([
        ['before', 'after'],
        ...before.map((id, i) => [describeItem(id), describeItem(after[i] ?? '')]),
      ]),
    );
    console.log(
      `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Run it again: it reuses what exists.`,
    );
  } finally {
    await local.stop();
  }
}

main()
  .then(() => {
    if (process.exitCode === undefined && process.argv.includes('--serve')) {
      console.log('\nServing what the demo deployed (npm run serve):');
      return serve([]);
    }
    return undefined;
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
