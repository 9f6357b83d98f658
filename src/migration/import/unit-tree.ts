/** The unit and every unit nested in it (kept apart from import-unit so it loads without the JSON parser). */
export function* walk<T extends { children: T[] }>(u: T): Generator<T> {
  yield u;
  for (const child of u.children) yield* walk(child);
}
