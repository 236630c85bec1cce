import { decideTraining, type TrainingDecisionInput } from '../../../lambda/pipeline/solution-version.logic';

const ACTIVE = { arn: 'v-active', status: 'ACTIVE', createdAt: 1_000 };
const base: TrainingDecisionInput = {
  versions: [ACTIVE],
  force: false,
  selected: true,
  configuredMode: 'FULL',
  supportsUpdate: true,
};

describe('the version-training decision', () => {
  test('trains a FULL version when the solution has no ACTIVE version', () => {
    // Act
    const decision = decideTraining({
      ...base,
      versions: [{ arn: 'v0', status: 'CREATE FAILED', createdAt: 10 }],
      configuredMode: 'UPDATE',
    });
    // Assess
    expect(decision).toEqual({
      action: 'train',
      trainingMode: 'FULL',
      reason: 'the solution has no ACTIVE version',
    });
  });

  test('reuses a version that is still being created', () => {
    const decision = decideTraining({
      ...base,
      force: true,
      versions: [ACTIVE, { arn: 'v-run', status: 'CREATE PENDING', createdAt: 2_000 }],
    });
    expect(decision).toEqual(expect.objectContaining({ action: 'reuse', solutionVersionArn: 'v-run' }));
  });

  test('keeps the latest ACTIVE version when no new data arrived', () => {
    const decision = decideTraining({ ...base, lastImportFinishedAt: 900 });
    expect(decision).toEqual(expect.objectContaining({ action: 'keep', solutionVersionArn: 'v-active' }));
  });

  test('keeps the newest of several ACTIVE versions', () => {
    const decision = decideTraining({
      ...base,
      versions: [ACTIVE, { arn: 'v-newer', status: 'ACTIVE', createdAt: 5_000 }],
    });
    expect(decision).toEqual(expect.objectContaining({ action: 'keep', solutionVersionArn: 'v-newer' }));
  });

  test('trains in the configured mode when an import finished after the latest ACTIVE version', () => {
    const decision = decideTraining({ ...base, configuredMode: 'UPDATE', lastImportFinishedAt: 1_500 });
    expect(decision).toEqual(expect.objectContaining({ action: 'train', trainingMode: 'UPDATE' }));
    expect(decision.reason).toContain('new data was imported');
  });

  test('trains in the mode a schedule requests', () => {
    const decision = decideTraining({ ...base, requestedMode: 'UPDATE' });
    expect(decision).toEqual({
      action: 'train',
      trainingMode: 'UPDATE',
      reason: 'UPDATE training requested by the run',
    });
  });

  test('falls back to FULL when UPDATE is requested for a recipe that cannot update', () => {
    const decision = decideTraining({ ...base, requestedMode: 'UPDATE', supportsUpdate: false });
    expect(decision).toEqual(expect.objectContaining({ action: 'train', trainingMode: 'FULL' }));
    expect(decision.reason).toContain('cannot train with UPDATE');
  });

  test("trains when forced, in the solution's configured mode", () => {
    expect(decideTraining({ ...base, force: true })).toEqual({
      action: 'train',
      trainingMode: 'FULL',
      reason: 'forced by the run input',
    });
  });

  test('does not force a solution the run did not select', () => {
    expect(decideTraining({ ...base, force: true, selected: false }).action).toBe('keep');
  });

  test('counts the newest ACTIVE version as new when no campaign or batch job uses it yet', () => {
    // Act
    const decision = decideTraining({ ...base, lastImportFinishedAt: 900, newestActiveInUse: false });
    // Assess
    expect(decision).toEqual({
      action: 'adopt',
      solutionVersionArn: 'v-active',
      reason:
        'version v-active is ACTIVE and no campaign or batch job uses it yet (an earlier run trained it and did not deploy it); it counts as new',
    });
  });

  test('keeps the newest ACTIVE version once a campaign or batch job uses it', () => {
    // Act
    const decision = decideTraining({ ...base, newestActiveInUse: true });
    // Assess
    expect(decision).toEqual(expect.objectContaining({ action: 'keep', solutionVersionArn: 'v-active' }));
  });

  test('trains instead of adopting an unused version when new data arrived after it', () => {
    // Act
    const decision = decideTraining({ ...base, lastImportFinishedAt: 1_500, newestActiveInUse: false });
    // Assess
    expect(decision).toEqual(expect.objectContaining({ action: 'train', trainingMode: 'FULL' }));
  });
});
