/**
 * Syntax checks for EventBridge Scheduler expressions: `rate(N unit)` and `cron(<6 fields>)`.
 *
 * Pure module: no I/O, no AWS, no CDK.
 */

/** A unit a `rate()` expression may use. */
export type RateUnit = 'minute' | 'hour' | 'day';

const RATE_PATTERN = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_PATTERN = /^cron\((.*)\)$/;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Three-letter names accepted in place of numbers, index 0 meaning `min`. */
  readonly names?: readonly string[];
  /** Accepts `?` (day-of-month and day-of-week only). */
  readonly question?: boolean;
  /** Extra single-token forms, e.g. `L`, `15W`, `6#3`. */
  readonly special?: RegExp;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: WEEKDAYS,
    question: true,
    special: /^(L|[1-7]L|(?:[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5])$/,
  },
  { name: 'year', min: 1970, max: 2199 },
];

function parseCronValue(token: string, field: CronField): number | undefined {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(token.toUpperCase()) ?? -1;
  return index >= 0 ? field.min + index : undefined;
}

function checkCronItem(item: string, field: CronField): string | undefined {
  const allowed = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ''}`;
  if (field.special?.test(item.toUpperCase())) return undefined;
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || range === undefined || range === '') {
    return `${field.name} "${item}" is malformed`;
  }
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) {
    return `${field.name} step "${step}" must be a positive integer`;
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `${field.name} "${item}" is malformed`;
  const values = bounds.map((bound) => parseCronValue(bound, field));
  if (values.some((value) => value === undefined)) {
    return `${field.name} "${item}" is out of range; allowed values are ${allowed}`;
  }
  return undefined;
}

function checkCronField(value: string, field: CronField): string | undefined {
  if (value === '?') {
    return field.question ? undefined : `${field.name} cannot be "?"`;
  }
  for (const item of value.split(',')) {
    const problem = checkCronItem(item, field);
    if (problem) return problem;
  }
  return undefined;
}

function checkCron(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = checkCronField(fields[index] ?? '', field);
    if (problem) return problem;
  }
  const dayOfMonth = fields[2];
  const dayOfWeek = fields[4];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month and day-of-week must be "?"';
  }
  return undefined;
}

function checkRate(value: number, unit: string): string | undefined {
  if (value < 1) return 'the rate must be at least 1';
  const plural = unit.endsWith('s');
  if (value === 1 && plural) return `use the singular unit with 1, e.g. "rate(1 ${unit.slice(0, -1)})"`;
  if (value > 1 && !plural) return `use the plural unit with ${value}, e.g. "rate(${value} ${unit}s)"`;
  return undefined;
}

/**
 * Checks the syntax of an EventBridge Scheduler expression. Accepts `rate(N minute|minutes|hour|hours|
 * day|days)` and `cron(minutes hours day-of-month month day-of-week year)`.
 *
 * @returns `undefined` when the expression is valid, otherwise a short reason.
 */
export function checkScheduleExpression(expression: string): string | undefined {
  const rate = RATE_PATTERN.exec(expression);
  if (rate) return checkRate(Number(rate[1]), rate[2] ?? '');
  const cron = CRON_PATTERN.exec(expression);
  if (cron) return checkCron(cron[1] ?? '');
  return 'expected "rate(N minute|minutes|hour|hours|day|days)" or "cron(<6 fields>)"';
}

/** True when {@link checkScheduleExpression} finds no problem. */
export function isScheduleExpression(expression: string): boolean {
  return checkScheduleExpression(expression) === undefined;
}

/**
 * Describes what is wrong with a schedule expression, naming the expression and what is allowed.
 *
 * @returns `undefined` when the expression is valid.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const problem = checkScheduleExpression(expression);
  return problem === undefined ? undefined : `invalid schedule ${JSON.stringify(expression)}; ${problem}`;
}

// ---------------------------------------------------------------------------------------------
// How often a schedule fires

/** Average days in a month (365.25 / 12). */
export const DAYS_PER_MONTH = 30.4375;

/** The values of one cron field that match, or `undefined` for a special form (`L`, `15W`, `6#3`). */
function cronValues(value: string, field: CronField): Set<number> | undefined {
  if (value === '?' || value === '*') return range(field.min, field.max, 1);
  const values = new Set<number>();
  for (const item of value.split(',')) {
    if (field.special?.test(item.toUpperCase())) return undefined;
    const [span = '*', step = '1'] = item.split('/');
    const [low, high] =
      span === '*' ? [field.min, field.max] : span.split('-').map((b) => parseCronValue(b, field));
    const first = low ?? field.min;
    // `a/n` runs from a to the end of the field; `a` alone is just a.
    const last = high ?? (item.includes('/') || span === '*' ? field.max : first);
    for (const v of range(first, last, Number(step))) values.add(v);
  }
  return values;
}

