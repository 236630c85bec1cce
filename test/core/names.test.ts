import { loadConfig, parseConfig } from '../../core/config';
import {
  batchJobName,
  batchJobPrefixes,
  campaignName,
  compactTimestamp,
  DATASET_KEYS,
  datasetGroupName,
  datasetName,
  eventTrackerName,
  executionRunId,
  filterName,
  iamPatternMatches,
  importJobName,
  MAX_PROJECT_NAME_LENGTH,
  MAX_SCHEMA_GENERATION,
  metricAttributionName,
  nameProblems,
  type NamedConfig,
  personalizeResourcePatterns,
  recommenderName,
  ResourceNameError,
  schemaName,
  solutionName,
} from '../../core/names';
import { minimalConfig } from '../config/helpers';

const project32 = 'p'.repeat(MAX_PROJECT_NAME_LENGTH);
const name30 = 'n'.repeat(30);
const runId = compactTimestamp(new Date('2026-01-02T03:04:05Z'));

describe('run ids', () => {
  test('are 14 digits: the UTC start date and 8 digits of the execution name, matched by the IAM patterns', () => {
    // Prepare
    const start = new Date('2026-12-05T23:59:59Z');
    const config = { projectName: 'shop-recs', batchJobs: [{ name: 'nightly' }] };

    // Act
    const id = executionRunId('4f1c1d6e-8a4b-4c39-9d0e-1a2b3c4d5e6f', start);

    // Assess
    expect(id).toMatch(/^261205\d{8}$/);
    expect(executionRunId('4f1c1d6e-8a4b-4c39-9d0e-1a2b3c4d5e6f', start)).toBe(id);
    const arns = [
      `dataset-import-job/${importJobName('shop-recs', 'interactions', id)}`,
      `batch-inference-job/${batchJobName('shop-recs', 'nightly', id)}`,
    ];
    for (const arn of arns) {
      expect(personalizeResourcePatterns(config).some((pattern) => iamPatternMatches(pattern, arn))).toBe(
        true,
      );
    }
  });

  test('differ for executions started in the same second', () => {
    // Prepare
    const start = new Date('2026-12-05T12:00:00Z');
    const names = Array.from(
      { length: 1000 },
      (_, i) => `run-20261205120000-${i.toString(16).padStart(6, '0')}`,
    );

    // Act
    const ids = new Set(names.map((name) => executionRunId(name, start)));

    // Assess
    expect(ids.size).toBe(names.length);
  });

  test('refuse an empty execution name, naming it', () => {
    // Act & Assess
    expect(() => executionRunId('', new Date())).toThrow('the execution name is empty');
  });
});

describe('resource names', () => {
  test('prefix every resource with the project name', () => {
    // Act & Assess
    expect(solutionName('shop-recs', 'popular')).toBe('shop-recs-popular');
    expect(campaignName('shop-recs', 'popular')).toBe('shop-recs-popular');
    expect(datasetName('shop-recs', 'items')).toBe('shop-recs-items');
    expect(schemaName('shop-recs', 'items', 3)).toBe('shop-recs-items-v3');
    expect(importJobName('shop-recs', 'items', runId)).toBe('shop-recs-items-20260102030405');
    expect(eventTrackerName('shop-recs')).toBe('shop-recs-tracker');
    expect(batchJobName('shop-recs', 'nightly', runId)).toBe('shop-recs-nightly-20260102030405');
    expect(filterName('shop-recs', 'cheap', 'EXCLUDE ItemID WHERE Items.PRICE > 10')).toMatch(
      /^shop-recs-cheap-[0-9a-f]{8}$/,
    );
  });

  test('name the dataset group after the project itself', () => {
    // Act & Assess
    expect(datasetGroupName('shop-recs')).toBe('shop-recs');
  });

  test('refuse to generate a name longer than Personalize allows', () => {
    // Prepare
    const name = 'x'.repeat(60);

    // Act & Assess
    expect(() => solutionName('shop', name)).toThrow(ResourceNameError);
    expect(() => solutionName('shop', name)).toThrow(
      `Resource name "shop-${name}" is 65 characters long; Personalize allows at most 63.`,
    );
  });

  test('refuse to generate a name with characters Personalize does not accept', () => {
    // Act & Assess
    expect(() => solutionName('shop', 'with space')).toThrow(
      'Resource name "shop-with space" may only contain letters, digits, "-" and "_", and must start with a letter or digit.',
    );
  });
});

