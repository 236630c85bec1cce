import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_TIMEOUTS,
  datasetGroupName,
  effectiveQualityGate,
  loadConfig,
  parseConfig,
  solutionName,
} from '../../core/config';
import { minimalConfig } from './helpers';

const root = join(__dirname, '..', '..');
const samplePath = join(root, 'personalize.config.json');

describe('the sample shop config', () => {
  test('parses without issues', () => {
    // Act
    const config = loadConfig(samplePath);

    // Assess
    expect(config.projectName).toBe('shop-recs');
    expect(config.solutions.map((s) => [s.name, s.recipe])).toEqual([
      ['user-personalization', 'aws-user-personalization'],
      ['similar-items', 'aws-sims'],
      ['popular', 'aws-popularity-count'],
      ['ranking', 'aws-personalized-ranking'],
    ]);
    expect(config.filters.map((f) => f.name)).toEqual(['exclude-purchased', 'category']);
    expect(config.batchJobs).toEqual([
      {
        name: 'nightly-recs',
        type: 'inference',
        solution: 'user-personalization',
        numResults: 25,
        filter: 'exclude-purchased',
        schedule: 'cron(0 2 * * ? *)',
      },
    ]);
    expect(config.qualityGate).toEqual({
      metric: 'normalized_discounted_cumulative_gain_at_10',
      minimum: 0.02,
      maxRegression: 0.1,
    });
    expect(config.tags).toEqual({ application: 'personalize-pipeline' });
  });

  test('retrains user-personalization fully once a week and updates it on the other days', () => {
    // Act
    const [userPersonalization] = loadConfig(samplePath).solutions;

    // Assess
    expect(userPersonalization?.schedule).toEqual({
      full: 'cron(0 3 ? * SUN *)',
      update: 'cron(0 3 ? * MON-SAT *)',
    });
    expect(userPersonalization?.campaign).toEqual({ minProvisionedTPS: 1, explorationWeight: 0.3 });
  });

  test('points at schema files that exist in the repository', () => {
    // Act
    const config = loadConfig(samplePath);

    // Assess
    const files = Object.values(config.datasets).map((dataset) => dataset?.schemaFile ?? '');
    expect(files).toEqual(['schemas/interactions.json', 'schemas/items.json', 'schemas/users.json']);
    for (const file of files) expect(existsSync(join(root, file))).toBe(true);
  });

  test('references the JSON Schema committed next to it', () => {
    // Prepare
    const raw = JSON.parse(readFileSync(samplePath, 'utf8')) as { $schema?: string };

    // Assess
    expect(raw.$schema).toBe('./personalize.config.schema.json');
    expect(existsSync(join(root, 'personalize.config.schema.json'))).toBe(true);
  });
});

describe('defaults', () => {
  test('are applied to everything a minimal config leaves out', () => {
    // Act
    const config = parseConfig(minimalConfig());

    // Assess
    expect(config).toEqual({
      projectName: 'shop',
      datasetGroup: {},
      datasets: {
        interactions: {
          schemaFile: 'schemas/interactions.json',
          dataLocation: 'datasets/interactions/',
          importMode: 'FULL',
        },
      },
      solutions: [
        {
          name: 'recs',
          recipe: 'aws-user-personalization',
          trainingMode: 'FULL',
          performHPO: false,
          performAutoTraining: false,
        },
      ],
      filters: [],
      eventTracker: { enabled: true },
      recommenders: [],
      batchJobs: [],
      qualityGate: { metric: 'normalized_discounted_cumulative_gain_at_10', minimum: 0, maxRegression: 0.05 },
      network: { enabled: true, profile: 'prod' },
      timeouts: { import: 360, training: 1440, campaign: 120, batch: 720, other: 60 },
      runs: { overlap: 'queue' },
      tags: {},
    });
    expect(config.timeouts).toEqual(DEFAULT_TIMEOUTS);
  });

  test('fill in the parts of partly given sections', () => {
    // Prepare
    const input = {
      ...minimalConfig(),
      solutions: [{ name: 'recs', recipe: 'aws-user-personalization', campaign: { explorationWeight: 0.2 } }],
      qualityGate: { minimum: 0.1 },
      timeouts: { training: 2880 },
      eventTracker: {},
    };

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config.solutions[0]?.campaign).toEqual({ minProvisionedTPS: 1, explorationWeight: 0.2 });
    expect(config.qualityGate).toEqual({
      metric: 'normalized_discounted_cumulative_gain_at_10',
      minimum: 0.1,
      maxRegression: 0.05,
    });
    expect(config.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, training: 2880 });
    expect(config.eventTracker).toEqual({ enabled: true });
  });

  test('do not leak between parses', () => {
    // Prepare
    const first = parseConfig(minimalConfig());

    // Act
    first.tags.owner = 'someone';
    first.filters.push({ name: 'f', expression: 'EXCLUDE ItemID WHERE Items.X IN ("y")' });
    const second = parseConfig(minimalConfig());

    // Assess
    expect(second.tags).toEqual({});
    expect(second.filters).toEqual([]);
  });
});

describe('derived names and gates', () => {
  test('name every resource after the project', () => {
    // Prepare
    const config = loadConfig(samplePath);

    // Act & Assess
    expect(datasetGroupName(config.projectName)).toBe('shop-recs');
    expect(solutionName(config.projectName, 'similar-items')).toBe('shop-recs-similar-items');
  });

  test('merge a solution quality gate override over the top-level gate', () => {
    // Prepare
    const config = parseConfig({
      ...minimalConfig(),
      qualityGate: { metric: 'precision_at_10', minimum: 0.05, maxRegression: 0.2 },
      solutions: [
        { name: 'recs', recipe: 'aws-user-personalization', qualityGate: { minimum: 0.3 } },
        { name: 'popular', recipe: 'aws-popularity-count' },
      ],
    });

    // Act
    const [recs, popular] = config.solutions.map((solution) => effectiveQualityGate(config, solution));

    // Assess
    expect(recs).toEqual({ metric: 'precision_at_10', minimum: 0.3, maxRegression: 0.2 });
    expect(popular).toEqual({ metric: 'precision_at_10', minimum: 0.05, maxRegression: 0.2 });
  });
});
