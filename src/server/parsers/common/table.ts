/**
 * Lookups in the parsers' plain-object tables. Keys come from records (a verdict word, a
 * protocol, a severity word), and `table[key]` would also find Object.prototype's members
 * ("constructor", "toString") and hand a function on as an event field.
 */

/** The table's own value for `key`, or undefined; inherited members are never returned. */
export function own<T>(table: Readonly<Record<string, T>>, key: string | number): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
