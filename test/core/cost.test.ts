import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config';
import { runsPerMonth } from '../../core/config/schedule';
import {
  BRIEF_EXAMPLE_VOLUMES,
  estimateMonthlyCost,
  formatEstimate,
  HOURS_PER_MONTH,
} from '../../core/cost/estimate';
import { DEFAULT_PRICES } from '../../core/cost/prices';
import { deploymentEndpointServices } from '../../core/network';

const ROOT = join(__dirname, '..', '..');

describe('runsPerMonth', () => {
  test.each([
    ['rate(1 day)', 30.4375],
    ['rate(12 hours)', 60.875],
    ['rate(30 minutes)', 1461],
    ['cron(0 3 ? * SUN *)', 52 / 12],
    ['cron(0 3 ? * MON-SAT *)', 313 / 12],
    ['cron(0 2 * * ? *)', 365 / 12],
    ['cron(0/15 * * * ? *)', (4 * 24 * 365) / 12],
    ['cron(0 3 1 * ? *)', 1],
    ['cron(0 3 1 1,7 ? *)', 2 / 12],
    ['cron(0 3 ? * 6#3 *)', 1],
    ['cron(0 3 L * ? *)', 1],
  ])('counts %s as %d runs a month', (expression, runs) => {
    // Act & Assess
    expect(runsPerMonth(expression)).toBeCloseTo(runs, 6);
  });

  test('refuses an expression that is not a schedule', () => {
    // Act & Assess
    expect(() => runsPerMonth('cron(0 3 * * * *)')).toThrow(
      'Not a valid schedule expression: cron(0 3 * * * *)',
    );
  });
});

describe('estimateMonthlyCost', () => {
  test("reproduces the product brief's worked example: $50 + $4 + $200 + $250 = $504 a month", () => {
    // Act
    const estimate = estimateMonthlyCost(
      { solutions: [], batchJobs: [] },
      BRIEF_EXAMPLE_VOLUMES,
      DEFAULT_PRICES,
      {
        personalizeOnly: true,
      },
    );

    // Assess
    expect(estimate.lines.map((l) => [l.item, l.quantity, l.usd])).toEqual([
      ['Personalize data ingestion', 1_000_000, 50],
      ['Personalize training', 10, 4],
      ['Personalize real-time recommendations', 1_000_000, 200],
      ['Personalize events', 5_000_000, 250],
    ]);
    expect(estimate.totalUsd).toBeCloseTo(504, 9);
  });

  test('bills every campaign for its minimum TPS every hour, and counts it as idle cost', () => {
    // Prepare
    const config = loadConfig(join(ROOT, 'personalize.config.json'));
    const tps = config.solutions.reduce((sum, s) => sum + (s.campaign?.minProvisionedTPS ?? 0), 0);

    // Act
    const estimate = estimateMonthlyCost(config, {}, DEFAULT_PRICES);

    // Assess
    const campaigns = estimate.lines.find((l) => l.item.startsWith('Personalize campaigns'));
    expect(campaigns?.quantity).toBeCloseTo(tps * HOURS_PER_MONTH, 6);
    expect(campaigns?.usd).toBeCloseTo(tps * HOURS_PER_MONTH * 0.2, 6);
    expect(estimate.idleUsd - estimate.idleWithoutCampaignsUsd).toBeCloseTo(campaigns?.usd ?? NaN, 6);
  });

  test('derives training hours from the schedules: weekly FULL and Monday-to-Saturday UPDATE plus a manual run each', () => {
    // Prepare
    const config = loadConfig(join(ROOT, 'personalize.config.json'));

    // Act
    const estimate = estimateMonthlyCost(
      config,
      { fullTrainingHours: 2, updateTrainingHours: 0.5, manualRuns: 1 },
      DEFAULT_PRICES,
    );

    // Assess: one solution has both schedules; every solution gets the manual FULL run.
    const full = config.solutions.length + 52 / 12;
    const update = 313 / 12;
    const training = estimate.lines.find((l) => l.item === 'Personalize training');
    expect(training?.quantity).toBeCloseTo(full * 2 + update * 0.5, 6);
  });

  test('prices the network profile: each interface endpoint in each AZ every hour, idle or not', () => {
    // Act
    const estimate = estimateMonthlyCost(
      { solutions: [], batchJobs: [] },
      { interfaceEndpoints: 6, availabilityZones: 2 },
      DEFAULT_PRICES,
    );

    // Assess
    const endpoints = estimate.lines.find((l) => l.item === 'VPC interface endpoints');
    expect(endpoints?.usd).toBeCloseTo(6 * 2 * HOURS_PER_MONTH * 0.01, 6);
    expect(estimate.idleWithoutCampaignsUsd).toBeCloseTo(endpoints?.usd ?? NaN, 6);
  });

  test('says what batch instead of real-time and half the retraining would save', () => {
    // Prepare
    const config = loadConfig(join(ROOT, 'personalize.config.json'));

    // Act
    const estimate = estimateMonthlyCost(
      config,
      { recommendationRequests: 100_000, trainingHours: 20 },
      DEFAULT_PRICES,
    );

    // Assess: real-time = requests + campaign hours; batch = the same recommendations at the batch price.
    const tps = config.solutions.reduce((sum, s) => sum + (s.campaign?.minProvisionedTPS ?? 0), 0);
    const realTime = 100 * 0.2 + tps * HOURS_PER_MONTH * 0.2;
    expect(estimate.savings[0]?.usd).toBeCloseTo(realTime - 100 * 0.067, 6);
    expect(estimate.savings[1]).toEqual({ change: expect.stringContaining('retrain half as often'), usd: 4 });
  });

  test('formats a table with the total, the idle cost and the savings', () => {
    // Act
    const text = formatEstimate(
      estimateMonthlyCost({ solutions: [], batchJobs: [] }, BRIEF_EXAMPLE_VOLUMES, DEFAULT_PRICES, {
        personalizeOnly: true,
      }),
    );

    // Assess
    expect(text).toContain('Personalize events                     5,000,000 events');
    expect(text).toContain('Total ≈ $504.00 / month');
    expect(text).toContain('Could save:');
  });
});

