/**
 * The quality gate that applies to a solution. Kept apart from the zod schema (types only come from it) so
 * Lambda handlers can use it without bundling the schema.
 */
import type { PipelineConfig, QualityGate, SolutionDefinition } from './schema';

/** The config's top-level gate with the solution's overrides applied. */
export function effectiveQualityGate(
  config: Pick<PipelineConfig, 'qualityGate'>,
  solution: Pick<SolutionDefinition, 'qualityGate'>,
): QualityGate {
  const overrides = Object.fromEntries(
    Object.entries(solution.qualityGate ?? {}).filter(([, value]) => value !== undefined),
  );
  return { ...config.qualityGate, ...overrides };
}
