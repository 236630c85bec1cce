import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigLoadError,
  ConfigValidationError,
  findJsonSyntaxProblem,
  loadConfig,
  parseConfigText,
} from '../../core/config';
import { minimalConfig } from './helpers';

function validationIssues(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-'));
    // loadConfig reads the schema files the config names, relative to its folder.
    cpSync(join(__dirname, '..', '..', 'schemas'), join(dir, 'schemas'), { recursive: true });
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads and validates a config file', () => {
    // Prepare
    const path = join(dir, 'personalize.config.json');
    writeFileSync(path, JSON.stringify(minimalConfig(), null, 2));

    // Act
    const config = loadConfig(path);

    // Assess
    expect(config.projectName).toBe('shop');
    expect(config.eventTracker.enabled).toBe(true);
  });

  test('reports a JSON syntax error with its line and column and the file it is in', () => {
    // Prepare
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{\n  "projectName": "shop",\n  "solutions": [\n    { "name": "recs", }\n  ]\n}\n');

    // Act
    let caught: unknown;
    try {
      loadConfig(path);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).message).toBe(
      `Invalid config in ${path}:\n  - line 4, column 23: trailing comma before "}"; JSON does not allow a comma after the last property`,
    );
  });

  test('throws ConfigLoadError naming the path when the file does not exist', () => {
    // Prepare
    const path = join(dir, 'missing.json');

    // Act & Assess
    expect(() => loadConfig(path)).toThrow(ConfigLoadError);
    expect(() => loadConfig(path)).toThrow(`Cannot read config file ${path}: the file does not exist`);
  });

  test('ignores a byte order mark at the start of the file', () => {
    // Prepare
    const path = join(dir, 'bom.json');
    writeFileSync(path, `\uFEFF${JSON.stringify(minimalConfig())}`);

    // Act
    const config = loadConfig(path);

    // Assess
    expect(config.projectName).toBe('shop');
  });
});

describe('parseConfigText', () => {
  test.each([
    ['an empty file', '', 'line 1, column 1: the document is empty; expected a JSON object'],
    [
      'an unquoted key',
      '{\n  projectName: "shop"\n}',
      'line 2, column 3: unexpected projectName; expected a property name in double quotes',
    ],
    [
      'single-quoted strings',
      '{ "projectName": \'shop\' }',
      'line 1, column 18: strings must use double quotes',
    ],
    [
      'a missing comma',
      '{\n  "a": 1\n  "b": 2\n}',
      'line 3, column 3: unexpected """; expected "," or "}" after a property value',
    ],
    ['a comment', '{\n  // the project\n  "a": 1\n}', 'line 2, column 3: comments are not allowed in JSON'],
    ['an unterminated string', '{ "projectName": "shop }', 'line 1, column 18: unterminated string'],
    [
      'a trailing comma in an array',
      '{ "a": [1, 2,] }',
      'line 1, column 14: trailing comma before "]"; JSON does not allow a comma after the last element',
    ],
    [
      'content after the document',
      '{}\n{}',
      'line 2, column 1: unexpected "{" after the end of the JSON document',
    ],
    [
      'a bare word as a value',
      '{ "enabled": yes }',
      'line 1, column 14: unexpected "yes"; expected a value (strings need double quotes)',
    ],
  ])('locates %s', (_name, text, issue) => {
    // Act
    const issues = validationIssues(() => parseConfigText(text, 'config.json'));

    // Assess
    expect(issues).toEqual([issue]);
  });

  test('validates the parsed document after the syntax check', () => {
    // Act
    const issues = validationIssues(() => parseConfigText('{ "projectName": "shop" }'));

    // Assess
    expect(issues).toEqual([
      'datasets: missing; expected an object',
      'solutions: missing; expected an array',
    ]);
  });
});

describe('findJsonSyntaxProblem', () => {
  test('finds nothing wrong in valid JSON, including escapes and numbers', () => {
    // Prepare
    const text = JSON.stringify({
      a: 'quote " backslash \\ tab \t unicode \u00e9 \u2028',
      b: [-1.5e3, 0, true, null],
    });

    // Act & Assess
    expect(findJsonSyntaxProblem(text)).toBeUndefined();
  });

  test('agrees with JSON.parse about what is valid', () => {
    // Prepare
    const samples = [
      '{"a":01}',
      '{"a":-}',
      '{"a":"\\x"}',
      '[1,]',
      '{"a":1}',
      '[]',
      '"text"',
      '{"a":"\\u12G4"}',
      '{"a":1.}',
    ];

    // Act & Assess
    for (const sample of samples) {
      let parses = true;
      try {
        JSON.parse(sample);
      } catch {
        parses = false;
      }
      expect([sample, findJsonSyntaxProblem(sample) === undefined]).toEqual([sample, parses]);
    }
  });
});
