/**
 * Checks of per-format `options` from the source config, for Parser.checkOptions.
 */

/** An error message when `options[key]` is set but not a boolean, else null (absent is fine). */
export function checkBoolean(options: Readonly<Record<string, unknown>>, key: string): string | null {
  return options[key] !== undefined && typeof options[key] !== 'boolean' ? `options.${key} must be true or false` : null;
}
