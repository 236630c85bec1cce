/**
 * What a solution may ask of training: hyperparameters the recipe documents (names, types, ranges), and
 * retraining schedules that do not fire more often than a training is worth. Like the other cross-field rules,
 * they read the config defensively, so they run even when other parts of the document are malformed.
 */
import { DEFAULT_VOLUMES } from '../cost/estimate';
import { DEFAULT_PRICES, costOf } from '../cost/prices';
import {
  describeHyperparameter,
  hyperparameterValueProblem,
  MISPLACED_HYPERPARAMETERS,
  recipeHyperparameters,
  type HyperparameterDefinition,
  type HyperparameterType,
} from '../hyperparameters';
import type { Recipe } from '../recipes';
import { closestMatch } from './messages';
import { checkScheduleExpression, describeMinutes, runsPerMonth, shortestIntervalMinutes } from './schedule';

/** One problem: where it is (relative to the document root) and what is wrong. */
interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Hyperparameters

const HYPERPARAMETER_MAPS = ['algorithmHyperParameters', 'featureTransformationParameters'] as const;

function unknownNameMessage(
  recipe: Recipe,
  name: string,
  known: readonly HyperparameterDefinition[],
): string {
  const misplaced = MISPLACED_HYPERPARAMETERS[name];
  if (misplaced !== undefined) {
    return `${name} is not a training hyperparameter; set ${misplaced} on the solution instead`;
  }
  if (known.length === 0) return `recipe ${recipe.name} has no hyperparameters; remove "${name}"`;
  const names = known.map((definition) => definition.name);
  const suggestion = closestMatch(name, names);
  return (
    `recipe ${recipe.name} has no hyperparameter "${name}"` +
    `${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; its hyperparameters are ${names.join(', ')}`
  );
}

/** Names and values of `algorithmHyperParameters` and `featureTransformationParameters`. */
function mapIssues(recipe: Recipe, solutionConfig: Fields, at: Issue['path']): Issue[] {
  const known = recipeHyperparameters(recipe.name);
  if (known === undefined) return [];
  const issues: Issue[] = [];
  for (const map of HYPERPARAMETER_MAPS) {
    const values = solutionConfig[map];
    if (!isFields(values)) continue;
    for (const [name, value] of Object.entries(values)) {
      const path = [...at, map, name];
      const definition = known.find((candidate) => candidate.name === name);
      if (definition === undefined) {
        issues.push({ path, message: unknownNameMessage(recipe, name, known) });
        continue;
      }
      // A value that is not a string is the schema's to report.
      const problem = typeof value === 'string' ? hyperparameterValueProblem(definition, value) : undefined;
      if (problem !== undefined) {
        issues.push({
          path,
          message: `${problem}; ${name} of ${recipe.name} is ${describeHyperparameter(definition)}`,
        });
      }
    }
  }
  return issues;
}

const RANGE_KINDS: Readonly<Record<string, readonly HyperparameterType[]>> = {
  integerHyperParameterRanges: ['integer'],
  continuousHyperParameterRanges: ['float'],
  categoricalHyperParameterRanges: ['boolean', 'categorical'],
};

/** The `algorithmHyperParameterRanges` list a hyperparameter's range belongs in. */
function rangeListFor(type: HyperparameterType): string {
  return Object.keys(RANGE_KINDS).find((kind) => RANGE_KINDS[kind]?.includes(type)) ?? 'another list';
}

/** Names, kinds and bounds of `hpoConfig.algorithmHyperParameterRanges`. */
function rangeIssues(recipe: Recipe, solutionConfig: Fields, at: Issue['path']): Issue[] {
  const known = recipeHyperparameters(recipe.name);
  const hpoConfig = solutionConfig.hpoConfig;
  const ranges = isFields(hpoConfig) ? hpoConfig.algorithmHyperParameterRanges : undefined;
  if (known === undefined || !isFields(ranges)) return [];
  const tunable = known.filter((definition) => definition.tunable);
  const issues: Issue[] = [];
  for (const [kind, types] of Object.entries(RANGE_KINDS)) {
    const list = ranges[kind];
    if (!Array.isArray(list)) continue;
    list.forEach((range: unknown, index) => {
      if (!isFields(range) || typeof range.name !== 'string') return;
      const path = [...at, 'hpoConfig', 'algorithmHyperParameterRanges', kind, index, 'name'];
      const definition = tunable.find((candidate) => candidate.name === range.name);
      if (definition === undefined) {
        const names = tunable.map((d) => d.name);
        const suggestion = closestMatch(range.name, names);
        issues.push({
          path,
          message:
            `"${range.name}" is not a tunable hyperparameter of ${recipe.name}` +
            `${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; ` +
            (names.length > 0 ? `HPO can tune ${names.join(', ')}` : 'it has none HPO can tune'),
        });
        return;
      }
      if (!types.includes(definition.type)) {
        issues.push({
          path,
          message: `${range.name} of ${recipe.name} is ${describeHyperparameter(definition)}; give its range in ${rangeListFor(definition.type)}`,
        });
        return;
      }
      for (const bound of ['minValue', 'maxValue'] as const) {
        const value = range[bound];
        if (typeof value !== 'number') continue;
        const problem = hyperparameterValueProblem(definition, String(value));
        if (problem !== undefined) {
          issues.push({
            path: [...path.slice(0, -1), bound],
            message: `${value} is out of range; ${range.name} of ${recipe.name} is ${describeHyperparameter(definition)}`,
          });
        }
      }
    });
  }
  return issues;
}

