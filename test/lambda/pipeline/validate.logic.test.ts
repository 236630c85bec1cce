import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildRunState,
  checkConfig,
  FileAnalysis,
  runOptions,
  schemaKeyFor,
  splitInlineSchemas,
  undeployedStageProblems,
} from '../../../lambda/pipeline/validate.logic';
import { loadConfig } from '../../../core/config';
import { resolveConfig } from '../../../core/config/resolved';
import { compactTimestamp, importJobName } from '../../../core/names';
import { parseSchema } from '../../../core/schema-rules';

const ROOT = join(__dirname, '..', '..', '..');
const schema = (name: string): string => readFileSync(join(ROOT, 'schemas', `${name}.json`), 'utf8');

function minimalConfig(): Record<string, unknown> {
  return {
    projectName: 'shop',
    datasets: {
      interactions: { schemaFile: 'schemas/interactions.json', dataLocation: 'datasets/interactions/' },
    },
    solutions: [{ name: 'popular', recipe: 'aws-popularity-count', campaign: { minProvisionedTPS: 1 } }],
  };
}

describe('config resolution', () => {
  test('takes inline schemas, as text or object, out of the datasets', () => {
    // Prepare
    const document = minimalConfig();
    const datasets = document.datasets as Record<string, Record<string, unknown>>;
    datasets.interactions = { ...datasets.interactions, schema: JSON.parse(schema('interactions')) };
    // Act
    const split = splitInlineSchemas(document);
    // Assess
    expect(JSON.parse(split.schemas.interactions ?? '')).toEqual(JSON.parse(schema('interactions')));
    expect(
      (split.document as { datasets: { interactions: object } }).datasets.interactions,
    ).not.toHaveProperty('schema');
  });

  test('resolves schema files relative to the folder of a config stored in S3', () => {
    expect(schemaKeyFor('configs/prod/personalize.config.json', 'schemas/items.json')).toBe(
      'configs/prod/schemas/items.json',
    );
    expect(schemaKeyFor('personalize.config.json', 'schemas/items.json')).toBe('schemas/items.json');
  });

  test('attaches each dataset schema to a valid config', () => {
    // Act
    const check = checkConfig(minimalConfig(), 'input.config', () => ({ schema: schema('interactions') }));
    // Assess
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.config.datasets.interactions.schema).toBe(schema('interactions'));
    expect(check.config.qualityGate.metric).toBe('normalized_discounted_cumulative_gain_at_10');
    expect(check.fields.interactions?.map((f) => f.name)).toContain('TIMESTAMP');
  });

  test('reports config problems with their source and path', () => {
    const document = { ...minimalConfig(), solutions: [{ name: 'x', recipe: 'aws-nope' }] };
    const check = checkConfig(document, 's3://b/c.json', () => ({ schema: schema('interactions') }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.join('\n')).toMatch(
      /^config s3:\/\/b\/c\.json: solutions\[0\]\.recipe: unknown recipe "aws-nope"/m,
    );
  });

  test('reports an invalid schema naming the schema file and dataset', () => {
    const bad = JSON.stringify({
      type: 'record',
      name: 'Interactions',
      fields: [{ name: 'USER_ID', type: 'string' }],
      version: '1.0',
    });
    const check = checkConfig(minimalConfig(), 'input.config', () => ({ schema: bad }));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems[0]).toMatch(
      /^schema schemas\/interactions\.json \(datasets\.interactions\): .*ITEM_ID/,
    );
  });

  test('reports a filter on a column no schema has, naming the filter', () => {
    // Prepare
    const document = {
      ...minimalConfig(),
      filters: [{ name: 'type', expression: 'INCLUDE ItemID WHERE Interactions.EVENT_KIND IN ("view")' }],
    };
    // Act
    const check = checkConfig(document, 'input.config', () => ({ schema: schema('interactions') }));
    // Assess
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems.join('\n')).toMatch(
      /^config input\.config: filters\[0\]\.expression: .*EVENT_KIND/,
    );
  });

  test('reports a missing schema with the sentence the caller gives', () => {
    const check = checkConfig(minimalConfig(), 'input.config', () => ({
      problem: 'datasets.interactions.schema: missing',
    }));
    expect(check).toEqual({ ok: false, problems: ['datasets.interactions.schema: missing'] });
  });
});

