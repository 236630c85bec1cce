/**
 * Rules that span several fields of the config: unique names, references between sections, and
 * what each recipe allows. They read the config defensively, so they also run (and report) when
 * other parts of the document are malformed: a user sees every problem at once.
 */
import { filterTarget, type FilterTarget } from '../filter-expression';
import {
  MAX_PROJECT_NAME_LENGTH,
  MAX_RESOURCE_NAME_LENGTH,
  nameProblems,
  PROJECT_NAME_PATTERN,
  RESOURCE_NAME_PATTERN,
} from '../names';
import { findRecipe, RECIPES, type Recipe, type RecipeType } from '../recipes';
import type { DatasetType } from '../schema-rules';
import { type CAMPAIGN_ROUTES, SERVING_ROUTES } from './serving-routes';
import { hyperparameterIssues, retrainingScheduleIssues } from './training-rules';

/** One cross-field problem: where it is and what is wrong. */
export interface ConsistencyIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Largest `numResults` of a batch inference job. */
export const MAX_INFERENCE_RESULTS = 500;

type Fields = Readonly<Record<string, unknown>>;

interface Entry {
  readonly index: number;
  readonly fields: Fields;
}

type Section = 'solutions' | 'filters' | 'batchJobs';

const SECTION_NOUN: Readonly<Record<Section, string>> = {
  solutions: 'solution',
  filters: 'filter',
  batchJobs: 'batch job',
};

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(value: unknown): Entry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) => (isFields(item) ? [{ index, fields: item }] : []));
}

function text(fields: Fields | undefined, key: string): string | undefined {
  const value = fields?.[key];
  return typeof value === 'string' ? value : undefined;
}

function child(fields: Fields | undefined, key: string): Fields | undefined {
  const value = fields?.[key];
  return isFields(value) ? value : undefined;
}

function recipeOf(solution: Fields): Recipe | undefined {
  const name = text(solution, 'recipe');
  const recipe = name === undefined ? undefined : findRecipe(name);
  return recipe && !recipe.legacy ? recipe : undefined;
}

function namesOf(list: readonly Entry[]): string[] {
  return [...new Set(list.flatMap(({ fields }) => text(fields, 'name') ?? []))];
}

function oneOf(names: readonly string[], noun: string): string {
  return names.length > 0 ? `expected one of ${names.join(', ')}` : `no ${noun}s are defined`;
}

function duplicateNames(section: Section, list: readonly Entry[]): ConsistencyIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: ConsistencyIssue[] = [];
  for (const { index, fields } of list) {
    const name = text(fields, 'name');
    if (name === undefined) continue;
    const first = firstIndex.get(name);
    if (first === undefined) {
      firstIndex.set(name, index);
    } else {
      issues.push({
        path: [section, index, 'name'],
        message: `duplicate ${SECTION_NOUN[section]} name "${name}" (also used by ${section}[${first}]); names must be unique`,
      });
    }
  }
  return issues;
}

/** Well-formed names of a section, for the naming authority's length check. */
function wellFormedNames(list: readonly Entry[]): { name: string }[] {
  return list.map(({ fields }) => {
    const name = text(fields, 'name');
    const wellFormed =
      name !== undefined && RESOURCE_NAME_PATTERN.test(name) && name.length <= MAX_RESOURCE_NAME_LENGTH;
    // A malformed name is the schema's to report; an empty one keeps the indexes aligned and is never too long.
    return { name: wellFormed ? name : '' };
  });
}

function recipesWith(predicate: (recipe: Recipe) => boolean): string {
  return RECIPES.filter((recipe) => !recipe.legacy && predicate(recipe))
    .map((recipe) => recipe.name)
    .join(', ');
}

/** Config keys of the datasets this pipeline manages. */
const CONFIGURABLE_DATASETS: Partial<Record<DatasetType, string>> = {
  Interactions: 'interactions',
  Items: 'items',
  Users: 'users',
};