/** Every hyperparameter problem of one solution, whose recipe is `recipe`. */
export function hyperparameterIssues(recipe: Recipe, solution: Fields, at: Issue['path']): Issue[] {
  const solutionConfig = solution.solutionConfig;
  if (!isFields(solutionConfig)) return [];
  const path = [...at, 'solutionConfig'];
  return [...mapIssues(recipe, solutionConfig, path), ...rangeIssues(recipe, solutionConfig, path)];
}

// ---------------------------------------------------------------------------------------------
// Retraining schedules

/**
 * The shortest interval between two scheduled FULL trainings, in minutes: once a day. A FULL training of a
 * real dataset takes hours and is billed per training hour; retraining from scratch more often than daily
 * multiplies that bill without fresher recommendations (new events reach a deployed model in real time).
 */
export const MIN_FULL_RETRAINING_MINUTES = 24 * 60;

/**
 * The shortest interval between two scheduled UPDATE trainings, in minutes: 2 hours, the cadence at which
 * Personalize itself updates a deployed User-Personalization model with new items at no charge. A more
 * frequent UPDATE pays for training hours without making new items appear sooner than that.
 */
export const MIN_UPDATE_RETRAINING_MINUTES = 2 * 60;

const RETRAINING = {
  full: {
    mode: 'FULL',
    article: 'a',
    limit: 'once a day',
    minimum: MIN_FULL_RETRAINING_MINUTES,
    hours: DEFAULT_VOLUMES.fullTrainingHours,
    examples: '"cron(0 3 ? * SUN *)" (weekly) or "rate(1 day)"',
  },
  update: {
    mode: 'UPDATE',
    article: 'an',
    limit: 'once every 2 hours',
    minimum: MIN_UPDATE_RETRAINING_MINUTES,
    hours: DEFAULT_VOLUMES.updateTrainingHours,
    examples: '"rate(2 hours)" or "cron(0 3 ? * MON-SAT *)" (daily)',
  },
} as const;

const usd = (amount: number): string =>
  `$${amount.toLocaleString('en-US', amount < 100 ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : { maximumFractionDigits: 0 })}`;

const count = (amount: number): string => Math.round(amount).toLocaleString('en-US');

/**
 * Retraining schedules that fire more often than {@link MIN_FULL_RETRAINING_MINUTES} (FULL) or
 * {@link MIN_UPDATE_RETRAINING_MINUTES} (UPDATE), unless `schedule.allowFrequent` is true. Each message
 * estimates the monthly training bill at the default prices and training hours of `npm run cost`.
 */
export function retrainingScheduleIssues(solution: Fields, at: Issue['path']): Issue[] {
  const schedule = solution.schedule;
  if (!isFields(schedule) || schedule.allowFrequent === true) return [];
  const issues: Issue[] = [];
  for (const key of ['full', 'update'] as const) {
    const expression = schedule[key];
    // A malformed expression is the schema's to report.
    if (typeof expression !== 'string' || checkScheduleExpression(expression) !== undefined) continue;
    const rule = RETRAINING[key];
    const interval = shortestIntervalMinutes(expression);
    if (interval >= rule.minimum) continue;
    const runs = runsPerMonth(expression);
    const monthly = costOf(DEFAULT_PRICES.training, runs * rule.hours);
    issues.push({
      path: [...at, 'schedule', key],
      message:
        `"${expression}" starts ${rule.article} ${rule.mode} training as often as every ${describeMinutes(interval)}, about ${count(runs)} a month; ` +
        `at ${rule.hours} training hours each and ${usd(DEFAULT_PRICES.training.usd)} per training hour that is about ${usd(monthly)} a month in training alone. ` +
        `Scheduled ${rule.mode} training is limited to ${rule.limit}: use a schedule such as ${rule.examples}, ` +
        `or set schedule.allowFrequent to true to keep this one`,
    });
  }
  return issues;
}
