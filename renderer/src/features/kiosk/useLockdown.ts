/**
 * Page-level lockdown for the lobby screens: no context menu, no text selection or drag-out, no pinch zoom, and no
 * reload, close, print, devtools or zoom keys. The Electron kiosk window blocks these keys before the page too
 * (main/app/policy isBlockedKioskInput); in Chromium's --kiosk mode this is what stops them.
 */
import { useEffect } from 'react';

/** Keys that would reload, leave, print, zoom or inspect the page. */
export function isBlockedKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (['F5', 'F11', 'F12', 'BrowserBack', 'BrowserForward', 'BrowserRefresh'].includes(key)) return true;
  if (e.altKey && ['ArrowLeft', 'ArrowRight', 'Home', 'F4'].includes(key)) return true;
  const mod = e.ctrlKey || e.metaKey;
  return mod && ['r', 'w', 'q', 'p', 's', 'o', 'u', 'i', 'j', 'c', 'l', 'n', 't', '+', '-', '=', '0'].includes(key);
}

export function useLockdown(): void {
  useEffect(() => {
    const block = (event: Event) => event.preventDefault();
    const blockKeys = (event: KeyboardEvent) => {
      if (isBlockedKey(event)) event.preventDefault();
    };
    const blockedEvents = ['contextmenu', 'selectstart', 'dragstart', 'gesturestart', 'drop'];
    blockedEvents.forEach((name) => document.addEventListener(name, block));
    document.addEventListener('keydown', blockKeys, { capture: true });
    return () => {
      blockedEvents.forEach((name) => document.removeEventListener(name, block));
      document.removeEventListener('keydown', blockKeys, { capture: true });
    };
  }, []);
}