describe('deploymentEndpointServices', () => {
  test('lists the services the functions of the sample config call: S3 and DynamoDB through gateway endpoints', () => {
    // Prepare
    const config = loadConfig(join(ROOT, 'personalize.config.json'));

    // Act
    const services = deploymentEndpointServices(config).map(({ name, kind }) => ({ name, kind }));

    // Assess
    expect(services).toEqual([
      { name: 'dynamodb', kind: 'gateway' },
      { name: 'events', kind: 'interface' },
      { name: 'monitoring', kind: 'interface' },
      { name: 'personalize', kind: 'interface' },
      { name: 'personalize-events', kind: 'interface' },
      { name: 'personalize-runtime', kind: 'interface' },
      { name: 's3', kind: 'gateway' },
      { name: 'scheduler', kind: 'interface' },
      { name: 'sns', kind: 'interface' },
      { name: 'sqs', kind: 'interface' },
      { name: 'ssm', kind: 'interface' },
      { name: 'xray', kind: 'interface' },
    ]);
  });

  test('needs no serving endpoints for a config without the API', () => {
    // Prepare
    const config = { ...loadConfig(join(ROOT, 'personalize.config.json')), serving: undefined };

    // Act
    const names = deploymentEndpointServices(config).map((s) => s.name);

    // Assess: DynamoDB (a free gateway endpoint) is the pipeline's run lease table.
    expect(names).toEqual([
      'dynamodb',
      'events',
      'monitoring',
      'personalize',
      's3',
      'scheduler',
      'sns',
      'ssm',
      'xray',
    ]);
  });
});

describe('npm run cost', () => {
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'cost.ts'), ...args],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );

  test('prints the worked example with --example', () => {
    // Act
    const result = run('--example');

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Total ≈ $504.00 / month');
  });

  test("prints the sample config with its idle cost and the interface endpoints of the config's network", () => {
    // Act
    const result = run();

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('network profile "prod" (2 AZ, from the config)');
    expect(result.stdout).toContain('10 endpoints × 2 AZ');
    expect(result.stdout).toMatch(/the stacks alone, with no campaign, ≈ \$146\.10 \/ month/);
  });

  test('reads the network profile from the config, which --network overrides', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cost-'));
    cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
    const file = join(dir, 'dev.config.json');
    const sample = JSON.parse(readFileSync(join(ROOT, 'personalize.config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(file, JSON.stringify({ ...sample, $schema: undefined, network: { profile: 'dev' } }));

    // Act
    const fromConfig = run('--config', file);
    const overridden = run('--config', file, '--network', 'none');

    // Assess
    expect(fromConfig.status).toBe(0);
    expect(fromConfig.stdout).toContain('network profile "dev" (1 AZ, from the config)');
    expect(fromConfig.stdout).toMatch(/the stacks alone, with no campaign, ≈ \$73\.05 \/ month/);
    expect(overridden.stdout).toContain('no private network (from --network)');
    expect(overridden.stdout).toMatch(/the stacks alone, with no campaign, ≈ \$0\.00 \/ month/);
  });

  test('names the field of a volumes file it cannot use', () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'cost-')), 'volumes.json');
    writeFileSync(file, JSON.stringify({ events: -5, requests: 10 }));

    // Act
    const result = run('--volumes', file);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Invalid volumes in ${file}:`);
    expect(result.stderr).toContain('events: Too small: expected number to be >=0');
    expect(result.stderr).toContain('Unrecognized key: "requests"');
  });

  test('refuses an unknown network profile, naming the ones it knows', () => {
    // Act
    const result = run('--network', 'big');

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--network "big" is not a profile; use one of none, dev, prod');
  });
});

describe('recommenders in the estimate', () => {
  test('bill each running recommender its minimum requests per second for every hour, and a stopped one nothing', () => {
    // Prepare
    const recommender = (rps: number, stopped = false) => ({
      recommenderConfig: { minRecommendationRequestsPerSecond: rps },
      stopped,
    });

    // Act
    const estimate = estimateMonthlyCost(
      { solutions: [], batchJobs: [], recommenders: [recommender(1), recommender(2), recommender(5, true)] },
      {},
      DEFAULT_PRICES,
    );

    // Assess
    const line = estimate.lines.find((l) => l.item === 'Personalize recommenders (minimum requests)');
    expect(line?.quantity).toBe(3 * 3600 * HOURS_PER_MONTH);
    expect(line?.usd).toBeCloseTo(((3 * 3600 * HOURS_PER_MONTH) / 1000) * 0.2, 6);
    expect(line?.idle).toBe('campaigns');
  });

  test('leave the line out without recommenders', () => {
    const estimate = estimateMonthlyCost({ solutions: [], batchJobs: [] }, {}, DEFAULT_PRICES);
    expect(estimate.lines.map((l) => l.item)).not.toContain('Personalize recommenders (minimum requests)');
  });
});
