/**
 * The validate step against moto: real S3 objects, the sample data, and broken variants of it.
 */
import { failure, putObjects, readRepoFile, setPipelineEnv, uploadSampleData } from '../helpers';
import type { ResolvedConfig, RunState, ValidateEvent } from '../../../core/pipeline-contract';

type Handler = (event: ValidateEvent) => Promise<RunState>;
let handler: Handler;

const SCHEMAS = {
  interactions: readRepoFile('schemas/interactions.json'),
  items: readRepoFile('schemas/items.json'),
  users: readRepoFile('schemas/users.json'),
};

/** An inline config over the uploaded sample data. */
function inlineConfig(
  overrides: { interactionsLocation?: string; recipe?: string } = {},
): Record<string, unknown> {
  return {
    projectName: 'validate-test',
    datasets: {
      interactions: {
        schemaFile: 'schemas/interactions.json',
        dataLocation: overrides.interactionsLocation ?? 'datasets/interactions/',
        schema: SCHEMAS.interactions,
      },
      items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/', schema: SCHEMAS.items },
    },
    solutions: [
      {
        name: 'popular',
        recipe: overrides.recipe ?? 'aws-popularity-count',
        campaign: { minProvisionedTPS: 1 },
      },
      { name: 'personal', recipe: 'aws-user-personalization' },
    ],
  };
}

const sampleInteractions = readRepoFile('sample-data/interactions.csv');
const [header = '', ...rows] = sampleInteractions.trimEnd().split('\n');

/** The sample interactions with three different mistakes past row 5,000. */
const lateMistakes = rows.map((row, i) => {
  const cells = row.split(',');
  if (i === 5200) cells[2] = '';
  if (i === 6100) cells[2] = '2026-01-01';
  if (i === 7000) cells[4] = 'lots';
  return cells.join(',');
});

beforeAll(async () => {
  setPipelineEnv('validate-test');
  await uploadSampleData();
  const withoutEventType = [
    header.replace(',EVENT_TYPE', ''),
    ...rows.slice(0, 2000).map((r) =>
      r
        .split(',')
        .filter((_, i) => i !== 3)
        .join(','),
    ),
  ];
  const msRows = rows
    .slice(0, 2000)
    .map((r, i) => (i === 41 ? r.replace(/,(\d{10}),/, (_m, s: string) => `,${s}000,`) : r));
  await putObjects({
    'bad/missing-column/interactions.csv': `${withoutEventType.join('\n')}\n`,
    'bad/milliseconds/interactions.csv': `${[header, ...msRows].join('\n')}\n`,
    'bad/too-little/interactions.csv': `${[header, ...rows.slice(0, 300)].join('\n')}\n`,
    'bad/late-mistakes/interactions.csv': `${[header, ...lateMistakes].join('\n')}\n`,
    'bad/semicolons/interactions.csv': `${[header, ...rows.slice(0, 2000)].join('\n').replaceAll(',', ';')}\n`,
    'bad/latin-1/interactions.csv': Buffer.concat([
      Buffer.from(`${[header, ...rows.slice(0, 1500)].join('\n')}\n`),
      Buffer.from('user-0001,item-caf\xe9,1700000000,view,,,\n', 'latin1'),
    ]),
    'configs/prod/personalize.config.json': JSON.stringify({
      ...inlineConfig(),
      datasets: {
        interactions: { schemaFile: 'schemas/interactions.json', dataLocation: 'datasets/interactions/' },
        users: { schemaFile: 'schemas/users.json', dataLocation: 'datasets/users/' },
      },
    }),
    'configs/prod/schemas/interactions.json': SCHEMAS.interactions,
    'configs/prod/schemas/users.json': SCHEMAS.users,
  });
  ({ handler } = await import('../../../lambda/pipeline/validate'));
});

