/**
 * Evaluation of Amazon Personalize filter expressions: compiles a parsed filter (`core/filter-expression.ts`,
 * the one parser the config check, the pipeline and the engine share) to an item predicate.
 */
import {
  type FilterAst,
  type FilterCondition,
  type FilterConditionTree,
  type FilterExpression,
  FilterParameterError,
  type FilterValue,
  expressionParameterNames,
  flattenConditions,
  isRangeOperator,
  MAX_INTERACTIONS_PER_EVENT_TYPE,
  parseFilterValues,
} from '../../core/filter-expression';
import { EngineError } from './errors';
import type { FieldValue, Interaction, ItemRecord, UserRecord } from './types';

/** What a filter is evaluated against for one request. */
export interface FilterContext {
  items: Map<string, ItemRecord>;
  /** The current user's interactions (stored and real-time), any order. */
  userInteractions: Interaction[];
  user?: UserRecord;
  /** `filterValues` of the request: parameter name (without `$`) → quoted value list. */
  values: Record<string, string>;
}

type Resolved = { values: string[]; wildcard: boolean };

function fieldOf(fields: Record<string, FieldValue>, field: string): FieldValue | undefined {
  if (field in fields) return fields[field];
  const upper = field.toUpperCase();
  const key = Object.keys(fields).find((name) => name.toUpperCase() === upper);
  return key === undefined ? undefined : fields[key];
}

function tokensOf(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split('|').map((part) => part.trim());
  return [String(value)];
}

