/**
 * Installs `window.desk` in the page's main world from the client built in the isolated world.
 *
 * Why not plain `contextBridge.exposeInMainWorld`: the bridge copies a rejected Error with its message only, so
 * the page would never see `code` (e.g. `invalid_credentials`, `invalid_input`). The isolated world therefore
 * rejects with a plain object (copied with all its fields) and this wrapper, running in the main world, turns it
 * back into a real main-world Error with `code` and `details`, the same shape the browser host's client throws.
 *
 * This function is serialised by `contextBridge.executeInMainWorld`: it must stay self-contained (no imports,
 * no outer variables). Returns true so the preload can tell that it ran.
 */
export function installDeskInMainWorld(bridged: Record<string, unknown>, target: object = globalThis): boolean {
  const toError = (failure: unknown): Error => {
    const f = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<string, unknown>;
    const message = typeof f.message === 'string' ? f.message : String(failure);
    const error = new Error(message) as Error & { code?: string; details?: unknown };
    error.name = 'DeskError';
    error.code = typeof f.code === 'string' ? f.code : 'failed';
    if (f.details !== undefined) error.details = f.details;
    return error;
  };
  const api: Record<string, unknown> = {};
  for (const key of Object.keys(bridged)) {
    const value = bridged[key];
    if (typeof value === 'function') {
      api[key] = value; // `on(event, listener)`: nothing to translate
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const group: Record<string, unknown> = {};
    for (const member of Object.keys(value)) {
      const call = (value as Record<string, unknown>)[member];
      if (typeof call !== 'function') continue;
      // new Promise(...) so a synchronous throw of the bridged call is translated too.
      group[member] = (input?: unknown) =>
        new Promise((resolve) => resolve((call as (input?: unknown) => Promise<unknown>)(input))).catch(
          (failure: unknown) => {
            throw toError(failure);
          },
        );
    }
    api[key] = Object.freeze(group);
  }
  Object.defineProperty(target, 'desk', { value: Object.freeze(api), enumerable: true });
  return true;
}
