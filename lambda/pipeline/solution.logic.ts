/**
 * Pure logic of the `solution` step: how an existing solution differs from the config.
 *
 * Solutions are immutable (only automatic training and eventsConfig can be updated), so any
 * difference in recipe, HPO, event type or solutionConfig is a conflict the user resolves by renaming
 * the solution. solutionConfig is compared on the keys the config sets: the service may add defaults.
 */
import { canonicalJson } from './dataset-group.logic';

export interface SolutionShape {
  readonly recipeArn?: string | undefined;
  readonly performHPO?: boolean | undefined;
  readonly eventType?: string | undefined;
  readonly solutionConfig?: object | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Paths (dot-separated) where `wanted` sets a value that `actual` lacks or has differently. */
export function configDifferences(wanted: unknown, actual: unknown, path = 'solutionConfig'): string[] {
  if (isObject(wanted)) {
    if (!isObject(actual)) return [path];
    return Object.entries(wanted)
      .filter(([, value]) => value !== undefined)
      .flatMap(([key, value]) => configDifferences(value, actual[key], `${path}.${key}`));
  }
  return canonicalJson(JSON.stringify(wanted ?? null)) === canonicalJson(JSON.stringify(actual ?? null))
    ? []
    : [path];
}

/** One sentence per difference between the wanted and the existing solution. */
export function solutionDifferences(wanted: SolutionShape, existing: SolutionShape): string[] {
  const differences: string[] = [];
  if (wanted.recipeArn !== existing.recipeArn) {
    differences.push(
      `recipe is ${existing.recipeArn ?? '(none)'}, config says ${wanted.recipeArn ?? '(none)'}`,
    );
  }
  if (Boolean(wanted.performHPO) !== Boolean(existing.performHPO)) {
    differences.push(
      `performHPO is ${Boolean(existing.performHPO)}, config says ${Boolean(wanted.performHPO)}`,
    );
  }
  if ((wanted.eventType ?? '') !== (existing.eventType ?? '')) {
    differences.push(
      `eventType is ${existing.eventType ?? '(all events)'}, config says ${wanted.eventType ?? '(all events)'}`,
    );
  }
  const paths = configDifferences(wanted.solutionConfig ?? {}, existing.solutionConfig ?? {});
  if (paths.length > 0)
    differences.push(`${paths.join(', ')} differ${paths.length === 1 ? 's' : ''} from the config`);
  return differences;
}

/** A service recipe ARN in the partition of the dataset group. */
export function recipeArnIn(partition: string, recipeArn: string): string {
  return recipeArn.replace(/^arn:[^:]+:/, `arn:${partition}:`);
}
