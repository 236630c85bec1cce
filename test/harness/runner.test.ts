/**
 * The local state machine runner gives each execution its own name and ARN, as Step Functions does, and
 * pauses the Wait states it is told to for as long as it is told.
 */
import type { AslDefinition, CfnTemplate } from '../../local/harness/definitions';
import { LocalStateMachineRunner } from '../../local/harness/runner';

const NO_FUNCTIONS: CfnTemplate = { Resources: {} };

/** A definition that returns its execution's name and ARN after a Wait of 30 s. */
const definition: AslDefinition = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 30, Next: 'Identify' },
    Identify: {
      Type: 'Pass',
      Parameters: { 'name.$': '$$.Execution.Name', 'arn.$': '$$.Execution.Id' },
      End: true,
    },
  },
};

describe('LocalStateMachineRunner', () => {
  test('gives two executions started together without a name different names and ARNs', async () => {
    // Prepare
    const runner = new LocalStateMachineRunner(definition, NO_FUNCTIONS);

    // Act
    const outcomes = await Promise.all([runner.run({}), runner.run({})]);

    // Assess
    const outputs = outcomes.map((o) =>
      o.status === 'SUCCEEDED' ? (o.output as Record<string, string>) : {},
    );
    expect(outputs[0]?.name).toMatch(/^run-\d{14}-[0-9a-f]{6}$/);
    expect(outputs[0]?.name).not.toBe(outputs[1]?.name);
    expect(outputs[0]?.arn).toBe(`arn:aws:states:us-east-1:123456789012:execution:local:${outputs[0]?.name}`);
  });

  test('pauses a Wait state named in waitMsByState for its own time, instead of waitMs', async () => {
    // Prepare
    const runner = new LocalStateMachineRunner(definition, NO_FUNCTIONS);
    const started = Date.now();

    // Act
    const outcome = await runner.run(
      {},
      { executionName: 'named', waitMs: 0, waitMsByState: { Pause: 300 } },
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { name: 'named' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});
