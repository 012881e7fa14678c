/**
 * Action registry: the one place where keyboard bindings, the command palette and
 * other features meet. A feature registers a handler under an action id
 * (e.g. `search.open`, `intake.open`, `ticket.stepForm`); bindings and the palette
 * only know ids, so neither side has to import the other.
 *
 * Stable API (used by other features): registerAction, runAction, hasAction, useAction.
 */
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';

export type ActionRun = (arg?: unknown) => void;

// A stack per id: the most recently registered handler wins, and unregistering it
// restores the previous one (e.g. a dialog temporarily overriding a list handler).
const handlers = new Map<string, ActionRun[]>();
const listeners = new Set<() => void>();
let version = 0;

function notify(): void {
  version += 1;
  for (const listener of listeners) listener();
}

/** Registers `run` for `id`; returns a function that removes exactly this registration. */
export function registerAction(id: string, run: ActionRun): () => void {
  if (!id) throw new Error('registerAction: action id must be a non-empty string');
  if (typeof run !== 'function') throw new Error(`registerAction(${id}): run must be a function`);
  const stack = handlers.get(id) ?? [];
  // Wrap so the same function registered twice still unregisters one entry at a time.
  const entry: ActionRun = (arg) => run(arg);
  stack.push(entry);
  handlers.set(id, stack);
  notify();
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    const current = handlers.get(id);
    if (!current) return;
    const index = current.lastIndexOf(entry);
    if (index >= 0) current.splice(index, 1);
    if (current.length === 0) handlers.delete(id);
    notify();
  };
}

/** Runs the current handler for `id`; false when nothing is registered. */
export function runAction(id: string, arg?: unknown): boolean {
  const stack = handlers.get(id);
  const run = stack?.[stack.length - 1];
  if (!run) return false;
  run(arg);
  return true;
}

export function hasAction(id: string): boolean {
  return (handlers.get(id)?.length ?? 0) > 0;
}

/** Subscribes to registry changes (for UIs that show whether an action is available). */
export function subscribeActions(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders the caller whenever handlers are added or removed. */
export function useActionRegistryVersion(): number {
  return useSyncExternalStore(subscribeActions, () => version);
}

/**
 * Registers `run` under `id` for the component's lifetime. The latest `run` is always
 * called (kept in a ref), so callers need not memoise it.
 */
export function useAction(id: string, run: ActionRun): void {
  const runRef = useRef(run);
  // Layout, not passive: a key pressed between a render's commit and its (deferred) passive effects must already
  // run that render's `run`, not the one before (which could move the cursor from where it no longer is).
  useLayoutEffect(() => {
    runRef.current = run;
  });
  useEffect(() => registerAction(id, (arg) => runRef.current(arg)), [id]);
}