function missingDatasets(recipe: Recipe, datasets: Fields | undefined, path: ConsistencyIssue['path']) {
  const issues: ConsistencyIssue[] = [];
  const unmanaged = recipe.requiredDatasets.filter((type) => CONFIGURABLE_DATASETS[type] === undefined);
  if (unmanaged.length > 0) {
    issues.push({
      path,
      message: `recipe ${recipe.name} needs ${unmanaged.join(' and ')} datasets, which this pipeline does not manage; choose another recipe`,
    });
  }
  for (const type of recipe.requiredDatasets) {
    const key = CONFIGURABLE_DATASETS[type];
    // A missing interactions dataset is reported by the schema itself.
    if (key !== undefined && type !== 'Interactions' && datasets?.[key] === undefined) {
      issues.push({ path, message: `recipe ${recipe.name} needs the ${key} dataset; add datasets.${key}` });
    }
  }
  return issues;
}

function solutionRules(solution: Entry, datasets: Fields | undefined): ConsistencyIssue[] {
  const recipe = recipeOf(solution.fields);
  if (!recipe) return [];
  const at = (...path: (string | number)[]) => ['solutions', solution.index, ...path];
  const { fields } = solution;
  const issues: ConsistencyIssue[] = [...missingDatasets(recipe, datasets, at('recipe'))];
  const updateRecipes = recipesWith((r) => r.supportsUpdateTraining);

  if (fields.trainingMode === 'UPDATE' && !recipe.supportsUpdateTraining) {
    issues.push({
      path: at('trainingMode'),
      message: `UPDATE training is not available for recipe ${recipe.name}; use FULL (UPDATE works with ${updateRecipes})`,
    });
  }
  const schedule = child(fields, 'schedule');
  if (schedule?.update !== undefined && !recipe.supportsUpdateTraining) {
    issues.push({
      path: at('schedule', 'update'),
      message: `recipe ${recipe.name} cannot be retrained with UPDATE; remove schedule.update and use schedule.full (UPDATE works with ${updateRecipes})`,
    });
  }
  const campaign = fields.campaign;
  if (campaign !== undefined && !recipe.supportsCampaign) {
    issues.push({
      path: at('campaign'),
      message: `recipe ${recipe.name} (${recipe.recipeType}) cannot be deployed to a campaign; remove "campaign" and use a batch job of type "segment"`,
    });
  } else if (isFields(campaign) && !recipe.supportsItemExploration) {
    for (const key of ['explorationWeight', 'explorationItemAgeCutOff']) {
      if (campaign[key] === undefined) continue;
      issues.push({
        path: at('campaign', key),
        message: `recipe ${recipe.name} does not explore new items; remove ${key} (exploration works with ${recipesWith((r) => r.supportsItemExploration)})`,
      });
    }
  }
  if (fields.performHPO === true && !recipe.supportsHPO) {
    issues.push({
      path: at('performHPO'),
      message: `recipe ${recipe.name} has no tunable hyperparameters; set performHPO to false`,
    });
  }
  const solutionConfig = child(fields, 'solutionConfig');
  if (solutionConfig?.hpoConfig !== undefined && fields.performHPO !== true) {
    issues.push({
      path: at('solutionConfig', 'hpoConfig'),
      message: 'hpoConfig is only used when performHPO is true; set performHPO to true or remove hpoConfig',
    });
  }
  if (solutionConfig?.autoTrainingConfig !== undefined && fields.performAutoTraining !== true) {
    issues.push({
      path: at('solutionConfig', 'autoTrainingConfig'),
      message:
        'autoTrainingConfig is only used when performAutoTraining is true; set performAutoTraining to true or remove autoTrainingConfig',
    });
  }
  issues.push(...hyperparameterIssues(recipe, fields, at()));
  // An UPDATE schedule on a recipe without UPDATE training is reported above.
  const frequent = retrainingScheduleIssues(fields, at());
  issues.push(...frequent.filter(({ path }) => recipe.supportsUpdateTraining || path.at(-1) !== 'update'));
  return issues;
}

function batchTypeRule(job: Entry, solutionName: string, recipe: Recipe): ConsistencyIssue[] {
  const path = ['batchJobs', job.index, 'type'];
  const uses = `solution "${solutionName}" uses ${recipe.name} (${recipe.recipeType})`;
  if (job.fields.type === 'segment' && recipe.recipeType !== 'USER_SEGMENTATION') {
    return [
      {
        path,
        message: `segment jobs need a USER_SEGMENTATION recipe (${recipesWith((r) => r.recipeType === 'USER_SEGMENTATION')}); ${uses}`,
      },
    ];
  }
  if (job.fields.type === 'inference' && recipe.recipeType === 'USER_SEGMENTATION') {
    return [{ path, message: `${uses}, which only supports batch segment jobs; use type "segment"` }];
  }
  if (job.fields.type === 'inference' && !recipe.supportsBatchInference) {
    return [
      {
        path,
        message: `${uses}, which does not support batch inference; use a solution whose recipe does (${recipesWith((r) => r.supportsBatchInference)})`,
      },
    ];
  }
  return [];
}

