// One value per process, kept on globalThis: Next's dev server reloads modules, and a bundle may hold two
// copies of one module, yet the process must keep one database pool, one broker, one shutdown state.
// The symbols are memoized: the hot paths ask for their singletons on every request.
const symbols = new Map<string, symbol>();
const slot = (key: string): symbol => {
  let id = symbols.get(key);
  if (id === undefined) symbols.set(key, (id = Symbol.for(`seller-onboarding:${key}`)));
  return id;
};
const registry = () => globalThis as unknown as Record<symbol, unknown>;

/** The process's value for `key`, made by `create` the first time it is asked for. */
export function processSingleton<T>(key: string, create: () => T): T {
  const store = registry();
  const id = slot(key);
  if (!(id in store)) store[id] = create();
  return store[id] as T;
}

/** Forgets the value for `key` (tests that play a fresh process); the next call makes a new one. */
export function forgetProcessSingleton(key: string): void {
  delete registry()[slot(key)];
}
