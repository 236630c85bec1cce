import {
  CreateDatasetGroupCommand,
  DescribeDatasetGroupCommand,
  type DescribeDatasetGroupCommandOutput,
} from '@aws-sdk/client-personalize';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine } from '../../local/emulator/cli-options';
import { clientsFor, ROOT, waitFor } from './helpers';

describe('the emulator command line', () => {
  test('--quota and --delay options become quota and delay overrides', () => {
    // Act
    const options = parseCommandLine([
      '--quota',
      'datasetGroups=20',
      '--quota',
      'pendingImportJobs=0',
      '--delay',
      'default=0,0',
      '--delay',
      'solutionVersion=500,3000',
      '--delay',
      'campaign=250',
    ]);

    // Assess
    expect(options).toEqual(
      expect.objectContaining({
        quotas: { datasetGroups: 20, pendingImportJobs: 0 },
        delays: {
          default: { pendingMs: 0, inProgressMs: 0 },
          solutionVersion: { pendingMs: 500, inProgressMs: 3000 },
          campaign: { pendingMs: 250, inProgressMs: 250 },
        },
      }),
    );
  });

  test('--resume-grace sets how long resumed jobs wait for their S3 data', () => {
    // Act
    const options = parseCommandLine(['--resume-grace', '5000']);

    // Assess
    expect(options).toEqual(expect.objectContaining({ resumeGraceMs: 5000 }));
  });

  test.each([
    [['--resume-grace', '2s'], '--resume-grace needs a whole number ≥ 0, got "2s"'],
    [['--quota', 'datasetGroup=3'], '--quota: unknown quota datasetGroup; quotas are datasetGroups,'],
    [['--quota', 'schemas=-1'], '--quota schemas needs a whole number ≥ 0, got "-1"'],
    [['--quota', 'schemas'], '--quota takes name=value, got "schemas"'],
    [['--delay', 'solutions=0,0'], '--delay: unknown kind solutions; use default or one of schema,'],
    [
      ['--delay', 'default=1,2,3'],
      '--delay default takes <pending>[,<inProgress>] milliseconds, got "1,2,3"',
    ],
    [['--delay', 'default=0', '--zero-delays'], '--zero-delays and --delay cannot be combined'],
    [['--delay', '__proto__=0'], '--delay: unknown kind __proto__'],
  ])('%j is refused with a message naming the option', (args, message) => {
    // Act
    const parse = (): unknown => parseCommandLine(args);

    // Assess
    expect(parse).toThrow(message);
  });

  test('npm run emulator with --quota and --delay enforces them over HTTP', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'personalize-cli-'));
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'local', 'emulator', 'cli.ts'),
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--synchronous',
        'NORMAL',
        '--quota',
        'datasetGroups=1',
        '--delay',
        'default=0,0',
        '--quiet',
      ],
      { cwd: ROOT },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const stop = async (): Promise<void> => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    };
    let active: DescribeDatasetGroupCommandOutput;
    let second: unknown;
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`the emulator exited with ${String(code)}`)));
      });
      const t = clientsFor(endpoint);

      // Act
      const { datasetGroupArn } = await t.control.send(new CreateDatasetGroupCommand({ name: 'cli-group' }));
      active = await waitFor(
        () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
        (r) => r.datasetGroup?.status === 'ACTIVE',
        5_000,
      );
      second = await t.control
        .send(new CreateDatasetGroupCommand({ name: 'cli-group-2' }))
        .catch((e: unknown) => e);
      t.control.destroy();
      t.runtime.destroy();
      t.events.destroy();
    } finally {
      await stop();
    }

    // Assess
    expect(active.datasetGroup?.status).toBe('ACTIVE');
    expect((second as Error).name).toBe('LimitExceededException');
    expect((second as Error).message).toBe(
      'Cannot create a dataset group: the limit of 1 dataset group is reached (quota datasetGroups).',
    );
  }, 60_000);
});