describe('a run config against the deployed pipeline', () => {
  const recommenders = [
    {
      name: 'for-you',
      useCase: 'aws-ecomm-recommended-for-you',
      recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      stopped: false,
    },
  ];
  const metricAttribution = {
    metrics: [{ eventType: 'Purchase', metricName: 'PURCHASES', expression: 'SAMPLECOUNT()' }],
  };

  test('refuses recommenders and a metric attribution the deployed pipeline has no stages for, saying to deploy first', () => {
    // Act
    const problems = undeployedStageProblems(
      { recommenders, metricAttribution },
      { recommenders: [] },
      'input.config',
    );

    // Assess
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^config input\.config: recommenders: the deployed pipeline has no recommender stages/,
    );
    expect(problems[1]).toMatch(
      /^config input\.config: metricAttribution: the deployed pipeline has no metric attribution stage/,
    );
    for (const problem of problems) expect(problem).toContain('deploy this config first (cdk deploy)');
  });

  test('refuses them against a deployed config that predates them (no such keys)', () => {
    const problems = undeployedStageProblems({ recommenders, metricAttribution }, {}, 's3://b/k.json');
    expect(problems.map((p) => p.split(': ')[1])).toEqual(['recommenders', 'metricAttribution']);
  });

  test('accepts them when the deployed config has them, even with other recommenders or metrics', () => {
    const problems = undeployedStageProblems(
      { recommenders, metricAttribution },
      {
        recommenders: [{ ...recommenders[0], name: 'other' } as (typeof recommenders)[number]],
        metricAttribution: { metrics: [] },
      },
      'input.config',
    );
    expect(problems).toEqual([]);
  });

  test('accepts a run config without them against any deployment', () => {
    expect(undeployedStageProblems({ recommenders: [] }, {}, 'input.config')).toEqual([]);
  });
});

describe('run options', () => {
  const check = checkConfig(minimalConfig(), 'input.config', () => ({ schema: schema('interactions') }));
  if (!check.ok) throw new Error('fixture config must be valid');
  const config = check.config;

  test('selects every solution by default and does not force', () => {
    expect(runOptions({}, config)).toEqual({
      options: { force: false, solutions: ['popular'], batchJobs: [] },
      problems: [],
    });
  });

  test('an empty solutions list selects no solution (a batch job schedule trains nothing)', () => {
    expect(runOptions({ solutions: [] }, config).options.solutions).toEqual([]);
  });

  test('selects the named batch jobs, and rejects unknown batch job names, listing the known ones', () => {
    // Prepare
    const withJobs = {
      ...config,
      batchJobs: [{ name: 'nightly', type: 'inference' as const, solution: 'popular' }],
    };
    // Act
    const known = runOptions({ solutions: [], batchJobs: ['nightly', 'nightly'] }, withJobs);
    const unknown = runOptions({ batchJobs: ['weekly'] }, withJobs);
    const none = runOptions({ batchJobs: ['weekly'] }, config);
    // Assess
    expect(known).toEqual({ options: { force: false, solutions: [], batchJobs: ['nightly'] }, problems: [] });
    expect(unknown.problems).toEqual([
      'input.batchJobs: unknown batch job "weekly"; the config defines nightly.',
    ]);
    expect(none.problems).toEqual(['input.batchJobs: unknown batch job "weekly"; the config defines none.']);
  });

  test('rejects unknown solution names, listing the known ones', () => {
    const { problems } = runOptions({ solutions: ['nope'] }, config);
    expect(problems).toEqual(['input.solutions: unknown solution "nope"; the config defines popular.']);
  });

  test('rejects UPDATE training for a selected solution whose recipe cannot update', () => {
    const { problems } = runOptions({ trainingMode: 'UPDATE' }, config);
    expect(problems[0]).toContain('aws-popularity-count, which cannot be trained with UPDATE');
  });
});

