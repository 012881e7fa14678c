/**
 * A tiny key-sequence matcher over the binding table: feed it canonical steps (./keys) with the time they
 * happened, it answers "run this binding", "waiting for the next key of a chord" or "nothing". Pure: time is
 * passed in, so chord time-outs are testable without timers.
 */
import type { CompiledBinding } from './bindings';
import { isTextField, type FocusTarget } from './keys';

/** A chord (`g`, `p`) waits this long for its second key. */
export const CHORD_TIMEOUT_MS = 1500;

export type MatchResult =
  | { kind: 'match'; binding: CompiledBinding }
  /** The step began a chord; `prefix` is what has been typed so far (for a "g …" hint). */
  | { kind: 'pending'; prefix: readonly string[] }
  /** `cancelled`: a chord was in progress and this step ended it without a match. */
  | { kind: 'none'; cancelled: boolean };

export interface SequenceMatcher {
  feed(step: string, now: number, options?: { inText?: boolean; inDialog?: boolean }): MatchResult;
  /** The chord in progress (empty when none or timed out at `now`). */
  pending(now: number): readonly string[];
  reset(): void;
}

const startsWith = (sequence: readonly string[], prefix: readonly string[]) =>
  prefix.length <= sequence.length && prefix.every((step, i) => sequence[i] === step);

export function createSequenceMatcher(
  bindings: readonly CompiledBinding[],
  timeoutMs = CHORD_TIMEOUT_MS,
): SequenceMatcher {
  let typed: string[] = [];
  let lastAt = 0;

  const live = (now: number) => (typed.length > 0 && now - lastAt <= timeoutMs ? typed : []);

  return {
    feed(step, now, { inText = false, inDialog = false } = {}) {
      // While typing, only bindings marked `inText` exist, in a dialog only those marked `inDialog` (the dialog owns
      // its keys); a chord never carries over into either.
      // A call key acts at once, wherever focus is and whatever chord was begun.
      const call = bindings.find((b) => b.global && b.sequences.some((seq) => seq.length === 1 && seq[0] === step));
      if (call) {
        typed = [];
        return { kind: 'match', binding: call };
      }
      const usable = bindings.filter((b) => (!inText || b.inText) && (!inDialog || b.inDialog));
      const before = inText || inDialog ? [] : live(now);
      const candidate = [...before, step];
      typed = [];

      for (const binding of usable) {
        if (binding.sequences.some((seq) => seq.length === candidate.length && startsWith(seq, candidate))) {
          return { kind: 'match', binding };
        }
      }
      const isPrefix = usable.some((b) =>
        b.sequences.some((seq) => seq.length > candidate.length && startsWith(seq, candidate)),
      );
      if (isPrefix) {
        typed = candidate;
        lastAt = now;
        return { kind: 'pending', prefix: candidate };
      }
      return { kind: 'none', cancelled: before.length > 0 };
    },
    pending: (now) => live(now),
    reset() {
      typed = [];
    },
  };
}

/**
 * Whether the global listener should leave this key press alone: Enter/Space on a control that Enter/Space
 * already activates. (Inside a dialog it looks only for the `inDialog` bindings: see `feed`.)
 */
export function ignoredByConsole(step: string, target: FocusTarget | null): boolean {
  if (!target) return false;
  const tag = target.tagName.toUpperCase();
  const activates = tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY' || (tag === 'INPUT' && !isTextField(target));
  return activates && (step === 'Enter' || step === ' ');
}
