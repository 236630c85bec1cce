/**
 * A light syntax check of Personalize filter expressions, enough to catch typos before the
 * pipeline calls `CreateFilter`. The full grammar is evaluated by the service (and the local engine).
 */

/** Maximum length of a filter expression (`CreateFilter.filterExpression`). */
export const MAX_FILTER_EXPRESSION_LENGTH = 2500;

/** What a filter filters: items, users (batch segment jobs) or actions. */
export type FilterTarget = 'ItemID' | 'UserID' | 'ActionID';

const TARGETS: readonly FilterTarget[] = ['ItemID', 'UserID', 'ActionID'];

const PART_PATTERN = /^(INCLUDE|EXCLUDE)\s+(\S+)\s+WHERE\s+\S/i;

const EXPRESSION_HINT = 'expected "INCLUDE|EXCLUDE ItemID|UserID|ActionID WHERE <condition>"';

/** Splits on `|` outside double-quoted strings; `undefined` when a string is not terminated. */
function splitParts(expression: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of expression) {
    if (char === '"') quoted = !quoted;
    if (char === '|' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quoted) return undefined;
  parts.push(current);
  return parts.map((part) => part.trim());
}

function targetOf(part: string): FilterTarget | undefined {
  const word = PART_PATTERN.exec(part)?.[2]?.toLowerCase();
  return TARGETS.find((target) => target.toLowerCase() === word);
}

/**
 * Checks the shape of a filter expression: every `|`-separated part reads
 * `INCLUDE|EXCLUDE <ItemID|UserID|ActionID> WHERE ...`, all parts filter the same thing, and
 * quotes are balanced.
 * @returns `undefined` when the expression looks valid, otherwise what is wrong and what is allowed.
 */
export function filterExpressionProblem(expression: string): string | undefined {
  if (expression.trim() === '') return `must not be empty; ${EXPRESSION_HINT}`;
  const parts = splitParts(expression);
  if (!parts) return 'has an unterminated double-quoted string';
  const targets = new Set<FilterTarget>();
  for (const [index, part] of parts.entries()) {
    const label = parts.length > 1 ? `part ${index + 1} ("${part}")` : `"${part}"`;
    if (!PART_PATTERN.test(part)) return `${label} does not start like a filter; ${EXPRESSION_HINT}`;
    const target = targetOf(part);
    if (!target) return `${label} filters an unknown kind of record; ${EXPRESSION_HINT}`;
    targets.add(target);
  }
  if (targets.size > 1)
    return `mixes ${[...targets].join(' and ')} parts; every part must filter the same kind`;
  return undefined;
}

/** What a (valid) filter expression filters, or `undefined` if the expression is malformed. */
export function filterTarget(expression: string): FilterTarget | undefined {
  if (filterExpressionProblem(expression)) return undefined;
  const first = splitParts(expression)?.[0];
  return first === undefined ? undefined : targetOf(first);
}