describe('validate', () => {
  test('accepts the sample data with an inline config and returns the run state', async () => {
    // Act
    const state = await handler({ input: { config: inlineConfig() }, deployedConfig: {} as ResolvedConfig });
    // Assess
    expect(state.config.projectName).toBe('validate-test');
    expect(state.config.datasets.interactions.schema).toBe(SCHEMAS.interactions);
    expect(state.config.datasets.items?.schema).toBe(SCHEMAS.items);
    expect(state.options).toEqual({ force: false, solutions: ['popular', 'personal'], batchJobs: [] });
    expect(state.runId).toMatch(/^\d{14}$/);
    expect(Math.abs(state.startedAt - Date.now() / 1000)).toBeLessThan(120);
  });

  test('reads a config from S3 with its schema files resolved next to it', async () => {
    const state = await handler({
      input: {
        configLocation: { bucket: 'pipeline-data', key: 'configs/prod/personalize.config.json' },
        force: true,
        solutions: ['personal'],
        trainingMode: 'UPDATE',
      },
      deployedConfig: {} as ResolvedConfig,
    });
    expect(state.config.datasets.users?.schema).toBe(SCHEMAS.users);
    expect(state.options).toEqual({
      force: true,
      trainingMode: 'UPDATE',
      solutions: ['personal'],
      batchJobs: [],
    });
  });

  test('uses the deployed config when the input is empty', async () => {
    // Prepare
    const deployed = await handler({
      input: { config: inlineConfig() },
      deployedConfig: {} as ResolvedConfig,
    });
    // Act
    const state = await handler({ input: {}, deployedConfig: deployed.config });
    // Assess
    expect(state.config).toEqual(deployed.config);
  });

  test('names the file and the missing column when the header lacks a schema field', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'bad/missing-column/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.name).toBe('ValidationFailed');
    expect(error.message).toContain(
      's3://pipeline-data/bad/missing-column/interactions.csv line 1: Input CSV is missing the following columns: [EVENT_TYPE]',
    );
  });

  test('names the file, line and column of a millisecond timestamp', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'bad/milliseconds/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.name).toBe('ValidationFailed');
    expect(error.message).toMatch(
      /s3:\/\/pipeline-data\/bad\/milliseconds\/interactions\.csv line 43 column TIMESTAMP: .*milliseconds; use epoch seconds\./,
    );
  });

  test('lists every mistake of a file in one failure, however far into the file they are', async () => {
    // Act
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'bad/late-mistakes/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    // Assess
    const file = 's3://pipeline-data/bad/late-mistakes/interactions.csv';
    expect(error.name).toBe('ValidationFailed');
    expect((error as Error & { problems: string[] }).problems).toEqual([
      `${file} line 5202 column TIMESTAMP: Column TIMESTAMP on line 5202 is empty, but the field is not nullable.`,
      expect.stringMatching(new RegExp(`^${file} line 6102 column TIMESTAMP: .*"2026-01-01"`)),
      expect.stringMatching(new RegExp(`^${file} line 7002 column EVENT_VALUE: .*"lots"`)),
    ]);
  });

  test('says a semicolon-separated file uses the wrong delimiter', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'bad/semicolons/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.message).toContain(
      's3://pipeline-data/bad/semicolons/interactions.csv line 1: the columns are separated by semicolons',
    );
    expect(error.message).toContain('export the file with the comma as the delimiter');
    expect(error.message).not.toContain('Input CSV is missing');
  });

  test('says a file with bytes that are not UTF-8 must be saved as UTF-8, naming the line', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'bad/latin-1/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.message).toContain(
      's3://pipeline-data/bad/latin-1/interactions.csv line 1502: bytes that are not UTF-8',
    );
    expect(error.message).toContain('save or export it as CSV in UTF-8');
  });

  test('reports too little interaction data for training', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'bad/too-little/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.message).toContain('s3://pipeline-data/bad/too-little/: Insufficient data to train');
    expect(error.message).toContain('at least 1000 interactions, but there are 300');
  });

  test('reports every config problem at once before reading any data', async () => {
    // Prepare
    const config = { ...inlineConfig({ recipe: 'aws-popularity' }), tags: { 'aws:owner': 'me' } };
    // Act
    const error = await failure(handler({ input: { config }, deployedConfig: {} as ResolvedConfig }));
    // Assess
    expect(error.name).toBe('ValidationFailed');
    expect(error.message).toContain(
      'config input.config: solutions[0].recipe: unknown recipe "aws-popularity"',
    );
    expect(error.message).toContain('tags');
  });

  test('reports a data location without CSV files', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig({ interactionsLocation: 'nothing-here/' }) },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.message).toContain(
      'datasets.interactions.dataLocation: no CSV data at s3://pipeline-data/nothing-here/',
    );
  });

  test('rejects an inline config without schemas', async () => {
    const config = inlineConfig();
    const datasets = config.datasets as Record<string, Record<string, unknown>>;
    datasets.items = { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' };
    const error = await failure(handler({ input: { config }, deployedConfig: {} as ResolvedConfig }));
    expect(error.message).toContain('datasets.items.schema: missing');
  });

  test('refuses an input config with a metric attribution the deployed pipeline has no stage for', async () => {
    // Prepare
    const config = {
      ...inlineConfig(),
      metricAttribution: {
        metrics: [{ eventType: 'purchase', metricName: 'PURCHASES', expression: 'SAMPLECOUNT()' }],
      },
    };

    // Act
    const error = await failure(handler({ input: { config }, deployedConfig: {} as ResolvedConfig }));

    // Assess
    expect(error.name).toBe('ValidationFailed');
    expect(error.message).toContain(
      'config input.config: metricAttribution: the deployed pipeline has no metric attribution stage',
    );
    expect(error.message).toContain('deploy this config first (cdk deploy), then run it');
  });

  test('rejects unknown solution names in the input', async () => {
    const error = await failure(
      handler({
        input: { config: inlineConfig(), solutions: ['popular', 'trending'] },
        deployedConfig: {} as ResolvedConfig,
      }),
    );
    expect(error.name).toBe('ValidationFailed');
    expect(error.message).toContain(
      'input.solutions: unknown solution "trending"; the config defines popular, personal.',
    );
  });

  test('fails at cold start, naming the variable, when its function has no BUCKET_NAME', async () => {
    // Prepare
    const bucket = process.env.BUCKET_NAME;
    delete process.env.BUCKET_NAME;
    try {
      // Act
      const loading = jest.isolateModulesAsync(async () => {
        await import('../../../lambda/pipeline/validate');
      });
      // Assess
      await expect(loading).rejects.toThrow('Environment variable BUCKET_NAME is not set');
    } finally {
      process.env.BUCKET_NAME = bucket;
    }
  });
});