describe('nameProblems: every name the pipeline creates, at its longest', () => {
  // Every generator the pipeline calls at run time, with the config that feeds it at its maximum.
  type Generator = [string, keyof NamedConfig | undefined, (config: NamedConfig, name: string) => string];
  const perDataset = (
    noun: string,
    generate: (project: string, key: (typeof DATASET_KEYS)[number]) => string,
  ) =>
    DATASET_KEYS.map((key): Generator => [`${noun} ${key}`, undefined, (c) => generate(c.projectName, key)]);
  const generators: Generator[] = [
    ['dataset group', undefined, (c) => datasetGroupName(c.projectName)],
    ...perDataset('schema', (p, key) => schemaName(p, key, MAX_SCHEMA_GENERATION)),
    ...perDataset('dataset', (p, key) => datasetName(p, key)),
    ...perDataset('import job', (p, key) => importJobName(p, key, runId)),
    ['event tracker', undefined, (c) => eventTrackerName(c.projectName)],
    ['solution', 'solutions', (c, n) => solutionName(c.projectName, n)],
    ['campaign', 'solutions', (c, n) => campaignName(c.projectName, n)],
    ['filter', 'filters', (c, n) => filterName(c.projectName, n, 'EXCLUDE ItemID WHERE Items.X IN ("a")')],
    ['batch job', 'batchJobs', (c, n) => batchJobName(c.projectName, n, runId)],
    ['recommender', 'recommenders', (c, n) => recommenderName(c.projectName, n)],
    ['metric attribution', undefined, (c) => metricAttributionName(c.projectName)],
  ];

  test.each(generators)(
    'accept a config exactly when the %s name it generates is valid',
    (_noun, section, generate) => {
      // Prepare: the longest project name, and the longest name the check lets through for this section.
      const longestAccepted = (length: number): NamedConfig => ({
        projectName: project32,
        ...(section ? { [section]: [{ name: 'n'.repeat(length) }] } : {}),
      });
      let length = 1;
      while (section && nameProblems(longestAccepted(length + 1)).length === 0) length++;
      const accepted = longestAccepted(length);

      // Act & Assess: what the check accepts generates without error ...
      expect(nameProblems(accepted)).toEqual([]);
      expect(() => generate(accepted, 'n'.repeat(length))).not.toThrow();
      // ... and one character more is refused by both.
      if (section) {
        const refused = longestAccepted(length + 1);
        expect(nameProblems(refused)).not.toEqual([]);
        expect(() => generate(refused, 'n'.repeat(length + 1))).toThrow(ResourceNameError);
      }
    },
  );

  test.each([
    [
      'filters',
      `the filter name "${project32}-${name30}-<8-character expression hash>" would be 72 characters; Personalize allows at most 63, so in project "${project32}" a filter name can have at most 21 characters`,
    ],
    [
      'batchJobs',
      `the batch job name "${project32}-${name30}-<14-digit run id>" would be 78 characters; Personalize allows at most 63, so in project "${project32}" a batch job name can have at most 15 characters`,
    ],
  ] as const)(
    'name the %s field and the limit for a 32-character project with 30-character names',
    (section, message) => {
      // Prepare
      const config: NamedConfig = { projectName: project32, [section]: [{ name: name30 }] };

      // Act
      const problems = nameProblems(config);

      // Assess
      expect(problems).toEqual([{ path: [section, 0, 'name'], message }]);
    },
  );

  test('fail config loading (and so cdk synth) for a 32-character project with 30-character filter and batch job names', () => {
    // Prepare
    const base = minimalConfig();
    const config = {
      ...base,
      projectName: project32,
      filters: [{ name: name30, expression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")' }],
      batchJobs: [{ name: name30, type: 'inference', solution: base.solutions[0]?.name }],
    };

    // Act
    const act = () => parseConfig(config);

    // Assess
    expect(act).toThrow(
      /filters\[0\]\.name: the filter name .* would be 72 characters; Personalize allows at most 63/,
    );
    expect(act).toThrow(
      /batchJobs\[0\]\.name: the batch job name .* would be 78 characters; Personalize allows at most 63/,
    );
  });
});

describe('personalizeResourcePatterns: IAM patterns that end at a name boundary', () => {
  const sample = loadConfig('personalize.config.json');
  /** Every resource (ARN suffix) a project with the sample config's names creates at run time. */
  function resourcesOf(project: string): string[] {
    const names: string[] = [
      `dataset-group/${datasetGroupName(project)}`,
      `event-tracker/${eventTrackerName(project)}`,
    ];
    for (const key of DATASET_KEYS) {
      names.push(`dataset/${project}/${key.toUpperCase()}`, `schema/${schemaName(project, key)}`);
      for (const version of [2, 10, MAX_SCHEMA_GENERATION])
        names.push(`schema/${schemaName(project, key, version)}`);
      names.push(`dataset-import-job/${importJobName(project, key, runId)}`);
    }
    for (const { name } of sample.solutions) {
      names.push(
        `solution/${solutionName(project, name)}`,
        `solution/${solutionName(project, name)}/1a2b3c4d`,
      );
      names.push(`campaign/${campaignName(project, name)}`);
    }
    for (const { name, expression } of sample.filters)
      names.push(`filter/${filterName(project, name, expression)}`);
    for (const { name } of sample.batchJobs) {
      names.push(`batch-inference-job/${batchJobName(project, name, runId)}`);
      names.push(`batch-segment-job/${batchJobName(project, name, runId)}`);
    }
    return names;
  }

  test('match every resource the project creates', () => {
    // Prepare
    const patterns = personalizeResourcePatterns(sample);

    // Act
    const unmatched = resourcesOf('shop-recs').filter((r) => !patterns.some((p) => iamPatternMatches(p, r)));

    // Assess
    expect(unmatched).toEqual([]);
  });

  test.each(['shop-recs-eu', 'shop-recs-eu-x', 'shop-recs-v1', 'shop-recs-similar-items', 'shop'])(
    'match no resource of a project named %s',
    (other) => {
      // Prepare
      const patterns = personalizeResourcePatterns(sample);

      // Act
      const reached = resourcesOf(other).filter((r) => patterns.some((p) => iamPatternMatches(p, r)));

      // Assess
      expect(reached).toEqual([]);
    },
  );
});

describe('batchJobPrefixes', () => {
  test('give each job its own input and output prefix in the data bucket', () => {
    // Act & Assess
    expect(batchJobPrefixes('nightly-recs')).toEqual({
      input: 'batch/nightly-recs/input/',
      output: 'batch/nightly-recs/output/',
    });
  });
});
