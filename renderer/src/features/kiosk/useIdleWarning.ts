/**
 * The idle rule (./idle) as a hook: `resets` goes up each time the kiosk should start over (the app remounts its
 * screens with it as key, dropping whatever the last resident entered); `warning` is the countdown to show.
 */
import { useEffect, useState } from 'react';
import { IDLE_TIMINGS, idlePhase } from './idle';

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;
/** The countdown is shown in whole seconds; checking four times a second keeps it on time. */
const TICK_MS = 250;

export function useIdleWarning(timings = IDLE_TIMINGS): { resets: number; secondsLeft: number | null } {
  const [resets, setResets] = useState(0);
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);

  useEffect(() => {
    let lastActivity = Date.now();
    const onActivity = () => {
      lastActivity = Date.now();
      setSecondsLeft(null);
    };
    const timer = setInterval(() => {
      const state = idlePhase(Date.now() - lastActivity, timings);
      if (state.phase === 'reset') {
        lastActivity = Date.now();
        setSecondsLeft(null);
        setResets((n) => n + 1);
      } else {
        setSecondsLeft(state.phase === 'warning' ? state.secondsLeft : null);
      }
    }, TICK_MS);
    // Capture: a touch counts even where a control stops its propagation.
    ACTIVITY_EVENTS.forEach((name) => window.addEventListener(name, onActivity, { passive: true, capture: true }));
    return () => {
      clearInterval(timer);
      ACTIVITY_EVENTS.forEach((name) => window.removeEventListener(name, onActivity, { capture: true }));
    };
  }, [timings]);

  return { resets, secondsLeft };
}
