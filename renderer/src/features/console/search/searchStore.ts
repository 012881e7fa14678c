/**
 * Whether the search panel is open. Module state so the `/` binding (through the action registry's
 * `search.open`) and anything else can open it with `openSearch()`; <SearchPanel> mounted by the console
 * layout shows it.
 */
import { useSyncExternalStore } from 'react';

let open = false;
const listeners = new Set<() => void>();

function setOpen(next: boolean): void {
  if (open === next) return;
  open = next;
  for (const listener of listeners) listener();
}

export function openSearch(): void {
  setOpen(true);
}

export function closeSearch(): void {
  setOpen(false);
}

export function useSearchOpen(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => open,
  );
}
