/**
 * Counts resets: after `idleMs` without touch, pointer or key input the number goes up, so the kiosk can
 * remount its start screen and drop whatever the last resident left behind.
 */
import { useEffect, useState } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'touchstart', 'wheel'] as const;

export function useIdleReset(idleMs: number): number {
  const [resets, setResets] = useState(0);
  useEffect(() => {
    let timer = setTimeout(reset, idleMs);
    function reset() {
      setResets((n) => n + 1);
      timer = setTimeout(reset, idleMs);
    }
    function onActivity() {
      clearTimeout(timer);
      timer = setTimeout(reset, idleMs);
    }
    ACTIVITY_EVENTS.forEach((name) => window.addEventListener(name, onActivity, { passive: true }));
    return () => {
      clearTimeout(timer);
      ACTIVITY_EVENTS.forEach((name) => window.removeEventListener(name, onActivity));
    };
  }, [idleMs]);
  return resets;
}
