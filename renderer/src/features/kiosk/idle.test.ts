/** The kiosk's idle rule (WCAG 2.2.1) and its page-level key lockdown. */
import { describe, expect, it } from 'vitest';
import { IDLE_TIMINGS, idlePhase } from './idle';
import { isBlockedKey } from './useLockdown';

describe('idle rule', () => {
  const { idleMs, warnMs } = IDLE_TIMINGS;

  it('is 30 s of quiet, then a 20 s warning', () => {
    expect([idleMs, warnMs]).toEqual([30_000, 20_000]);
  });

  it('stays active until the idle time has passed', () => {
    expect(idlePhase(0)).toEqual({ phase: 'active' });
    expect(idlePhase(idleMs - 1)).toEqual({ phase: 'active' });
  });

  it('counts the warning down in whole seconds, rounding up', () => {
    expect(idlePhase(idleMs)).toEqual({ phase: 'warning', secondsLeft: 20 });
    expect(idlePhase(idleMs + 500)).toEqual({ phase: 'warning', secondsLeft: 20 });
    expect(idlePhase(idleMs + 1_000)).toEqual({ phase: 'warning', secondsLeft: 19 });
    expect(idlePhase(idleMs + warnMs - 1)).toEqual({ phase: 'warning', secondsLeft: 1 });
  });

  it('resets when the warning has run out', () => {
    expect(idlePhase(idleMs + warnMs)).toEqual({ phase: 'reset' });
    expect(idlePhase(10 * idleMs)).toEqual({ phase: 'reset' });
  });

  it('follows other timings', () => {
    expect(idlePhase(1_500, { idleMs: 1_000, warnMs: 2_000 })).toEqual({ phase: 'warning', secondsLeft: 2 });
  });
});

describe('lockdown keys', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });

  it('swallows reload, close, print, zoom, devtools and history keys', () => {
    for (const k of [key('F5'), key('F12'), key('r', { ctrlKey: true }), key('W', { ctrlKey: true })]) {
      expect(isBlockedKey(k), k.key).toBe(true);
    }
    expect(isBlockedKey(key('p', { metaKey: true }))).toBe(true);
    expect(isBlockedKey(key('+', { ctrlKey: true }))).toBe(true);
    expect(isBlockedKey(key('ArrowLeft', { altKey: true }))).toBe(true);
  });

  it('lets typing, Tab and Enter through', () => {
    for (const k of ['3', 'r', 'Tab', 'Enter', 'Backspace', 'ArrowLeft']) expect(isBlockedKey(key(k)), k).toBe(false);
  });
});