const FILTER_TARGET_FOR_JOB: Readonly<Record<string, FilterTarget>> = {
  inference: 'ItemID',
  segment: 'UserID',
};

function batchJobRules(
  job: Entry,
  solutions: readonly Entry[],
  filters: readonly Entry[],
): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  const { fields, index } = job;
  const solutionName = text(fields, 'solution');
  if (solutionName !== undefined) {
    const solution = solutions.find(({ fields: s }) => text(s, 'name') === solutionName);
    if (!solution) {
      issues.push({
        path: ['batchJobs', index, 'solution'],
        message: `unknown solution "${solutionName}"; ${oneOf(namesOf(solutions), 'solution')}`,
      });
    } else {
      const recipe = recipeOf(solution.fields);
      if (recipe) issues.push(...batchTypeRule(job, solutionName, recipe));
    }
  }
  const numResults = fields.numResults;
  if (fields.type === 'inference' && typeof numResults === 'number' && numResults > MAX_INFERENCE_RESULTS) {
    issues.push({
      path: ['batchJobs', index, 'numResults'],
      message: `${numResults} is too large for an inference job; expected at most ${MAX_INFERENCE_RESULTS} (segment jobs allow up to 5000000 users)`,
    });
  }
  const filterName = text(fields, 'filter');
  if (filterName !== undefined) {
    const filter = filters.find(({ fields: f }) => text(f, 'name') === filterName);
    const expected = typeof fields.type === 'string' ? FILTER_TARGET_FOR_JOB[fields.type] : undefined;
    const expression = filter && text(filter.fields, 'expression');
    const actual = expression === undefined ? undefined : filterTarget(expression);
    if (!filter) {
      issues.push({
        path: ['batchJobs', index, 'filter'],
        message: `unknown filter "${filterName}"; ${oneOf(namesOf(filters), 'filter')}`,
      });
    } else if (expected && actual && actual !== expected) {
      issues.push({
        path: ['batchJobs', index, 'filter'],
        message: `filter "${filterName}" filters ${actual} records; ${String(fields.type)} jobs need a filter on ${expected}`,
      });
    }
  }
  return issues;
}

const ROUTES: ReadonlySet<string> = new Set(SERVING_ROUTES);

/** The recipe family each read route of the serving API needs. */
const RECIPE_TYPE_FOR_ROUTE: Readonly<Record<(typeof CAMPAIGN_ROUTES)[number], RecipeType>> = {
  recommendations: 'USER_PERSONALIZATION',
  related: 'RELATED_ITEMS',
  ranking: 'PERSONALIZED_RANKING',
  popular: 'POPULAR_ITEMS',
};

