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
import {
  DOMAIN_RECIPES,
  findDomainRecipe,
  findRecipe,
  RECIPES,
  type Recipe,
  type RecipeType,
} from '../recipes';
import type { DatasetType } from '../schema-rules';
import { formatPath } from './messages';
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
  return duplicateNamesIn([section], SECTION_NOUN[section], list);
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

/**
 * Why a solution or recommender cannot answer a read route, or `undefined` when it can: it must exist, a
 * solution must have a campaign, a recommender must not be stopped, and its recipe (or use case) must give the
 * answers the route returns.
 */
function routeTargetProblem(
  name: string,
  route: keyof typeof RECIPE_TYPE_FOR_ROUTE,
  solutions: readonly Entry[],
  recommenders: readonly Entry[],
): string | undefined {
  const expected = RECIPE_TYPE_FOR_ROUTE[route];
  // A user's recommendations may also be the popular items (they take a userId too): the usual baseline.
  const accepted: readonly RecipeType[] =
    route === 'recommendations' ? [expected, 'POPULAR_ITEMS'] : [expected];
  const recommender = recommenders.find(({ fields }) => text(fields, 'name') === name);
  if (recommender) {
    const useCase = findDomainRecipe(text(recommender.fields, 'useCase') ?? '');
    if (useCase && !accepted.includes(useCase.recipeType))
      return `recommender "${name}" serves ${useCase.name} (${useCase.recipeType}); the ${route} route needs a ${accepted.join(' or ')} use case`;
    if (recommender.fields.stopped === true)
      return `recommender "${name}" is stopped (recommenders[${recommender.index}].stopped: true) and answers no requests; set it to false, or route to another solution or recommender`;
    return undefined;
  }
  const solution = solutions.find(({ fields }) => text(fields, 'name') === name);
  const recipe = solution && recipeOf(solution.fields);
  if (!solution) {
    const names = [...namesOf(solutions), ...namesOf(recommenders)];
    return `unknown solution or recommender "${name}"; ${oneOf(names, 'solution or recommender')}`;
  }
  if (!isFields(solution.fields.campaign))
    return `solution "${name}" has no campaign; add "campaign" to solutions[${solution.index}] so the route has an endpoint to call`;
  if (recipe && !accepted.includes(recipe.recipeType))
    return `solution "${name}" uses ${recipe.name} (${recipe.recipeType}); the ${route} route needs a ${accepted.join(' or ')} recipe: ${recipesWith((r) => accepted.includes(r.recipeType))}`;
  return undefined;
}

/**
 * Experiments: one per route, unique variant names, shares adding up to 100, and variants answered by a
 * solution or recommender that can serve the route, with filters of the config.
 */
function experimentRules(
  serving: Fields,
  solutions: readonly Entry[],
  recommenders: readonly Entry[],
  filters: readonly Entry[],
): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  const experiments = entries(serving.experiments);
  issues.push(...duplicateNamesIn(['serving', 'experiments'], 'experiment', experiments));
  const routes = new Map<string, string>();
  for (const { index, fields } of experiments) {
    const name = text(fields, 'name') ?? `#${index}`;
    const route = text(fields, 'route');
    const path = ['serving', 'experiments', index];
    if (route !== undefined && text(child(serving, 'campaigns'), route) === undefined)
      issues.push({
        path: [...path, 'route'],
        message: `the ${route} route is not served: set serving.campaigns.${route}, which answers requests the experiment cannot split (without a user or session)`,
      });
    if (route !== undefined) {
      const other = routes.get(route);
      if (other !== undefined)
        issues.push({
          path: [...path, 'route'],
          message: `the ${route} route already has experiment "${other}"; run one experiment per route at a time`,
        });
      else routes.set(route, name);
    }
    const variants = entries(fields.variants);
    issues.push(...duplicateNamesIn([...path, 'variants'], 'variant', variants));
    const shares = variants.map(({ fields: v }) => v.share).filter((v): v is number => typeof v === 'number');
    const total = shares.reduce((sum, share) => sum + share, 0);
    if (shares.length === variants.length && variants.length > 0 && Math.abs(total - 100) > 1e-9)
      issues.push({
        path: [...path, 'variants'],
        message: `the variants' shares add up to ${total}; they must add up to 100`,
      });
    for (const { index: v, fields: variant } of variants) {
      const target = text(variant, 'target');
      if (target !== undefined && route !== undefined && route in RECIPE_TYPE_FOR_ROUTE) {
        const problem = routeTargetProblem(
          target,
          route as keyof typeof RECIPE_TYPE_FOR_ROUTE,
          solutions,
          recommenders,
        );
        if (problem !== undefined)
          issues.push({ path: [...path, 'variants', v, 'target'], message: problem });
      }
      const filter = text(variant, 'filter');
      if (filter !== undefined && !namesOf(filters).includes(filter))
        issues.push({
          path: [...path, 'variants', v, 'filter'],
          message: `unknown filter "${filter}"; ${oneOf(namesOf(filters), 'filter')}`,
        });
    }
  }
  return issues;
}

