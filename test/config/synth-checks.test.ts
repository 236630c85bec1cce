import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, filterSchemaProblems, loadConfig, parseConfig } from '../../core/config';
import { parseSchema } from '../../core/schema-rules';

const root = join(__dirname, '..', '..');

/** A JSON document as the test edits it. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of the sample project (config and schemas) in a temporary folder, to break one thing in. */
class Project {
  readonly dir = mkdtempSync(join(tmpdir(), 'synth-checks-'));
  readonly configPath = join(this.dir, 'personalize.config.json');

  constructor() {
    cpSync(join(root, 'personalize.config.json'), this.configPath);
    cpSync(join(root, 'schemas'), join(this.dir, 'schemas'), { recursive: true });
  }

  /** Changes the config file. */
  config(change: (config: Json) => void): void {
    const config = JSON.parse(readFileSync(this.configPath, 'utf8')) as Json;
    change(config);
    writeFileSync(this.configPath, JSON.stringify(config, null, 2));
  }

  /** Changes the fields of a schema file, e.g. `schemas/items.json`. */
  schema(file: string, change: (fields: Json[]) => void): void {
    const path = join(this.dir, file);
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Json;
    change(schema.fields as Json[]);
    writeFileSync(path, JSON.stringify(schema, null, 2));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The issues `loadConfig` reports for the project; fails the test if the config loads. */
function issuesOf(project: Project): readonly string[] {
  try {
    loadConfig(project.configPath);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected, but it loaded');
}

interface Mistake {
  /** What the user got wrong, as the test name says it. */
  readonly name: string;
  readonly make: (project: Project) => void;
  /** The one issue expected, given the project's folder. */
  readonly issue: (dir: string) => string;
}

const mistakes: readonly Mistake[] = [
  {
    name: 'a filter comparing to a bare word',
    make: (p) =>
      p.config((c) => {
        c.filters[0].expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE = watch';
      }),
    issue: () =>
      'filters[0].expression: Expected a double-quoted string, a number or a $PARAMETER, found the bare word watch; quote the value, e.g. "watch", or use a parameter, e.g. $EVENT_TYPE (at position 47)',
  },
  {
    name: 'a bare word inside IN (...)',
    make: (p) =>
      p.config((c) => {
        c.filters[1].expression = 'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN (GENRE)';
      }),
    issue: () =>
      'filters[1].expression: Expected a double-quoted string, a number or a $PARAMETER, found the bare word GENRE; quote the value, e.g. "GENRE", or use a parameter, e.g. $CATEGORY_L1 (at position 43)',
  },
  {
    name: 'a filter on a column the items schema does not have',
    make: (p) =>
      p.config((c) => {
        c.filters[1].expression = 'INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)';
      }),
    issue: () =>
      'filters[1].expression: Items.CATEGORY is not a field of the items schema (schemas/items.json) (did you mean CATEGORY_L1 or CATEGORY_L2?); use one of its fields (ITEM_ID, CATEGORY_L1, CATEGORY_L2, BRAND, PRICE, CREATION_TIMESTAMP, DESCRIPTION) or add CATEGORY to the schema and the data',
  },
  {
    name: 'a filter on a dataset the config does not have',
    make: (p) =>
      p.config((c) => {
        delete c.datasets.users;
        c.serving.clients[1].routes = ['items'];
        c.filters[1].expression = 'INCLUDE UserID WHERE Users.MEMBERSHIP IN ("plus")';
      }),
    issue: () =>
      'filters[1].expression: Users.MEMBERSHIP reads the users dataset, which this config does not have; add datasets.users, or filter on a dataset it has',
  },
  {
    name: 'a range comparison on a string field',
    make: (p) =>
      p.config((c) => {
        c.filters[1].expression = 'EXCLUDE ItemID WHERE Items.BRAND > 3';
      }),
    issue: () =>
      'filters[1].expression: Items.BRAND is a categorical string field in the items schema (schemas/items.json); > compares numbers, use IN, NOT IN or = for strings',
  },
  {
    name: 'IN on a numeric field',
    make: (p) =>
      p.config((c) => {
        c.filters[1].expression = 'INCLUDE ItemID WHERE Items.PRICE IN ($PRICE)';
      }),
    issue: () =>
      'filters[1].expression: Items.PRICE is a float field in the items schema (schemas/items.json); IN compares strings, use =, <, <=, > or >= for numbers',
  },
  {
    name: 'a filter on a textual field',
    make: (p) =>
      p.config((c) => {
        c.filters[1].expression = 'INCLUDE ItemID WHERE Items.DESCRIPTION IN ($TEXT)';
      }),
    issue: () =>
      'filters[1].expression: Items.DESCRIPTION is a textual field; Personalize cannot filter on unstructured text, use a categorical field',
  },
  {
    name: 'a hyperparameter value that is not a number',
    make: (p) =>
      p.config((c) => {
        c.solutions[0].solutionConfig = { algorithmHyperParameters: { hidden_dimension: 'abc' } };
      }),
    issue: () =>
      'solutions[0].solutionConfig.algorithmHyperParameters.hidden_dimension: "abc" is not an integer; hidden_dimension of aws-user-personalization is an integer from 32 to 256 (default 149)',
  },
  {
    name: 'a hyperparameter out of its range',
    make: (p) =>
      p.config((c) => {
        c.solutions[1].solutionConfig = { algorithmHyperParameters: { popularity_discount_factor: '1.5' } };
      }),
    issue: () =>
      'solutions[1].solutionConfig.algorithmHyperParameters.popularity_discount_factor: "1.5" is out of range; popularity_discount_factor of aws-sims is a number from 0 to 1 (default 0.5)',
  },
  {
    name: 'a misspelt hyperparameter name',
    make: (p) =>
      p.config((c) => {
        c.solutions[0].solutionConfig = { algorithmHyperParameters: { hiden_dimension: '64' } };
      }),
    issue: () =>
      'solutions[0].solutionConfig.algorithmHyperParameters.hiden_dimension: recipe aws-user-personalization has no hyperparameter "hiden_dimension" (did you mean "hidden_dimension"?); its hyperparameters are hidden_dimension, bptt, recency_mask, min_user_history_length_percentile, max_user_history_length_percentile',
  },
  {
    name: 'an HPO range outside what the hyperparameter allows',
    make: (p) =>
      p.config((c) => {
        c.solutions[0].performHPO = true;
        c.solutions[0].solutionConfig = {
          hpoConfig: {
            algorithmHyperParameterRanges: {
              integerHyperParameterRanges: [{ name: 'hidden_dimension', minValue: 16, maxValue: 128 }],
            },
          },
        };
      }),
    issue: () =>
      'solutions[0].solutionConfig.hpoConfig.algorithmHyperParameterRanges.integerHyperParameterRanges[0].minValue: 16 is out of range; hidden_dimension of aws-user-personalization is an integer from 32 to 256 (default 149)',
  },
  {
    name: 'FULL retraining every 5 minutes',
    make: (p) =>
      p.config((c) => {
        c.solutions[0].schedule.full = 'rate(5 minutes)';
      }),
    issue: () =>
      'solutions[0].schedule.full: "rate(5 minutes)" starts a FULL training as often as every 5 minutes, about 8,766 a month; at 2 training hours each and $0.40 per training hour that is about $7,013 a month in training alone. Scheduled FULL training is limited to once a day: use a schedule such as "cron(0 3 ? * SUN *)" (weekly) or "rate(1 day)", or set schedule.allowFrequent to true to keep this one',
  },
  {
    name: 'UPDATE retraining every 30 minutes',
    make: (p) =>
      p.config((c) => {
        c.solutions[0].schedule.update = 'cron(0/30 * * * ? *)';
      }),
    issue: () =>
      'solutions[0].schedule.update: "cron(0/30 * * * ? *)" starts an UPDATE training as often as every 30 minutes, about 1,460 a month; at 0.5 training hours each and $0.40 per training hour that is about $292 a month in training alone. Scheduled UPDATE training is limited to once every 2 hours: use a schedule such as "rate(2 hours)" or "cron(0 3 ? * MON-SAT *)" (daily), or set schedule.allowFrequent to true to keep this one',
  },
  {
    name: 'a required schema field typed "integer"',
    make: (p) =>
      p.schema('schemas/interactions.json', (fields) => {
        (fields.find((f) => f.name === 'TIMESTAMP') as Json).type = 'integer';
      }),
    issue: () =>
      'datasets.interactions.schemaFile: schemas/interactions.json: Field "TIMESTAMP" has unknown type "integer" (use "long": TIMESTAMP is required for Interactions datasets as long); allowed Avro types are string, int, long, float, double, boolean, optionally in a union with "null" such as ["null","string"].',
  },
  {
    name: 'a metadata field typed "integer"',
    make: (p) =>
      p.schema('schemas/items.json', (fields) => {
        fields.push({ name: 'YEAR', type: ['null', 'integer'] });
      }),
    issue: () =>
      'datasets.items.schemaFile: schemas/items.json: Field "YEAR" has unknown type "integer" in its union (did you mean "int"?); allowed Avro types are string, int, long, float, double, boolean, optionally in a union with "null" such as ["null","string"].',
  },
  {
    name: 'a schema file that does not exist',
    make: (p) =>
      p.config((c) => {
        c.datasets.items.schemaFile = 'schemas/item.json';
      }),
    issue: (dir) =>
      `datasets.items.schemaFile: cannot read schema file "schemas/item.json" at ${join(dir, 'schemas', 'item.json')}: the file does not exist; schema paths are relative to the config's folder (${dir})`,
  },
];

describe('loadConfig, as cdk synth runs it', () => {
  let project: Project;

  beforeEach(() => {
    project = new Project();
  });

  afterEach(() => {
    project.remove();
  });

  test('loads the sample project', () => {
    // Act
    const config = loadConfig(project.configPath);

    // Assess
    expect(config.projectName).toBe('shop-recs');
  });

  test.each(mistakes)('refuses $name, naming the field and what to do', ({ make, issue }) => {
    // Prepare
    make(project);

    // Act
    const issues = issuesOf(project);

    // Assess
    expect(issues).toEqual([issue(project.dir)]);
  });

  test('accepts frequent retraining when schedule.allowFrequent is true', () => {
    // Prepare
    project.config((c) => {
      c.solutions[0].schedule = { full: 'rate(5 minutes)', update: 'rate(30 minutes)', allowFrequent: true };
    });

    // Act
    const config = loadConfig(project.configPath);

    // Assess
    expect(config.solutions[0]?.schedule?.allowFrequent).toBe(true);
  });

  test('reports every mistake at once', () => {
    // Prepare
    project.config((c) => {
      c.filters[0].expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE = watch';
      c.solutions[0].schedule.full = 'rate(5 minutes)';
      c.datasets.users.schemaFile = 'schemas/user.json';
    });

    // Act
    const issues = issuesOf(project);

    // Assess
    expect(issues.map((issue) => issue.split(':')[0])).toEqual([
      'filters[0].expression',
      'solutions[0].schedule.full',
      'datasets.users.schemaFile',
    ]);
  });
});

describe('filterSchemaProblems, as the Validate step runs it on the schemas it read', () => {
  test('names the filter and the field the schema lacks', () => {
    // Prepare
    const document = JSON.parse(readFileSync(join(root, 'personalize.config.json'), 'utf8')) as Json;
    document.filters[1].expression = 'INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORY)';
    const config = parseConfig(document);
    const fields = {
      items: parseSchema(readFileSync(join(root, 'schemas', 'items.json'), 'utf8')).fields,
    };

    // Act
    const problems = filterSchemaProblems(config, fields);

    // Assess
    expect(problems).toEqual([
      'filters[1].expression: Items.CATEGORY is not a field of the items schema (schemas/items.json) (did you mean CATEGORY_L1 or CATEGORY_L2?); use one of its fields (ITEM_ID, CATEGORY_L1, CATEGORY_L2, BRAND, PRICE, CREATION_TIMESTAMP, DESCRIPTION) or add CATEGORY to the schema and the data',
    ]);
  });
});

describe('the CDK app', () => {
  test('prints a missing schema file as a config error naming the field and path, without a stack trace', () => {
    // Prepare
    const project = new Project();
    project.config((c) => {
      c.datasets.items.schemaFile = 'schemas/item.json';
    });

    try {
      // Act: as `cdk synth -c config=<file>` runs the app
      const run = spawnSync('npx', ['tsx', 'bin/personalize-pipeline.ts'], {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          CDK_CONTEXT_JSON: JSON.stringify({ config: project.configPath }),
          CDK_OUTDIR: join(project.dir, 'cdk.out'),
        },
      });

      // Assess
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`Invalid config in ${project.configPath}:`);
      expect(run.stderr).toContain(
        `datasets.items.schemaFile: cannot read schema file "schemas/item.json" at ${join(project.dir, 'schemas', 'item.json')}`,
      );
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      project.remove();
    }
  }, 120_000);
});

/**
 * The data mistakes of a MovieLens-like project (examples/movielens, with YEAR typed `int` as a user first
 * writes it) that only the data shows: Validate reads every row and names each one, before any Personalize call.
 */
describe('Validate, on the data of a project', () => {
  const example = join(root, 'examples', 'movielens');
  const schemaText = (name: string, change?: (fields: Json[]) => void): string => {
    const schema = JSON.parse(readFileSync(join(example, 'schemas', `${name}.json`), 'utf8')) as Json;
    change?.(schema.fields as Json[]);
    return JSON.stringify(schema);
  };
  const itemsSchema = schemaText('items', (fields) => {
    const year = fields.find((f) => f.name === 'YEAR');
    if (year) Object.assign(year, { type: 'int', categorical: undefined });
  });
  const interactions = (delimiter: string): string => {
    const rows = ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE'].join(delimiter);
    const lines = [rows];
    for (let i = 0; i < 3000; i += 1)
      lines.push(
        [`u${i % 100}`, `${i % 50}`, `${1_700_000_000 + i}`, i % 3 ? 'click' : 'watch'].join(delimiter),
      );
    return `${lines.join('\n')}\n`;
  };
  const items = (edit: (row: string[], line: number) => void): string => {
    const lines = ['ITEM_ID,GENRE,YEAR'];
    for (let i = 0; i < 10_000; i += 1) {
      const row = [`${i}`, 'Drama|Comedy', `${1950 + (i % 70)}`];
      edit(row, i + 2);
      lines.push(row.join(','));
    }
    return `${lines.join('\n')}\n`;
  };

  /** The Validate step over files in memory, keyed as in the bucket. */
  async function validate(files: Record<string, string>): Promise<readonly string[]> {
    const { validateRun } = await import('../../lambda/pipeline/validate.logic');
    const { GetObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const { Readable } = await import('node:stream');
    const s3 = {
      send: async (command: unknown) => {
        if (command instanceof ListObjectsV2Command) {
          const prefix = command.input.Prefix ?? '';
          return {
            Contents: Object.keys(files)
              .filter((k) => k.startsWith(prefix))
              .map((Key) => ({ Key })),
          };
        }
        if (command instanceof GetObjectCommand)
          return { Body: Readable.from([files[command.input.Key ?? ''] ?? '']) };
        throw new Error('unexpected S3 command');
      },
    } as never;
    const config = JSON.parse(readFileSync(join(example, 'personalize.config.json'), 'utf8')) as Json;
    config.datasets.interactions.schema = schemaText('interactions');
    config.datasets.items.schema = itemsSchema;
    try {
      await validateRun({ input: { config }, deployedConfig: {} as never }, { s3, bucket: 'data' });
    } catch (error) {
      return (error as { problems?: string[] }).problems ?? [String(error)];
    }
    throw new Error('expected Validate to fail, but the data passed');
  }

  const dataMistakes = [
    {
      name: 'an empty value of a field that is not nullable, past row 5,000',
      interactions: interactions(','),
      items: items((row, line) => {
        if (line === 6061) row[2] = '';
      }),
      problem:
        's3://data/datasets/items/items.csv line 6061 column YEAR: Column YEAR on line 6061 is empty, but the field is not nullable.',
    },
    {
      name: 'a value that is not an int, past row 5,000',
      interactions: interactions(','),
      items: items((row, line) => {
        if (line === 9520) row[2] = '2006–2007';
      }),
      problem:
        's3://data/datasets/items/items.csv line 9520 column YEAR: Column YEAR on line 9520 has value "2006–2007", which is not an int.',
    },
    {
      name: 'a semicolon-delimited file',
      interactions: interactions(';'),
      items: items(() => undefined),
      problem:
        's3://data/datasets/interactions/interactions.csv line 1: the columns are separated by semicolons ("USER_ID;ITEM_ID;TIMESTAMP;EVENT_TYPE"); Personalize reads comma-separated values: export the file with the comma as the delimiter.',
    },
  ];

  test.each(dataMistakes)('refuses $name, naming the file, line and column', async (mistake) => {
    // Act
    const problems = await validate({
      'datasets/interactions/interactions.csv': mistake.interactions,
      'datasets/items/items.csv': mistake.items,
    });

    // Assess
    expect(problems).toContain(mistake.problem);
  });

  test('lists all three mistakes in one failure', async () => {
    // Act
    const problems = await validate({
      'datasets/interactions/interactions.csv': interactions(';'),
      'datasets/items/items.csv': items((row, line) => {
        if (line === 6061) row[2] = '';
        if (line === 9520) row[2] = '2006–2007';
      }),
    });

    // Assess
    expect(problems).toEqual(dataMistakes.map((m) => m.problem).sort());
  });
});