function numberOf(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

function sameNumber(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

/** Evaluates one condition against a field value; `caseInsensitive` for event types. */
function test(
  condition: FilterCondition,
  resolved: Resolved,
  value: FieldValue | undefined,
  caseInsensitive: boolean,
): boolean {
  if (isRangeOperator(condition.operator)) {
    const actual = numberOf(value);
    if (actual === undefined) return false;
    return resolved.values.some((raw) => {
      const bound = Number(raw);
      if (!Number.isFinite(bound)) return false;
      switch (condition.operator) {
        case '<':
          return actual < bound;
        case '<=':
          return actual <= bound;
        case '>':
          return actual > bound;
        default:
          return actual >= bound;
      }
    });
  }
  const normalise = (text: string): string => (caseInsensitive ? text.toLowerCase() : text);
  const tokens = tokensOf(value);
  const wanted = new Set(resolved.values.map(normalise));
  const matches =
    tokens.length > 0 &&
    (resolved.wildcard ||
      tokens.some(
        (token) => wanted.has(normalise(token)) || resolved.values.some((v) => sameNumber(v, token)),
      ));
  return condition.operator === 'NOT IN' ? !matches : matches;
}

function evaluateTree(tree: FilterConditionTree, leaf: (condition: FilterCondition) => boolean): boolean {
  if (tree.kind === 'condition') return leaf(tree);
  return tree.kind === 'and'
    ? tree.operands.every((operand) => evaluateTree(operand, leaf))
    : tree.operands.some((operand) => evaluateTree(operand, leaf));
}

/** The newest 100 interactions per event type, as Personalize filters consider. */
function recentInteractions(interactions: readonly Interaction[]): Interaction[] {
  const byType = new Map<string, Interaction[]>();
  for (const interaction of interactions) {
    const type = (interaction.eventType ?? '').toLowerCase();
    const list = byType.get(type);
    if (list === undefined) byType.set(type, [interaction]);
    else list.push(interaction);
  }
  return [...byType.values()].flatMap((list) =>
    [...list].sort((a, b) => a.timestamp - b.timestamp).slice(-MAX_INTERACTIONS_PER_EVENT_TYPE),
  );
}

function interactionField(interaction: Interaction, field: string): FieldValue | undefined {
  switch (field.toUpperCase()) {
    case 'EVENT_TYPE':
      return interaction.eventType;
    case 'EVENT_VALUE':
      return interaction.eventValue;
    case 'ITEM_ID':
      return interaction.itemId;
    case 'USER_ID':
      return interaction.userId;
    case 'TIMESTAMP':
      return interaction.timestamp;
    default:
      return undefined;
  }
}

/** Compiles one active expression to "does this item match the WHERE clause". */
function compileExpression(
  expression: FilterExpression,
  resolve: (value: FilterValue) => Resolved,
  ctx: FilterContext,
): (itemId: string) => boolean {
  const resolvedOf = new Map<FilterCondition, Resolved>();
  for (const condition of flattenConditions(expression.where)) {
    const parts = condition.values.map(resolve);
    resolvedOf.set(condition, {
      values: parts.flatMap((p) => p.values),
      wildcard: parts.some((p) => p.wildcard),
    });
  }
  const resolvedFor = (condition: FilterCondition): Resolved => resolvedOf.get(condition) as Resolved;

  if (expression.dataset === 'Interactions') {
    const matching = new Set<string>();
    for (const interaction of recentInteractions(ctx.userInteractions)) {
      const hit = evaluateTree(expression.where, (condition) =>
        test(
          condition,
          resolvedFor(condition),
          interactionField(interaction, condition.field),
          condition.field.toUpperCase() === 'EVENT_TYPE',
        ),
      );
      if (hit) matching.add(interaction.itemId);
    }
    return (itemId) => matching.has(itemId);
  }
  return (itemId) => {
    const record = ctx.items.get(itemId);
    return evaluateTree(expression.where, (condition) =>
      test(
        condition,
        resolvedFor(condition),
        record === undefined ? undefined : fieldOf(record.fields, condition.field),
        false,
      ),
    );
  };
}

/**
 * The expressions of `ast` to apply with these filter values: an EXCLUDE expression missing a
 * parameter is disabled, as Personalize does.
 * @throws EngineError for an expression of another target.
 * @throws FilterParameterError when an INCLUDE expression's parameter is missing.
 */
function applicableExpressions(
  ast: FilterAst,
  target: 'ItemID' | 'UserID',
  what: string,
  values: Readonly<Record<string, unknown>>,
): FilterAst['expressions'] {
  return ast.expressions.filter((expression) => {
    if (expression.target !== target) {
      throw new EngineError(`${expression.target} filters cannot be applied to ${what}.`);
    }
    const missing = expressionParameterNames(expression).filter((name) => values[name] === undefined);
    if (missing.length === 0) return true;
    if (expression.action === 'EXCLUDE') return false;
    throw new FilterParameterError(
      `The filter needs a value for $${missing[0] as string} in filterValues.`,
      missing[0] as string,
    );
  });
}

/**
 * Compiles a parsed filter for one request into an item predicate (`false` = filtered out).
 * @throws FilterParameterError when an INCLUDE expression's parameter is missing or a value is malformed.
 * @throws EngineError for UserID / ActionID filters, which do not apply to item recommendations.
 */
export function compileFilter(ast: FilterAst, ctx: FilterContext): (itemId: string) => boolean {
  const includes: ((itemId: string) => boolean)[] = [];
  const excludes: ((itemId: string) => boolean)[] = [];

  for (const expression of applicableExpressions(ast, 'ItemID', 'item recommendations', ctx.values)) {
    const resolve = (value: FilterValue): Resolved => {
      switch (value.kind) {
        case 'string':
          return { values: [value.value], wildcard: false };
        case 'number':
          return { values: [String(value.value)], wildcard: false };
        case 'wildcard':
          return { values: [], wildcard: true };
        default: {
          const values = parseFilterValues(value.name, ctx.values[value.name] as string);
          return { values: values.filter((v) => v !== '*'), wildcard: values.includes('*') };
        }
      }
    };
    const applies = expression.when.every((condition) => {
      const parts = condition.values.map(resolve);
      const resolved = { values: parts.flatMap((p) => p.values), wildcard: false };
      return (
        ctx.user !== undefined && test(condition, resolved, fieldOf(ctx.user.fields, condition.field), false)
      );
    });
    if (!applies) continue;
    (expression.action === 'INCLUDE' ? includes : excludes).push(compileExpression(expression, resolve, ctx));
  }

  return (itemId) =>
    (includes.length === 0 || includes.some((matches) => matches(itemId))) &&
    !excludes.some((matches) => matches(itemId));
}

/** What a user filter (batch segment jobs) is evaluated against. */
export interface UserFilterContext {
  /** The Users dataset by user id. */
  users: Map<string, UserRecord>;
  /** `filterValues`: parameter name (without `$`) → quoted value list. */
  values: Record<string, string>;
}

/**
 * Compiles a `UserID` filter (`INCLUDE UserID WHERE Users.MEMBERSHIP IN ($M)`) into a user predicate
 * (`false` = left out of the segment). Users without a record match no condition.
 * @throws FilterParameterError when an INCLUDE expression's parameter is missing or a value is malformed.
 * @throws EngineError for ItemID / ActionID filters, which do not apply to user segments.
 */
export function compileUserFilter(ast: FilterAst, ctx: UserFilterContext): (userId: string) => boolean {
  const includes: ((userId: string) => boolean)[] = [];
  const excludes: ((userId: string) => boolean)[] = [];
  for (const expression of applicableExpressions(ast, 'UserID', 'user segments', ctx.values)) {
    const resolvedOf = new Map<FilterCondition, Resolved>();
    for (const condition of flattenConditions(expression.where)) {
      const parts: Resolved[] = condition.values.map((value) => {
        switch (value.kind) {
          case 'string':
            return { values: [value.value], wildcard: false };
          case 'number':
            return { values: [String(value.value)], wildcard: false };
          case 'wildcard':
            return { values: [], wildcard: true };
          default: {
            const values = parseFilterValues(value.name, ctx.values[value.name] as string);
            return { values: values.filter((v) => v !== '*'), wildcard: values.includes('*') };
          }
        }
      });
      resolvedOf.set(condition, {
        values: parts.flatMap((p) => p.values),
        wildcard: parts.some((p) => p.wildcard),
      });
    }
    const matches = (userId: string): boolean => {
      const record = ctx.users.get(userId);
      return evaluateTree(expression.where, (condition) =>
        test(
          condition,
          resolvedOf.get(condition) as Resolved,
          record === undefined ? undefined : fieldOf(record.fields, condition.field),
          false,
        ),
      );
    };
    (expression.action === 'INCLUDE' ? includes : excludes).push(matches);
  }
  return (userId) =>
    (includes.length === 0 || includes.some((matches) => matches(userId))) &&
    !excludes.some((matches) => matches(userId));
}
