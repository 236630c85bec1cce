/**
 * The teardown workflow, run locally against moto and the emulator, on a project with its schedules and
 * config-upload rule (created in moto under the names the PipelineStack gives them) and a training in progress
 * that would take ten minutes: the teardown disables every schedule and the rule first, stops the training
 * (its version ends CREATE STOPPED) instead of waiting it out, and leaves nothing; the dry run lists all of it;
 * `{"reenable": true}` turns the triggers back on. Its own file: it restarts its own emulator with slow training.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateSolutionVersionCommand,
  DescribeSolutionVersionCommand,
  ListDatasetGroupsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { DescribeRuleCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { loadConfig, type PipelineConfig } from '../../core/config';
import { configUploadRuleName, projectSchedules, scheduleGroupName } from '../../core/names';
import type { TeardownResult } from '../../core/pipeline-contract';
import type { EmulatorOptions } from '../../local/emulator';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/harness/env';
import { startLocalAws, type LocalAws } from '../../local/harness/local-aws';
import { resetMoto } from '../../local/harness/moto';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import { END_TO_END_TIMEOUT_MS, sampleData, succeeded } from './helpers';

const ARN = `arn:aws:personalize:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;

/** How long the training of the version created before the teardown would take, had it not been stopped. */
const TRAINING_MS = 600_000;

/** The project's schedules and config-upload rule, in moto, enabled, as the PipelineStack deploys them. */
async function deployTriggers(config: PipelineConfig): Promise<void> {
  const scheduler = new SchedulerClient({});
  const events = new EventBridgeClient({});
  const group = scheduleGroupName(config.projectName);
  await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
  for (const schedule of projectSchedules(config)) {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: schedule.name,
        GroupName: group,
        ScheduleExpression: schedule.expression,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${config.projectName}-pipeline`,
          RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${config.projectName}-schedules`,
          Input: JSON.stringify({ solutions: [] }),
        },
      }),
    );
  }
  await events.send(
    new PutRuleCommand({
      Name: configUploadRuleName(config.projectName),
      EventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'] }),
      State: 'ENABLED',
    }),
  );
  scheduler.destroy();
  events.destroy();
}

/** Each schedule's and the rule's state, by name. */
async function triggerStates(config: PipelineConfig): Promise<Record<string, string | undefined>> {
  const scheduler = new SchedulerClient({});
  const events = new EventBridgeClient({});
  const states: Record<string, string | undefined> = {};
  for (const { name } of projectSchedules(config)) {
    const schedule = await scheduler.send(
      new GetScheduleCommand({ GroupName: scheduleGroupName(config.projectName), Name: name }),
    );
    states[name] = schedule.State;
    // UpdateSchedule replaced the whole schedule: its target must have survived the round trip.
    expect(schedule.Target?.RoleArn).toContain(`${config.projectName}-schedules`);
  }
  const rule = configUploadRuleName(config.projectName);
  states[rule] = (await events.send(new DescribeRuleCommand({ Name: rule }))).State;
  scheduler.destroy();
  events.destroy();
  return states;
}

/** The teardown result a run of the teardown workflow ended with. */
function teardownResult(outcome: Awaited<ReturnType<LocalPipeline['teardown']>>): TeardownResult {
  return succeeded(outcome) as unknown as TeardownResult;
}

test(
  'the teardown disables every schedule and the config-upload rule, stops a training in progress, and leaves nothing',
  async () => {
    // Prepare: a first run deploys everything, then the emulator trains for ten minutes and a version is training
    const motoEndpoint = process.env.MOTO_ENDPOINT ?? '';
    await resetMoto(motoEndpoint);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'teardown-triggers-'));
    const sampleDir = sampleData();
    const config = loadConfig('personalize.config.json');
    const start = (port: number, delays: EmulatorOptions['delays']): Promise<LocalAws> =>
      startLocalAws({ motoEndpoint, emulator: { dataDir, port, synchronous: 'NORMAL', delays } });
    let local = await start(0, 'zero');
    const { port } = local.emulator;
    const personalize = new PersonalizeClient({});
    try {
      const project = await provisionLocalProject(config, sampleDir);
      succeeded(await new LocalPipeline(config, project).run({}));
      await local.emulator.stop();
      local = await start(port, {
        default: { pendingMs: 0, inProgressMs: 0 },
        solutionVersion: { pendingMs: 0, inProgressMs: TRAINING_MS },
      });
      await deployTriggers(config);
      const pipeline = new LocalPipeline(config, project);
      const solutionArn = `${ARN}:solution/${config.projectName}-popular`;
      const { solutionVersionArn = '' } = await personalize.send(
        new CreateSolutionVersionCommand({ solutionArn, trainingMode: 'FULL' }),
      );
      const describe = async () =>
        (await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion
          ?.status;
      while ((await describe()) !== 'CREATE IN_PROGRESS') await new Promise((r) => setTimeout(r, 20));

      // Act: a dry run, then the teardown, watching the training's status until its solution goes
      const dry = teardownResult(await pipeline.teardown({ dryRun: true }));
      const statuses: string[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const status = await describe().catch(() => undefined);
          if (status !== undefined && statuses.at(-1) !== status) statuses.push(status);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const started = Date.now();
      const result = teardownResult(await pipeline.teardown({}, { waitMsByState: { WaitForDeletion: 200 } }));
      const tookMs = Date.now() - started;
      watching = false;
      await watcher;
      const afterTeardown = await triggerStates(config);
      const reenabled = teardownResult(await pipeline.teardown({ reenable: true }));

      // Assess
      const scheduleNames = projectSchedules(config).map((s) => s.name);
      const rule = configUploadRuleName(config.projectName);
      expect(dry.wouldDisable).toHaveLength(scheduleNames.length + 1);
      expect(dry.wouldDisable?.join(' ')).toContain(`rule/${rule}`);
      expect(dry.wouldStop).toEqual([solutionVersionArn]);
      expect(dry.wouldDelete?.length).toBeGreaterThan(0);
      expect(result.done).toBe(true);
      expect(Object.values(afterTeardown)).toEqual([...scheduleNames, rule].map(() => 'DISABLED'));
      expect(statuses[0]).toBe('CREATE IN_PROGRESS');
      expect(statuses).toContain('CREATE STOPPED');
      expect(statuses).not.toContain('ACTIVE');
      expect(tookMs).toBeLessThan(TRAINING_MS / 2);
      const groups = (await personalize.send(new ListDatasetGroupsCommand({}))).datasetGroups ?? [];
      expect(groups).toEqual([]);
      expect(reenabled.enabled).toHaveLength(scheduleNames.length + 1);
      expect(Object.values(await triggerStates(config))).toEqual(
        [...scheduleNames, rule].map(() => 'ENABLED'),
      );
    } finally {
      personalize.destroy();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(sampleDir, { recursive: true, force: true });
    }
  },
  END_TO_END_TIMEOUT_MS,
);
