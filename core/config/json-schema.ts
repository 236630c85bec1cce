/**
 * The JSON Schema of `personalize.config.json`, generated from the zod schema so editors can
 * autocomplete and check the file. Cross-field rules are only enforced by `parseConfig`.
 */
import * as z from 'zod';
import { pipelineConfigSchema } from './schema';

/** File name of the generated JSON Schema, next to the config at the repository root. */
export const CONFIG_JSON_SCHEMA_FILE = 'personalize.config.schema.json';

/** The JSON Schema (draft-07, widely supported by editors) of the config as users write it. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineConfigSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
}
