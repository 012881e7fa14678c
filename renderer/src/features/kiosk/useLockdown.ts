/**
 * Browser-level lockdown for the lobby screen: no context menu, no text selection or drag, no pinch zoom.
 * The Electron kiosk window blocks devtools and escape shortcuts itself (main/app).
 */
import { useEffect } from 'react';

export function useLockdown(): void {
  useEffect(() => {
    const block = (event: Event) => event.preventDefault();
    const blockedEvents = ['contextmenu', 'selectstart', 'dragstart', 'gesturestart'];
    blockedEvents.forEach((name) => document.addEventListener(name, block));
    return () => blockedEvents.forEach((name) => document.removeEventListener(name, block));
  }, []);
}
