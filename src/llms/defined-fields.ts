/** The record without its `undefined` fields: request bodies and strict RPC schemas want them absent. */
export function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** The `keys` of `record` that are set, in the order of `keys` (generation kwargs sent under their own names). */
export function pickDefined<T extends object, K extends keyof T>(record: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return withoutUndefined(Object.fromEntries(keys.map((key) => [key, record[key]])) as Partial<Pick<T, K>>);
}
