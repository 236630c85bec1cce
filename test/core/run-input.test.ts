import { runInputProblems } from '../../core/run-input';

describe('runInputProblems', () => {
  test.each([
    [{}],
    [null],
    [undefined],
    [{ Comment: 'Insert your JSON here' }],
    [{ force: true, trainingMode: 'UPDATE', solutions: ['a'], batchJobs: [] }],
    [{ configLocation: { bucket: 'b', key: 'config/personalize.config.json' } }],
    [{ config: { projectName: 'p' } }],
  ])('accepts the run input %j', (input) => {
    expect(runInputProblems(input)).toEqual([]);
  });

  test.each([
    [
      { solution: ['sims'] },
      'input.solution: unknown key "solution" (did you mean "solutions"?); allowed keys are config, configLocation, force, trainingMode, solutions, batchJobs',
    ],
    [{ force: 'yes' }, 'input.force: expected true or false, received string "yes"'],
    [{ solutions: 'sims' }, 'input.solutions: expected an array, received string "sims"'],
    [{ batchJobs: [''] }, 'input.batchJobs[0]: must not be empty'],
    [
      { trainingMode: 'full' },
      'input.trainingMode: string "full" is not allowed; expected one of "FULL", "UPDATE"',
    ],
    [{ configLocation: { bucket: 'b' } }, 'input.configLocation.key: missing; expected a string'],
    [['sims'], 'input: expected an object, received an array'],
    [
      { config: {}, configLocation: { bucket: 'b', key: 'k' } },
      'input: give either "config" or "configLocation", not both.',
    ],
  ])('names what is wrong with the run input %j', (input, message) => {
    expect(runInputProblems(input)).toEqual([message]);
  });

  test('lists every wrong key of one input', () => {
    expect(runInputProblems({ force: 1, solutions: [3] })).toEqual([
      'input.force: expected true or false, received number 1',
      'input.solutions[0]: expected a string, received number 3',
    ]);
  });
});
