/**
 * Amazon Personalize filter expressions: the one parser, used by the config check (so `cdk synth` refuses
 * what CreateFilter would), the pipeline and the local engine, plus parameter discovery and `filterValues`
 * parsing. Evaluation against records lives in the engine (`local/engine/filters.ts`).
 *
 * Grammar (keywords are case-insensitive):
 *
 *   filter     := expression ( "|" expression )*
 *   expression := ( INCLUDE | EXCLUDE ) ( ItemID | UserID | ActionID ) WHERE or [ IF when ]
 *   or         := and ( OR and )*
 *   and        := condition ( AND condition )*
 *   condition  := Dataset "." FIELD ( IN | NOT IN ) "(" value ( "," value )* ")"
 *               | Dataset "." FIELD ( "=" | "<" | "<=" | ">" | ">=" ) value
 *   when       := CurrentUser "." FIELD op value ( AND CurrentUser "." FIELD op value )*
 *   value      := "string" | number | $PARAMETER
 *
 * Semantics (Personalize's): within one expression every condition uses the dataset of the first;
 * `"*"` is only allowed in `Interactions.EVENT_TYPE IN (...)`; IN / NOT IN compare strings exactly
 * (event types case-insensitively) and match multi-value categorical fields (`a|b`) on any value;
 * range operators compare numbers. INCLUDE expressions are unioned, EXCLUDE expressions are
 * unioned, and the result is (union of INCLUDEs) minus (union of EXCLUDEs). An expression whose
 * `IF CurrentUser...` condition does not hold is ignored, as is an EXCLUDE expression with an
 * omitted parameter; an INCLUDE expression with an omitted parameter is an error.
 */
/** A filter expression does not parse. `position` is the 0-based character offset of the problem. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    public readonly position: number,
  ) {
    super(`${message} (at position ${position})`);
    this.name = 'FilterSyntaxError';
  }
}

/** An INCLUDE filter expression needs a `$PARAMETER` that the request did not supply in filterValues. */
export class FilterParameterError extends Error {
  constructor(
    message: string,
    public readonly parameter: string,
  ) {
    super(message);
    this.name = 'FilterParameterError';
  }
}

/** Maximum length of a filter expression (`CreateFilter.filterExpression`). */
export const MAX_FILTER_EXPRESSION_LENGTH = 2500;

/** A literal or placeholder on the right-hand side of a condition. */
export type FilterValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'parameter'; name: string }
  | { kind: 'wildcard' };

/** Comparison operators of the filter language. */
export type FilterOperator = 'IN' | 'NOT IN' | '=' | '<' | '<=' | '>' | '>=';

/** Datasets a condition can read. */
export type FilterDataset =
  'Items' | 'Interactions' | 'Users' | 'Actions' | 'Action_Interactions' | 'CurrentUser';

/** One `Dataset.FIELD op value(s)` comparison. */
export interface FilterCondition {
  kind: 'condition';
  dataset: FilterDataset;
  field: string;
  operator: FilterOperator;
  values: FilterValue[];
  /** Offset of the condition in the source text. */
  position: number;
}

/** A boolean combination of conditions (AND binds tighter than OR). */
export type FilterConditionTree = FilterCondition | { kind: 'and' | 'or'; operands: FilterConditionTree[] };

/** One `INCLUDE|EXCLUDE ... WHERE ... [IF ...]` expression. */
export interface FilterExpression {
  action: 'INCLUDE' | 'EXCLUDE';
  target: 'ItemID' | 'UserID' | 'ActionID';
  /** The dataset every WHERE condition reads. */
  dataset: FilterDataset;
  where: FilterConditionTree;
  /** `IF CurrentUser...` conditions, all of which must hold; empty when there is no IF. */
  when: FilterCondition[];
}

/** A parsed filter: expressions joined with `|`. */
export interface FilterAst {
  expressions: FilterExpression[];
}

/** Most distinct dataset fields one filter may use. */
export const MAX_FILTER_FIELDS = 5;
/** Interactions considered per user and event type. */
export const MAX_INTERACTIONS_PER_EVENT_TYPE = 100;

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'word' | 'string' | 'number' | 'parameter' | 'symbol' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  position: number;
}