function range(from: number, to: number, step: number): Set<number> {
  const values = new Set<number>();
  for (let v = from; v <= to; v += step) values.add(v);
  return values;
}

/**
 * How many times a valid schedule expression fires in an average month: exact for `rate()`, and for `cron()`
 * counted over the days of a whole non-leap year (special day forms such as `L`, `15W` and `6#3` count once a
 * month). Used for cost estimates.
 */
export function runsPerMonth(expression: string): number {
  const rate = RATE_PATTERN.exec(expression);
  if (rate) {
    const minutes = { minute: 1, hour: 60, day: 1440 }[(rate[2] ?? 'day').replace(/s$/, '') as RateUnit];
    return (DAYS_PER_MONTH * 1440) / (Number(rate[1]) * minutes);
  }
  const body = CRON_PATTERN.exec(expression)?.[1];
  if (body === undefined || checkScheduleExpression(expression)) {
    throw new Error(`Not a valid schedule expression: ${expression}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = body.trim().split(/\s+/);
  const field = (i: number) => CRON_FIELDS[i] as CronField;
  const perDay =
    (cronValues(minutes ?? '*', field(0))?.size ?? 1) * (cronValues(hours ?? '*', field(1))?.size ?? 1);
  const months = cronValues(month ?? '*', field(3)) ?? range(1, 12, 1);
  const days = dayOfMonth === '?' ? undefined : cronValues(dayOfMonth ?? '*', field(2));
  const weekdays = dayOfWeek === '?' ? undefined : cronValues(dayOfWeek ?? '*', field(4));
  // A special form (`L`, `6#3` ...) matches one day a month.
  if ((dayOfMonth !== '?' && days === undefined) || (dayOfWeek !== '?' && weekdays === undefined)) {
    return (perDay * months.size) / 12;
  }
  let matchingDays = 0;
  // 2027 is not a leap year and starts on a Friday; any year gives the same average to within a day.
  for (
    let day = new Date(Date.UTC(2027, 0, 1));
    day.getUTCFullYear() === 2027;
    day.setUTCDate(day.getUTCDate() + 1)
  ) {
    if (!months.has(day.getUTCMonth() + 1)) continue;
    const matches = days ? days.has(day.getUTCDate()) : (weekdays as Set<number>).has(day.getUTCDay() + 1);
    if (matches) matchingDays++;
  }
  return (perDay * matchingDays) / 12;
}

/**
 * The shortest time between two firings of a valid schedule expression, in minutes: exact for `rate()`; for
 * `cron()` the shortest gap between the times of day it fires at (midnight wrap included), or 1440 when it
 * fires once a day or less often. Used to refuse retraining schedules that fire too often.
 */
export function shortestIntervalMinutes(expression: string): number {
  const rate = RATE_PATTERN.exec(expression);
  if (rate) {
    return (
      Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[(rate[2] ?? 'day').replace(/s$/, '') as RateUnit]
    );
  }
  const body = CRON_PATTERN.exec(expression)?.[1];
  if (body === undefined || checkScheduleExpression(expression)) {
    throw new Error(`Not a valid schedule expression: ${expression}`);
  }
  const [minutes, hours] = body.trim().split(/\s+/);
  const field = (i: number) => CRON_FIELDS[i] as CronField;
  const times: number[] = [];
  for (const hour of cronValues(hours ?? '*', field(1)) ?? [0]) {
    for (const minute of cronValues(minutes ?? '*', field(0)) ?? [0]) times.push(hour * 60 + minute);
  }
  times.sort((a, b) => a - b);
  let shortest = 1440;
  for (const [index, time] of times.entries()) {
    const next = index + 1 < times.length ? (times[index + 1] as number) : (times[0] as number) + 1440;
    if (next > time) shortest = Math.min(shortest, next - time);
  }
  return shortest;
}

/** A number of minutes in words: `5 minutes`, `1 hour`, `12 hours`, `2 days`, `90 minutes`. */
export function describeMinutes(minutes: number): string {
  const [amount, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