/** The serving API's references: campaigns of the right recipe, clients whose routes exist, unique client names. */
function servingRules(config: Fields, solutions: readonly Entry[]): ConsistencyIssue[] {
  const serving = child(config, 'serving');
  if (!serving) return [];
  const issues: ConsistencyIssue[] = [];
  const campaigns = child(serving, 'campaigns') ?? {};
  const deployed = new Set<string>();
  for (const [route, expected] of Object.entries(RECIPE_TYPE_FOR_ROUTE)) {
    const name = text(campaigns, route);
    if (name === undefined) continue;
    const path = ['serving', 'campaigns', route];
    const solution = solutions.find(({ fields }) => text(fields, 'name') === name);
    const recipe = solution && recipeOf(solution.fields);
    if (!solution) {
      issues.push({ path, message: `unknown solution "${name}"; ${oneOf(namesOf(solutions), 'solution')}` });
    } else if (!isFields(solution.fields.campaign)) {
      issues.push({
        path,
        message: `solution "${name}" has no campaign; add "campaign" to solutions[${solution.index}] so the route has an endpoint to call`,
      });
    } else if (recipe && recipe.recipeType !== expected) {
      issues.push({
        path,
        message: `solution "${name}" uses ${recipe.name} (${recipe.recipeType}); the ${route} route needs a ${expected} recipe: ${recipesWith((r) => r.recipeType === expected)}`,
      });
    } else {
      deployed.add(route);
    }
  }
  const datasets = child(config, 'datasets');
  const eventTracker = child(config, 'eventTracker');
  const available = new Set([
    ...deployed,
    ...(eventTracker?.enabled === false ? [] : ['events']),
    ...(child(datasets, 'items') ? ['items'] : []),
    ...(child(datasets, 'users') ? ['users'] : []),
  ]);
  const why: Readonly<Record<string, string>> = {
    events: 'the event tracker is disabled (eventTracker.enabled: false)',
    items: 'the config has no items dataset',
    users: 'the config has no users dataset',
  };
  const clients = entries(serving.clients);
  const seen = new Map<string, number>();
  for (const { index, fields } of clients) {
    const name = text(fields, 'name');
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        issues.push({
          path: ['serving', 'clients', index, 'name'],
          message: `duplicate client name "${name}" (also used by serving.clients[${first}]); each client gets its own API key`,
        });
      } else seen.set(name, index);
    }
    const routes = Array.isArray(fields.routes) ? fields.routes : [];
    for (const [position, route] of routes.entries()) {
      if (typeof route !== 'string' || !ROUTES.has(route) || available.has(route)) continue;
      const reason = why[route] ?? `serving.campaigns.${route} names no deployable campaign`;
      issues.push({
        path: ['serving', 'clients', index, 'routes', position],
        message: `route "${route}" is not served: ${reason}`,
      });
    }
  }
  return issues;
}

/** `network.availabilityZones` sizes a prod network; a dev network is one Availability Zone by definition. */
function networkRules(config: Fields): ConsistencyIssue[] {
  const network = child(config, 'network');
  if (network?.profile !== 'dev' || network.availabilityZones === undefined) return [];
  return [
    {
      path: ['network', 'availabilityZones'],
      message:
        'a dev network spans exactly one Availability Zone; remove availabilityZones, or use profile "prod" for two or more',
    },
  ];
}

function datasetLocationOverlaps(datasets: Fields | undefined): ConsistencyIssue[] {
  const locations = Object.entries(datasets ?? {}).flatMap(([key, value]) => {
    const location = isFields(value) ? text(value, 'dataLocation') : undefined;
    return location ? [{ key, location }] : [];
  });
  const issues: ConsistencyIssue[] = [];
  for (const inner of locations) {
    const outer = locations.find(
      (other) => other.key !== inner.key && inner.location.startsWith(other.location),
    );
    if (!outer || (outer.location === inner.location && outer.key > inner.key)) continue;
    issues.push({
      path: ['datasets', inner.key, 'dataLocation'],
      message:
        `"${inner.location}" lies inside datasets.${outer.key}.dataLocation "${outer.location}"; ` +
        'an import reads every file under its prefix, so each dataset needs its own prefix',
    });
  }
  return issues;
}

function validProjectName(value: unknown): string | undefined {
  return typeof value === 'string' &&
    value.length <= MAX_PROJECT_NAME_LENGTH &&
    PROJECT_NAME_PATTERN.test(value)
    ? value
    : undefined;
}

/**
 * Every cross-field problem in a (possibly partly invalid) config document. Paths are relative to
 * the document root; problems that the field schemas already report are not repeated.
 */
export function consistencyIssues(config: unknown): ConsistencyIssue[] {
  if (!isFields(config)) return [];
  const solutions = entries(config.solutions);
  const filters = entries(config.filters);
  const batchJobs = entries(config.batchJobs);
  const datasets = child(config, 'datasets');
  const projectName = validProjectName(config.projectName);
  const sections: [Section, Entry[]][] = [
    ['solutions', solutions],
    ['filters', filters],
    ['batchJobs', batchJobs],
  ];
  return [
    ...datasetLocationOverlaps(datasets),
    ...sections.flatMap(([section, list]) => duplicateNames(section, list)),
    ...(projectName
      ? nameProblems({
          projectName,
          solutions: wellFormedNames(solutions),
          filters: wellFormedNames(filters),
          batchJobs: wellFormedNames(batchJobs),
        })
      : []),
    ...solutions.flatMap((solution) => solutionRules(solution, datasets)),
    ...batchJobs.flatMap((job) => batchJobRules(job, solutions, filters)),
    ...servingRules(config, solutions),
    ...networkRules(config),
  ];
}