/** Duplicate `name`s in a list (at `path`), each reported at its own entry with the first one it repeats. */
function duplicateNamesIn(
  path: readonly (string | number)[],
  noun: string,
  list: readonly Entry[],
): ConsistencyIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: ConsistencyIssue[] = [];
  for (const { index, fields } of list) {
    const name = text(fields, 'name');
    if (name === undefined) continue;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, index);
    else
      issues.push({
        path: [...path, index, 'name'],
        message: `duplicate ${noun} name "${name}" (also used by ${formatPath([...path, first])}); names must be unique`,
      });
  }
  return issues;
}

/**
 * Recommenders: only in a domain dataset group, each with a use case of that domain, names unique among
 * solutions and recommenders (a serving route names either).
 */
function recommenderRules(
  config: Fields,
  solutions: readonly Entry[],
  recommenders: readonly Entry[],
): ConsistencyIssue[] {
  if (recommenders.length === 0) return [];
  const domain = text(child(config, 'datasetGroup'), 'domain');
  const issues: ConsistencyIssue[] = [];
  if (domain === undefined)
    issues.push({
      path: ['recommenders'],
      message:
        'recommenders need a domain dataset group; set datasetGroup.domain to ECOMMERCE or VIDEO_ON_DEMAND, or use solutions with campaigns',
    });
  issues.push(...duplicateNamesIn(['recommenders'], 'recommender', recommenders));
  const solutionNames = new Set(namesOf(solutions));
  for (const { index, fields } of recommenders) {
    const name = text(fields, 'name');
    if (name !== undefined && solutionNames.has(name))
      issues.push({
        path: ['recommenders', index, 'name'],
        message: `"${name}" is also a solution's name; serving routes name either, so give the recommender another name`,
      });
    const useCase = text(fields, 'useCase');
    if (useCase === undefined) continue;
    const recipe = findDomainRecipe(useCase);
    const ofDomain = DOMAIN_RECIPES.filter((r) => domain === undefined || r.domain === domain).map(
      (r) => r.name,
    );
    if (recipe === undefined || (domain !== undefined && recipe.domain !== domain))
      issues.push({
        path: ['recommenders', index, 'useCase'],
        message: `${JSON.stringify(useCase)} is not a use case of ${domain ?? 'a domain dataset group'}; ${oneOf(ofDomain, 'use case')}`,
      });
  }
  return issues;
}

/** A metric that sums an item column needs the items dataset; metric names are unique. */
function metricAttributionRules(config: Fields): ConsistencyIssue[] {
  const metrics = entries(child(config, 'metricAttribution')?.metrics);
  const issues: ConsistencyIssue[] = [];
  const seen = new Set<string>();
  for (const { index, fields } of metrics) {
    const path = ['metricAttribution', 'metrics', index];
    const name = text(fields, 'metricName');
    if (name !== undefined && seen.has(name))
      issues.push({ path: [...path, 'metricName'], message: `duplicate metric name "${name}"` });
    if (name !== undefined) seen.add(name);
    if (text(fields, 'expression')?.startsWith('SUM(Items.') && !child(child(config, 'datasets'), 'items'))
      issues.push({
        path: [...path, 'expression'],
        message:
          'SUM(Items.<column>) reads the items dataset, which this config does not have; add datasets.items or use SAMPLECOUNT()',
      });
  }
  return issues;
}

/** The serving API's references: campaigns of the right recipe, clients whose routes exist, unique client names. */
function servingRules(
  config: Fields,
  solutions: readonly Entry[],
  recommenders: readonly Entry[],
): ConsistencyIssue[] {
  const serving = child(config, 'serving');
  if (!serving) return [];
  const issues: ConsistencyIssue[] = [];
  const campaigns = child(serving, 'campaigns') ?? {};
  const deployed = new Set<string>();
  for (const route of Object.keys(RECIPE_TYPE_FOR_ROUTE) as (keyof typeof RECIPE_TYPE_FOR_ROUTE)[]) {
    const name = text(campaigns, route);
    if (name === undefined) continue;
    const problem = routeTargetProblem(name, route, solutions, recommenders);
    if (problem !== undefined) issues.push({ path: ['serving', 'campaigns', route], message: problem });
    else deployed.add(route);
  }
  issues.push(...experimentRules(serving, solutions, recommenders, entries(config.filters)));
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
  const recommenders = entries(config.recommenders);
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
          recommenders: wellFormedNames(recommenders),
        })
      : []),
    ...solutions.flatMap((solution) => solutionRules(solution, datasets)),
    ...batchJobs.flatMap((job) => batchJobRules(job, solutions, filters)),
    ...recommenderRules(config, solutions, recommenders),
    ...metricAttributionRules(config),
    ...servingRules(config, solutions, recommenders),
    ...networkRules(config),
  ];
}