const SYMBOLS = ['<=', '>=', '(', ')', ',', '|', '.', '=', '<', '>'];

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const start = i;
    if (char === '"') {
      let text = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        text += source[i];
        i++;
      }
      if (i >= source.length) throw new FilterSyntaxError('Unterminated string literal', start);
      i++;
      tokens.push({ kind: 'string', text, position: start });
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number !== null && (char !== '-' || /\d/.test(source[i + 1] ?? ''))) {
      i += number[0].length;
      tokens.push({ kind: 'number', text: number[0], position: start });
      continue;
    }
    if (char === '$') {
      const name = /^\$([A-Za-z0-9_]+)/.exec(source.slice(i));
      if (name === null) throw new FilterSyntaxError('Expected a parameter name after "$"', start);
      i += name[0].length;
      tokens.push({ kind: 'parameter', text: name[1] as string, position: start });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word !== null) {
      i += word[0].length;
      tokens.push({ kind: 'word', text: word[0], position: start });
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (symbol === undefined) throw new FilterSyntaxError(`Unexpected character "${char}"`, start);
    i += symbol.length;
    tokens.push({ kind: 'symbol', text: symbol, position: start });
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser

const DATASETS: readonly FilterDataset[] = [
  'Items',
  'Interactions',
  'Users',
  'Actions',
  'Action_Interactions',
  'CurrentUser',
];
const TARGET_DATASETS: Record<FilterExpression['target'], readonly FilterDataset[]> = {
  ItemID: ['Items', 'Interactions'],
  UserID: ['Users'],
  ActionID: ['Actions', 'Action_Interactions'],
};
const TARGETS: readonly FilterExpression['target'][] = ['ItemID', 'UserID', 'ActionID'];

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterAst {
    const expressions = [this.expression()];
    while (this.acceptSymbol('|')) {
      const position = this.peek().position;
      const expression = this.expression();
      const first = expressions[0] as FilterExpression;
      if (expression.target !== first.target) {
        throw new FilterSyntaxError(
          `Every expression of a filter must filter the same kind of record: this one filters ${expression.target}, the first ${first.target}`,
          position,
        );
      }
      expressions.push(expression);
    }
    const end = this.peek();
    if (end.kind !== 'end') {
      throw new FilterSyntaxError(
        `Expected "|" or the end of the expression, found ${describe(end)}`,
        end.position,
      );
    }
    return { expressions };
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(keyword: string, token: Token = this.peek()): boolean {
    return token.kind === 'word' && token.text.toUpperCase() === keyword;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(keyword)) return false;
    this.index++;
    return true;
  }

  private expectKeyword(keyword: string, context: string): void {
    const token = this.peek();
    if (!this.acceptKeyword(keyword)) {
      throw new FilterSyntaxError(`Expected ${keyword} ${context}, found ${describe(token)}`, token.position);
    }
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.text !== symbol) return false;
    this.index++;
    return true;
  }

  private expectSymbol(symbol: string, context: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(symbol)) {
      throw new FilterSyntaxError(
        `Expected "${symbol}" ${context}, found ${describe(token)}`,
        token.position,
      );
    }
  }

  private expression(): FilterExpression {
    const actionToken = this.next();
    const action = actionToken.text.toUpperCase();
    if (actionToken.kind !== 'word' || (action !== 'INCLUDE' && action !== 'EXCLUDE')) {
      throw new FilterSyntaxError(
        `Expected INCLUDE or EXCLUDE at the start of an expression, found ${describe(actionToken)}`,
        actionToken.position,
      );
    }
    const targetToken = this.next();
    const target = TARGETS.find(
      (t) => targetToken.kind === 'word' && t.toUpperCase() === targetToken.text.toUpperCase(),
    );
    if (target === undefined) {
      throw new FilterSyntaxError(
        `Expected ItemID, UserID or ActionID after ${action}, found ${describe(targetToken)}`,
        targetToken.position,
      );
    }
    this.expectKeyword('WHERE', `after ${action} ${target}`);
    const firstDatasetToken = this.peek();
    const where = this.orTree();
    const conditions = flattenConditions(where);
    const dataset = (conditions[0] as FilterCondition).dataset;
    const allowed = TARGET_DATASETS[target];
    if (!allowed.includes(dataset)) {
      throw new FilterSyntaxError(
        `${target} filters can only use the ${allowed.join(' or ')} dataset${allowed.length > 1 ? 's' : ''}, not ${dataset}`,
        firstDatasetToken.position,
      );
    }
    for (const condition of conditions) {
      if (condition.dataset !== dataset) {
        throw new FilterSyntaxError(
          `All conditions of one expression must use the same dataset (${dataset}); put ${condition.dataset} conditions in a separate expression joined with "|"`,
          condition.position,
        );
      }
    }
    const when: FilterCondition[] = [];
    if (this.acceptKeyword('IF')) {
      do {
        const condition = this.condition(true);
        if (condition.dataset !== 'CurrentUser') {
          throw new FilterSyntaxError(
            `IF conditions must use CurrentUser, not ${condition.dataset}`,
            condition.position,
          );
        }
        when.push(condition);
      } while (this.acceptKeyword('AND'));
      if (this.isKeyword('OR')) {
        throw new FilterSyntaxError('IF conditions can only be combined with AND', this.peek().position);
      }
    }
    return { action, target, dataset, where, when };
  }

  private orTree(): FilterConditionTree {
    const operands = [this.andTree()];
    while (this.acceptKeyword('OR')) operands.push(this.andTree());
    return operands.length === 1 ? (operands[0] as FilterConditionTree) : { kind: 'or', operands };
  }

  private andTree(): FilterConditionTree {
    const operands: FilterConditionTree[] = [this.condition(false)];
    while (this.acceptKeyword('AND')) operands.push(this.condition(false));
    return operands.length === 1 ? (operands[0] as FilterConditionTree) : { kind: 'and', operands };
  }

  private condition(inIf: boolean): FilterCondition {
    const datasetToken = this.next();
    const dataset = DATASETS.find(
      (d) => datasetToken.kind === 'word' && d.toUpperCase() === datasetToken.text.toUpperCase(),
    );
    if (dataset === undefined) {
      throw new FilterSyntaxError(
        `Expected a dataset (${DATASETS.join(', ')}) followed by ".FIELD", found ${describe(datasetToken)}`,
        datasetToken.position,
      );
    }
    if (dataset === 'CurrentUser' && !inIf) {
      throw new FilterSyntaxError(
        'CurrentUser can only be used in the trailing IF clause',
        datasetToken.position,
      );
    }
    this.expectSymbol('.', `after ${dataset}`);
    const fieldToken = this.next();
    if (fieldToken.kind !== 'word') {
      throw new FilterSyntaxError(
        `Expected a field name after "${dataset}.", found ${describe(fieldToken)}`,
        fieldToken.position,
      );
    }
    const field = fieldToken.text;
    const operatorToken = this.peek();
    const operator = this.operator(`${dataset}.${field}`);
    const values = operator === 'IN' || operator === 'NOT IN' ? this.valueList(field) : [this.value(field)];
    const condition: FilterCondition = {
      kind: 'condition',
      dataset,
      field,
      operator,
      values,
      position: datasetToken.position,
    };
    this.validate(condition, operatorToken);
    return condition;
  }

  private operator(subject: string): FilterOperator {
    const token = this.peek();
    if (this.acceptKeyword('IN')) return 'IN';
    if (this.acceptKeyword('NOT')) {
      this.expectKeyword('IN', 'after NOT');
      return 'NOT IN';
    }
    for (const symbol of ['=', '<=', '>=', '<', '>'] as const) {
      if (this.acceptSymbol(symbol)) return symbol;
    }
    const hint = this.isKeyword('CONTAINS', token) ? ' (there is no CONTAINS operator; use IN)' : '';
    throw new FilterSyntaxError(
      `Expected IN, NOT IN, =, <, <=, > or >= after ${subject}, found ${describe(token)}${hint}`,
      token.position,
    );
  }

  private valueList(field: string): FilterValue[] {
    this.expectSymbol('(', 'to open the value list');
    const values = [this.value(field)];
    while (this.acceptSymbol(',')) values.push(this.value(field));
    this.expectSymbol(')', 'to close the value list');
    return values;
  }

  /** A value compared with `field`; a bare word gets a hint to quote it or make it a parameter. */
  private value(field: string): FilterValue {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return token.text === '*' ? { kind: 'wildcard' } : { kind: 'string', value: token.text };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'parameter':
        return { kind: 'parameter', name: token.text };
      case 'word':
        throw new FilterSyntaxError(
          `Expected a double-quoted string, a number or a $PARAMETER, found the bare word ${token.text}; ` +
            `quote the value, e.g. "${token.text}", or use a parameter, e.g. $${field.toUpperCase()}`,
          token.position,
        );
      default:
        throw new FilterSyntaxError(
          `Expected a double-quoted string, a number or a $PARAMETER, found ${describe(token)}`,
          token.position,
        );
    }
  }

  private validate(condition: FilterCondition, operatorToken: Token): void {
    const isEventType =
      condition.dataset === 'Interactions' && condition.field.toUpperCase() === 'EVENT_TYPE';
    for (const value of condition.values) {
      if (value.kind === 'wildcard' && !(isEventType && condition.operator === 'IN')) {
        throw new FilterSyntaxError(
          '"*" is only allowed in Interactions.EVENT_TYPE IN (...)',
          condition.position,
        );
      }
      if (isRangeOperator(condition.operator) && value.kind === 'string') {
        throw new FilterSyntaxError(
          `The ${condition.operator} operator compares numbers; use a number or a $PARAMETER, not the string "${value.value}"`,
          operatorToken.position,
        );
      }
    }
  }
}