describe('file analysis', () => {
  test('names file, line and column of a millisecond timestamp', () => {
    // Prepare
    const fields = parseSchema(schema('interactions')).fields;
    const analysis = new FileAnalysis('s3://b/i.csv', fields);
    // Act
    analysis.header([
      'USER_ID',
      'ITEM_ID',
      'TIMESTAMP',
      'EVENT_TYPE',
      'EVENT_VALUE',
      'IMPRESSION',
      'RECOMMENDATION_ID',
    ]);
    analysis.row(['u1', 'i1', '1700000000', 'view', '', '', ''], 2);
    analysis.row(['u1', 'i2', '1700000000000', 'view', '', '', ''], 3);
    const problems = analysis.finish();
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^s3:\/\/b\/i\.csv line 3 column TIMESTAMP: .*milliseconds/);
  });

  test('lists at most 10 row problems per file and counts the rest', () => {
    const fields = parseSchema(schema('interactions')).fields;
    const analysis = new FileAnalysis('s3://b/i.csv', fields);
    analysis.header([
      'USER_ID',
      'ITEM_ID',
      'TIMESTAMP',
      'EVENT_TYPE',
      'EVENT_VALUE',
      'IMPRESSION',
      'RECOMMENDATION_ID',
    ]);
    for (let line = 2; line < 27; line += 1) analysis.row(['u', 'i', 'soon', 'view', '', '', ''], line);
    const problems = analysis.finish();
    expect(problems).toHaveLength(11);
    expect(problems[10]).toBe('s3://b/i.csv: 15 more rows with problems (25 of 25 rows in all).');
  });

  test('says a UTF-16 file must be saved as UTF-8, and checks none of its rows', () => {
    // Prepare
    const fields = parseSchema(schema('interactions')).fields;
    const analysis = new FileAnalysis('s3://b/i.csv', fields);
    const utf16Header = Buffer.from('USER_ID,ITEM_ID', 'utf16le').toString('utf8').split(',');
    // Act
    const readOn = analysis.header(utf16Header);
    // Assess
    expect(readOn).toBe(false);
    expect(analysis.finish()).toEqual([
      's3://b/i.csv line 1: the file is not UTF-8 text (it looks UTF-16 encoded); save or export it as CSV in UTF-8.',
    ]);
  });

  test('reports an empty file', () => {
    const analysis = new FileAnalysis('s3://b/empty.csv', []);
    expect(analysis.finish()).toEqual(['s3://b/empty.csv: the file is empty; it needs a header row.']);
  });
});

describe('the run state', () => {
  test('formats run ids as UTC yyyymmddhhmmss', () => {
    expect(compactTimestamp(new Date('2026-11-28T12:05:09.123Z'))).toBe('20261128120509');
  });

  test('gives two executions started in the same second different run ids, and so different job names', () => {
    // Prepare
    const config = resolveConfig(loadConfig('personalize.config.json'), () => '{}');
    const options = { force: false, solutions: [], batchJobs: [] };
    const now = new Date('2026-12-05T12:00:00.500Z');
    const startTime = '2026-12-05T12:00:00.000Z';

    // Act
    const first = buildRunState(config, options, now, { name: 'config-upload-1f2e', startTime });
    const second = buildRunState(config, options, now, { name: 'schedule-retrain-9a8b', startTime });

    // Assess
    expect(first.runId).toMatch(/^261205\d{8}$/);
    expect(second.runId).toMatch(/^261205\d{8}$/);
    expect(first.runId).not.toBe(second.runId);
    expect(importJobName('shop-recs', 'items', first.runId)).not.toBe(
      importJobName('shop-recs', 'items', second.runId),
    );
  });

  test('gives every retry of a step of one execution the same run id, and carries the lease the run took', () => {
    // Prepare
    const config = resolveConfig(loadConfig('personalize.config.json'), () => '{}');
    const options = { force: false, solutions: [], batchJobs: [] };
    const execution = { name: 'manual-run', startTime: '2026-12-05T12:00:00.000Z' };
    const lease = { acquired: true, waitSeconds: 0, waitedSeconds: 42, queuedBehind: 'arn:other' };

    // Act
    const first = buildRunState(config, options, new Date('2026-12-05T12:00:01Z'), execution, lease);
    const retried = buildRunState(config, options, new Date('2026-12-05T12:03:00Z'), execution, lease);

    // Assess
    expect(retried.runId).toBe(first.runId);
    expect(first.lease).toEqual(lease);
  });
});
