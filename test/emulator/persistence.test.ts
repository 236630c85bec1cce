import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateSchemaCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  ListSchemasCommand,
  type DatasetSchemaSummary,
} from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { freePort } from '../../local/harness/moto';
import {
  admin,
  clientsFor,
  ROOT,
  SMALL_INTERACTIONS_SCHEMA,
  startTestEmulator,
  waitFor,
  type Clients,
} from './helpers';

/** Starts the CLI as a child process and resolves once it answers /_emulator/health. */
async function spawnCli(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'local', 'emulator', 'cli.ts'),
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--zero-delays',
    ],
    {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await waitFor(
    () =>
      fetch(`http://127.0.0.1:${port}/_emulator/health`).then(
        (r) => r.ok,
        () => false,
      ),
    (ok) => ok,
    30_000,
  );
  return child;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function allSchemas(clients: Clients): Promise<DatasetSchemaSummary[]> {
  const out: DatasetSchemaSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.control.send(new ListSchemasCommand({ maxResults: 100, nextToken }));
    out.push(...(page.schemas ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

describe('persistence', () => {
  test('SIGKILL during a run of writes loses no acknowledged resource or event', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'personalize-kill-'));
    const port = await freePort();
    let child = await spawnCli(dataDir, port);
    let clients = clientsFor(`http://127.0.0.1:${port}`);
    const { datasetGroupArn } = await clients.control.send(
      new CreateDatasetGroupCommand({ name: 'kill-group' }),
    );
    await waitFor(
      () => clients.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const { CreateDatasetCommand, DescribeDatasetCommand } = await import('@aws-sdk/client-personalize');
    const { schemaArn } = await clients.control.send(
      new CreateSchemaCommand({ name: 'kill-interactions', schema: SMALL_INTERACTIONS_SCHEMA }),
    );
    const { datasetArn } = await clients.control.send(
      new CreateDatasetCommand({
        name: 'kill-interactions',
        datasetGroupArn,
        schemaArn,
        datasetType: 'Interactions',
      }),
    );
    await waitFor(
      () => clients.control.send(new DescribeDatasetCommand({ datasetArn })),
      (r) => r.dataset?.status === 'ACTIVE',
    );
    const { eventTrackerArn, trackingId } = await clients.control.send(
      new CreateEventTrackerCommand({ name: 'kill-tracker', datasetGroupArn }),
    );
    await waitFor(
      () => clients.control.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (r) => r.eventTracker?.status === 'ACTIVE',
    );

    const acknowledgedSchemas: string[] = [];
    let acknowledgedEvents = 0;
    let sentEvents = 0;
    let stop = false;
    const schemaWriter = (async () => {
      for (let i = 0; !stop; i += 1) {
        const name = `kill-schema-${i}`;
        try {
          await clients.control.send(new CreateSchemaCommand({ name, schema: SMALL_INTERACTIONS_SCHEMA }));
          acknowledgedSchemas.push(name);
        } catch {
          return;
        }
      }
    })();
    const eventWriter = (async () => {
      for (let i = 0; !stop; i += 1) {
        const eventList = Array.from({ length: 5 }, (_, k) => ({
          eventType: 'view',
          itemId: `i${k}`,
          eventId: `e${i}-${k}`,
          sentAt: new Date(1_700_000_000_000 + i * 1000 + k),
        }));
        sentEvents += eventList.length;
        try {
          await clients.events.send(
            new PutEventsCommand({ trackingId, sessionId: `s${i % 7}`, userId: `u${i % 7}`, eventList }),
          );
          acknowledgedEvents += eventList.length;
        } catch {
          return;
        }
      }
    })();

    // Act
    await waitFor(
      async () => acknowledgedSchemas.length >= 30 && acknowledgedEvents >= 150,
      (enough) => enough,
      60_000,
    );
    child.kill('SIGKILL');
    await killed(child);
    stop = true;
    await Promise.all([schemaWriter, eventWriter]);
    clients.control.destroy();
    clients.events.destroy();
    child = await spawnCli(dataDir, port);
    clients = clientsFor(`http://127.0.0.1:${port}`);
    const schemas = new Set((await allSchemas(clients)).map((s) => s.name));
    const stats = await admin<{ datasets: { datasetArn: string; records: number }[] }>(
      `http://127.0.0.1:${port}`,
      '/_emulator/stats',
    );
    child.kill('SIGKILL');
    await killed(child);
    clients.control.destroy();
    clients.events.destroy();
    rmSync(dataDir, { recursive: true, force: true });

    // Assess
    for (const name of acknowledgedSchemas) expect(schemas.has(name)).toBe(true);
    const stored = stats.datasets.find((d) => d.datasetArn === datasetArn)?.records ?? 0;
    expect(stored).toBeGreaterThanOrEqual(acknowledgedEvents);
    expect(stored).toBeLessThanOrEqual(sentEvents);
  }, 120_000);

  test('a resource CREATE PENDING when the emulator stops becomes ACTIVE after a restart', async () => {
    // Prepare
    const slow = await startTestEmulator({
      delays: { default: { pendingMs: 600_000, inProgressMs: 600_000 } },
    });
    const { datasetGroupArn } = await slow.control.send(
      new CreateDatasetGroupCommand({ name: 'resume-group' }),
    );
    const before = await slow.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
    await slow.emulator.stop();

    // Act
    const restarted = await startTestEmulator({ dataDir: slow.dataDir });
    const after = await waitFor(
      () => restarted.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    await restarted.close();
    rmSync(slow.dataDir, { recursive: true, force: true });

    // Assess
    expect(before.datasetGroup?.status).toBe('CREATE PENDING');
    expect(after.datasetGroup?.status).toBe('ACTIVE');
  });

  test('a resource CREATE IN_PROGRESS when the emulator stops resumes and finishes after a restart', async () => {
    // Prepare
    const slow = await startTestEmulator({ delays: { default: { pendingMs: 0, inProgressMs: 600_000 } } });
    const { datasetGroupArn } = await slow.control.send(
      new CreateDatasetGroupCommand({ name: 'resume-in-progress' }),
    );
    await waitFor(
      () => slow.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'CREATE IN_PROGRESS',
    );
    await slow.emulator.stop();

    // Act
    const restarted = await startTestEmulator({ dataDir: slow.dataDir });
    const after = await waitFor(
      () => restarted.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    await restarted.close();
    rmSync(slow.dataDir, { recursive: true, force: true });

    // Assess
    expect(after.datasetGroup?.name).toBe('resume-in-progress');
  });
});
