/**
 * Environment access for handlers. Required variables are read once at module load, so a function
 * deployed without one fails at cold start with a message naming the variable.
 */
import { ConfigurationError } from './errors';

/** The value of a required environment variable. @throws ConfigurationError when unset or empty. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(
      `Environment variable ${name} is not set; the function's deployment must define it.`,
    );
  }
  return value;
}