/** Whether an operator compares numbers (`<`, `<=`, `>`, `>=`). */
export function isRangeOperator(operator: FilterOperator): boolean {
  return operator === '<' || operator === '<=' || operator === '>' || operator === '>=';
}

/** The conditions of a condition tree, left to right. */
export function flattenConditions(tree: FilterConditionTree): FilterCondition[] {
  return tree.kind === 'condition' ? [tree] : tree.operands.flatMap(flattenConditions);
}

/**
 * Parses a filter expression.
 * @throws FilterSyntaxError with the 0-based position of the problem.
 */
export function parseFilterExpression(expression: string): FilterAst {
  if (expression.trim() === '') throw new FilterSyntaxError('The filter expression is empty', 0);
  const ast = new Parser(tokenize(expression)).parse();
  const fields = new Set<string>();
  for (const condition of ast.expressions.flatMap((e) => [...flattenConditions(e.where), ...e.when])) {
    fields.add(`${condition.dataset}.${condition.field.toUpperCase()}`);
    if (fields.size > MAX_FILTER_FIELDS) {
      throw new FilterSyntaxError(
        `A filter can use at most ${MAX_FILTER_FIELDS} distinct dataset fields`,
        condition.position,
      );
    }
  }
  return ast;
}

function conditionsOf(expression: FilterExpression): FilterCondition[] {
  return [...flattenConditions(expression.where), ...expression.when];
}

