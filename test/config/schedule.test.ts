import { isScheduleExpression, scheduleExpressionProblem, shortestIntervalMinutes } from '../../core/config';

describe('schedule expressions', () => {
  test.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'rate(7 days)',
    'cron(0 3 ? * SUN *)',
    'cron(0 3 ? * MON-SAT *)',
    'cron(0 2 * * ? *)',
    'cron(15 10 ? * 6L 2030-2040)',
    'cron(0/15 * * * ? *)',
    'cron(0 8 1,15 * ? *)',
    'cron(0 9 L * ? *)',
    'cron(0 9 ? JAN-MAR 2#1 *)',
  ])('accepts %s', (expression) => {
    // Act & Assess
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
    expect(isScheduleExpression(expression)).toBe(true);
  });

  test.each([
    'daily',
    'rate(0 days)',
    'rate(1 days)',
    'rate(2 day)',
    'rate(1 week)',
    'rate(1.5 hours)',
    'cron(0 3 * * ?)',
    'cron(0 3 * * * *)',
    'cron(0 3 ? * ? *)',
    'cron(60 3 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 3 32 * ? *)',
    'cron(0 3 ? 13 MON *)',
    'cron(0 3 ? * FUNDAY *)',
    'cron(0 3 ? * MON 1969)',
    'cron(0/0 3 * * ? *)',
    '0 3 * * ? *',
  ])('rejects %s and says why', (expression) => {
    // Act
    const problem = scheduleExpressionProblem(expression);

    // Assess
    expect(problem).toMatch(new RegExp(`^invalid schedule "${expression.replace(/[()*?./]/g, '\\$&')}"; .+`));
    expect(isScheduleExpression(expression)).toBe(false);
  });
});

describe('shortestIntervalMinutes', () => {
  test.each([
    ['rate(5 minutes)', 5],
    ['rate(1 hour)', 60],
    ['rate(2 days)', 2880],
    ['cron(0 3 ? * SUN *)', 1440],
    ['cron(0 3 * * ? *)', 1440],
    ['cron(0/30 * * * ? *)', 30],
    ['cron(0 9,17 ? * MON-FRI *)', 480],
    ['cron(0 1,23 * * ? *)', 120],
  ])('%s fires at most every %i minutes', (expression, minutes) => {
    // Act & Assess
    expect(shortestIntervalMinutes(expression)).toBe(minutes);
  });
});
