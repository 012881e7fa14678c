/**
 * The kiosk's idle rule (WCAG 2.2.1 Timing Adjustable): after IDLE_TIMINGS.idleMs without a touch a "Still
 * there?" warning counts down IDLE_TIMINGS.warnMs; a touch anywhere extends (the warning closes, the idle clock
 * starts again); at the end the kiosk returns to its start screen and wipes what was entered.
 */

/** The one declaration of the kiosk's timings. */
export const IDLE_TIMINGS = { idleMs: 30_000, warnMs: 20_000 } as const;

export type IdlePhase = { phase: 'active' } | { phase: 'warning'; secondsLeft: number } | { phase: 'reset' };

/** Where the idle rule stands `idleFor` ms after the last touch. */
export function idlePhase(idleFor: number, timings: { idleMs: number; warnMs: number } = IDLE_TIMINGS): IdlePhase {
  if (idleFor < timings.idleMs) return { phase: 'active' };
  const left = timings.idleMs + timings.warnMs - idleFor;
  if (left > 0) return { phase: 'warning', secondsLeft: Math.ceil(left / 1000) };
  return { phase: 'reset' };
}
