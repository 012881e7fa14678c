/**
 * Whether the intake screen is open, and what it was opened with. Module state so the `n` binding (through the
 * action registry's `intake.open`), an incoming call or anything else can open it with `openIntake(prefill)`;
 * <IntakeHost> mounted by the console layout shows it.
 */
import { useSyncExternalStore } from 'react';

/**
 * From an active call: the caller's number (looked up at once), the call it came from (linked to the ticket once
 * created), and the resident and unit the agent identified in the pop (chosen as soon as the lookup shows them).
 */
export interface IntakePrefill {
  phone?: string;
  callId?: string;
  residentId?: string;
  unitId?: string;
}

export interface IntakeState {
  open: boolean;
  prefill: IntakePrefill;
  /** Changes on every open, so a second open starts a fresh form. */
  session: number;
}

let state: IntakeState = { open: false, prefill: {}, session: 0 };
const listeners = new Set<() => void>();

function set(next: IntakeState): void {
  state = next;
  for (const listener of listeners) listener();
}

function asPrefill(arg: unknown): IntakePrefill {
  if (!arg || typeof arg !== 'object') return {};
  const { phone, callId, residentId, unitId } = arg as Record<string, unknown>;
  return {
    ...(typeof phone === 'string' && phone.trim() && { phone: phone.trim() }),
    ...(typeof callId === 'string' && { callId }),
    ...(typeof residentId === 'string' && { residentId }),
    ...(typeof unitId === 'string' && { unitId }),
  };
}

/** Opens the intake screen (no-op while it is open: the agent's typing is never thrown away). */
export function openIntake(prefill?: IntakePrefill | unknown): void {
  if (state.open) return;
  set({ open: true, prefill: asPrefill(prefill), session: state.session + 1 });
}

export function closeIntake(): void {
  if (state.open) set({ ...state, open: false });
}

export function useIntakeState(): IntakeState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
