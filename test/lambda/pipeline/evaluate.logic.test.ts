import { evaluateGate, type GateSettings } from '../../../lambda/pipeline/evaluate.logic';

const GATE: GateSettings = {
  metric: 'normalized_discounted_cumulative_gain_at_10',
  minimum: 0.1,
  maxRegression: 0.05,
};
const NEW = 'arn:aws:personalize:us-east-1:123456789012:solution/p-s/new00001';
const LIVE = 'arn:aws:personalize:us-east-1:123456789012:solution/p-s/live0001';
const metric = (value: number): Record<string, number> => ({ [GATE.metric]: value, coverage: 0.5 });

describe('the quality gate', () => {
  test('passes a first version above the minimum when no campaign exists yet', () => {
    // Prepare
    const input = { gate: GATE, solutionVersionArn: NEW, metrics: metric(0.2) };
    // Act
    const outcome = evaluateGate(input);
    // Assess
    expect(outcome.passed).toBe(true);
    expect(outcome.value).toBe(0.2);
    expect(outcome.baseline).toBeUndefined();
    expect(outcome.reason).toContain('no live version');
  });

  test('fails a version below the absolute minimum and says by how much', () => {
    const outcome = evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.05) });
    expect(outcome.passed).toBe(false);
    expect(outcome.reason).toBe('normalized_discounted_cumulative_gain_at_10 0.05 is below the minimum 0.1');
  });

  test('passes a version exactly at the minimum', () => {
    expect(evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.1) }).passed).toBe(true);
  });

  test('fails a version that regresses more than maxRegression against the live version', () => {
    // Prepare
    const live = { solutionVersionArn: LIVE, metrics: metric(0.3) };
    // Act
    const outcome = evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.27), live });
    // Assess
    expect(outcome.passed).toBe(false);
    expect(outcome.baseline).toEqual({ solutionVersionArn: LIVE, value: 0.3 });
    expect(outcome.reason).toContain('10% below the live version');
    expect(outcome.reason).toContain('at most 5% allowed');
  });

  test('passes a version whose regression is exactly maxRegression', () => {
    const live = { solutionVersionArn: LIVE, metrics: metric(0.2) };
    expect(evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.19), live }).passed).toBe(
      true,
    );
  });

  test('passes a version that improves on the live version', () => {
    const live = { solutionVersionArn: LIVE, metrics: metric(0.2) };
    const outcome = evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.25), live });
    expect(outcome.passed).toBe(true);
    expect(outcome.baseline?.value).toBe(0.2);
  });

  test('checks the absolute floor even when the live version is worse', () => {
    const live = { solutionVersionArn: LIVE, metrics: metric(0.01) };
    expect(evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.05), live }).passed).toBe(
      false,
    );
  });

  test('passes with "already serving" when the campaign serves this very version', () => {
    const outcome = evaluateGate({
      gate: GATE,
      solutionVersionArn: NEW,
      metrics: metric(0.0),
      live: { solutionVersionArn: NEW },
    });
    expect(outcome.passed).toBe(true);
    expect(outcome.reason).toContain('already serves');
  });

  test('passes with a reason when the recipe reports no value for the metric', () => {
    const outcome = evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: { coverage: 0.4 } });
    expect(outcome.passed).toBe(true);
    expect(outcome.reason).toBe(
      'the recipe reports no normalized_discounted_cumulative_gain_at_10; the quality gate does not apply',
    );
  });

  test('compares only against the floor when the live version has no value for the metric', () => {
    const live = { solutionVersionArn: LIVE, metrics: {} };
    const outcome = evaluateGate({ gate: GATE, solutionVersionArn: NEW, metrics: metric(0.12), live });
    expect(outcome.passed).toBe(true);
    expect(outcome.baseline).toEqual({ solutionVersionArn: LIVE });
  });

  test('does not divide by a zero baseline', () => {
    const live = { solutionVersionArn: LIVE, metrics: metric(0) };
    expect(
      evaluateGate({ gate: { ...GATE, minimum: 0 }, solutionVersionArn: NEW, metrics: metric(0), live })
        .passed,
    ).toBe(true);
  });
});
