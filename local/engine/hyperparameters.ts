/** Parsing of string-valued hyperparameters, with errors that name the parameter. */
import { EngineError } from './errors';

/** Reads a numeric hyperparameter, or `fallback` when absent; throws when malformed or out of range. */
export function numberParameter(
  parameters: Record<string, string> | undefined,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  const raw = parameters?.[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new EngineError(`Hyperparameter ${name} must be a number, got ${JSON.stringify(raw)}.`);
  }
  if ((bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max)) {
    throw new EngineError(
      `Hyperparameter ${name} must be between ${bounds.min ?? '-inf'} and ${bounds.max ?? 'inf'}, got ${raw}.`,
    );
  }
  return value;
}

/** Reads a boolean hyperparameter (`true` / `false`, any case). */
export function booleanParameter(
  parameters: Record<string, string> | undefined,
  name: string,
  fallback: boolean,
): boolean {
  const raw = parameters?.[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const normalised = raw.trim().toLowerCase();
  if (normalised === 'true') return true;
  if (normalised === 'false') return false;
  throw new EngineError(`Hyperparameter ${name} must be true or false, got ${JSON.stringify(raw)}.`);
}

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  min: 60,
  hour: 3600,
  hr: 3600,
  day: 86_400,
  week: 604_800,
};

/**
 * Parses a duration such as `30 minutes`, `1 hour`, `3 hours`, `1 day` (the forms
 * `trend_discovery_frequency` takes) or a bare number of seconds. Returns seconds.
 */
export function durationParameter(
  parameters: Record<string, string> | undefined,
  name: string,
  fallbackSeconds: number,
): number {
  const raw = parameters?.[name];
  if (raw === undefined || raw.trim() === '') return fallbackSeconds;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*?)s?\s*$/i.exec(raw);
  const amount = match ? Number(match[1]) : Number.NaN;
  const unit = (match?.[2] ?? '').toLowerCase();
  const scale = unit === '' ? 1 : UNIT_SECONDS[unit];
  if (!Number.isFinite(amount) || amount <= 0 || scale === undefined) {
    throw new EngineError(
      `Hyperparameter ${name} must be a duration like "30 minutes", "1 hour" or "1 day", got ${JSON.stringify(raw)}.`,
    );
  }
  return amount * scale;
}
