/**
 * The console's one global key listener, generated from the binding table's `console` scope: normalizes
 * the key press, stays quiet inside dialogs (but for Ctrl+K, which works from everywhere) and, for single keys,
 * in text fields, feeds the sequence matcher and runs the matched action id through the registry.
 */
import { useEffect, useRef } from 'react';
import { bindingsInScope, type CompiledBinding } from './bindings';
import { isTextField, stepFromEvent, type FocusTarget } from './keys';
import { CHORD_TIMEOUT_MS, createSequenceMatcher, ignoredByConsole } from './matcher';
import { runAction } from './registry';

export interface ConsoleKeyEvents {
  /** A chord is waiting for its next key (`null`: no chord any more). */
  onChord(prefix: readonly string[] | null): void;
  /** A binding matched but nothing is registered for its action yet. */
  onUnavailable(binding: CompiledBinding): void;
}

function focusTarget(target: EventTarget | null): (FocusTarget & { inDialog: boolean }) | null {
  if (!(target instanceof Element)) return null;
  return {
    tagName: target.tagName,
    type: target.getAttribute('type'),
    isContentEditable: target instanceof HTMLElement && target.isContentEditable,
    role: target.getAttribute('role'),
    inDialog: target.closest('dialog, [role="dialog"], [role="alertdialog"]') !== null,
  };
}

export function useConsoleKeys(events: ConsoleKeyEvents): void {
  const latest = useRef(events);
  useEffect(() => {
    latest.current = events;
  });

  useEffect(() => {
    const matcher = createSequenceMatcher(bindingsInScope('console'));
    let chordTimer: ReturnType<typeof setTimeout> | undefined;
    const endChord = () => {
      clearTimeout(chordTimer);
      latest.current.onChord(null);
    };

    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.isComposing) return;
      const step = stepFromEvent(event);
      if (!step) return;
      const target = focusTarget(event.target);
      if (ignoredByConsole(step, target)) {
        matcher.reset();
        return;
      }
      const result = matcher.feed(step, performance.now(), {
        inText: isTextField(target),
        inDialog: target?.inDialog ?? false,
      });
      if (result.kind === 'pending') {
        event.preventDefault();
        latest.current.onChord(result.prefix);
        clearTimeout(chordTimer);
        chordTimer = setTimeout(endChord, CHORD_TIMEOUT_MS);
        return;
      }
      if (result.kind === 'none') {
        // The second key of a broken chord is swallowed: "g x" must not also do what "x" does.
        if (result.cancelled) {
          event.preventDefault();
          endChord();
        }
        return;
      }
      event.preventDefault();
      endChord();
      const { binding } = result;
      if (!runAction(binding.action, binding.arg)) latest.current.onUnavailable(binding);
    }

    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      clearTimeout(chordTimer);
    };
  }, []);
}