/** The `$PARAMETER` names (without `$`) one expression uses. */
export function expressionParameterNames(expression: FilterExpression): string[] {
  return conditionsOf(expression).flatMap((c) =>
    c.values.flatMap((v) => (v.kind === 'parameter' ? [v.name] : [])),
  );
}

/** The distinct `$PARAMETER` names of a filter (without `$`), in order of appearance. */
export function filterParameterNames(ast: FilterAst): string[] {
  return [...new Set(ast.expressions.flatMap(expressionParameterNames))];
}

// ---------------------------------------------------------------------------------------------
// Parameter values

/**
 * Parses a `filterValues` entry: a comma-separated list of double-quoted strings and bare numbers,
 * e.g. `"shoes","bags"` or `10`.
 * @throws FilterParameterError when the value is malformed.
 */
export function parseFilterValues(parameter: string, raw: string): string[] {
  const values: string[] = [];
  let i = 0;
  const fail = (): never => {
    throw new FilterParameterError(
      `Filter value for $${parameter} must be a comma-separated list of double-quoted strings or numbers, got ${JSON.stringify(raw)}.`,
      parameter,
    );
  };
  const skipSpace = (): void => {
    while (i < raw.length && /\s/.test(raw[i] as string)) i++;
  };
  for (;;) {
    skipSpace();
    if (raw[i] === '"') {
      let text = '';
      i++;
      while (i < raw.length && raw[i] !== '"') {
        if (raw[i] === '\\' && i + 1 < raw.length) i++;
        text += raw[i];
        i++;
      }
      if (i >= raw.length) fail();
      i++;
      values.push(text);
    } else {
      const bare = /^[^,"]+/.exec(raw.slice(i));
      if (bare === null) fail();
      const text = (bare as RegExpExecArray)[0].trim();
      if (!Number.isFinite(Number(text)) || text === '') fail();
      values.push(text);
      i += (bare as RegExpExecArray)[0].length;
    }
    skipSpace();
    if (i >= raw.length) return values;
    if (raw[i] !== ',') fail();
    i++;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks for the config

/** What a filter filters: items, users (batch segment jobs) or actions. */
export type FilterTarget = FilterExpression['target'];

/**
 * Why Personalize would refuse a filter expression at CreateFilter, in the parser's words with the position
 * of the problem, or `undefined` when it parses.
 */
export function filterExpressionProblem(expression: string): string | undefined {
  try {
    parseFilterExpression(expression);
    return undefined;
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error.message;
    throw error;
  }
}

/** What a (valid) filter expression filters, or `undefined` if the expression does not parse. */
export function filterTarget(expression: string): FilterTarget | undefined {
  try {
    return parseFilterExpression(expression).expressions[0]?.target;
  } catch (error) {
    if (error instanceof FilterSyntaxError) return undefined;
    throw error;
  }
}
