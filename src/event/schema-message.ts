/**
 * A readable message for the first schema violation of a config file or an event: what the
 * value must be (the allowed words of a choice, listed) and what was given (clipped), so that
 * "Expected union value" never reaches a user.
 */
import type { ValueError } from '@sinclair/typebox/errors';

/** Characters of the given value quoted back. */
const SHOWN_CHARS = 60;

export function schemaMessage(error: ValueError | undefined): string {
  if (!error) return 'invalid';
  const options = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf;
  const words = options && options.length > 0 && options.every((o) => o.const !== undefined) ? options.map((o) => String(o.const)) : null;
  const got = error.value === undefined ? 'missing' : `got ${clipped(error.value)}`;
  return `${words ? `must be one of ${words.join(', ')}` : error.message} (${got})`;
}

function clipped(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}
