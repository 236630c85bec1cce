/**
 * The shape of a pipeline run's input (an execution's input JSON), checked as strictly as the config: an
 * unknown key is named with the closest allowed one, a value of the wrong type names what was expected and
 * what was received. A typo such as `{"solution": ["sims"]}` or `{"force": "yes"}` fails the run at its first
 * state instead of quietly running everything or nothing.
 *
 * Which names are known (solutions, batch jobs) depends on the config the run resolves; that check stays
 * with the `validate` step.
 */
import * as z from 'zod';
import { configErrorMap, formatIssues, unknownKeysMessage } from './config/messages';

function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape).filter((key) => key !== 'Comment');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowed) : undefined,
  });
}

const names = z.array(z.string().min(1));

/** Every key a run input may have (core/pipeline-contract.ts `RunInput`). */
export const runInputSchema = strict({
  config: z.record(z.string(), z.unknown()).optional(),
  configLocation: strict({ bucket: z.string().min(1), key: z.string().min(1) }).optional(),
  force: z.boolean().optional(),
  trainingMode: z.enum(['FULL', 'UPDATE']).optional(),
  solutions: names.optional(),
  batchJobs: names.optional(),
  /** The Step Functions console's default input is `{"Comment": "Insert your JSON here"}`: allowed, ignored. */
  Comment: z.string().optional(),
});

/**
 * Problems with the shape of a run input, one `input.<path>: <what is wrong>` line each; none for a valid
 * input. `null` and an absent input count as `{}` (a console run started without input).
 */
export function runInputProblems(input: unknown): string[] {
  if (input === undefined || input === null) return [];
  const result = runInputSchema.safeParse(input, { error: configErrorMap });
  if (result.success) {
    return result.data.config !== undefined && result.data.configLocation !== undefined
      ? ['input: give either "config" or "configLocation", not both.']
      : [];
  }
  return formatIssues(result.error.issues).map((line) =>
    line.startsWith('(root)') ? `input${line.slice('(root)'.length)}` : `input.${line}`,
  );
}
