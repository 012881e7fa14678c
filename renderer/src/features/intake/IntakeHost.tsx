/**
 * Mounts the intake screen and registers the `intake.open` action (bound to `n` by the keyboard table;
 * the argument may be a prefill `{phone, callId}` from an active call). `openIntake()` opens it from code.
 */
import { Suspense, lazy, useEffect } from 'react';
import { useAction } from '../console/keyboard/registry';
import { closeIntake, openIntake, useIntakeState } from './intakeStore';
import { useLookupRefresh } from './useIntakeQueries';
import './intake.css';

// The intake screen (with libphonenumber-js and its metadata, a sixth of the console's script) is no part of
// the first screen: it is a chunk of its own, so a cold start parses less. It is fetched PRELOAD_AFTER_MS after
// the console mounted, in idle time (not while the first pages are still being drawn), so `n` opens it at once.
const loadIntakeDialog = () => import('./IntakeDialog');
const IntakeDialog = lazy(() => loadIntakeDialog().then((m) => ({ default: m.IntakeDialog })));
const PRELOAD_AFTER_MS = 1_000;

function preloadWhenIdle(load: () => Promise<unknown>): () => void {
  // A failed preload only loses the head start: opening the screen imports it again and shows any error.
  const run = () => void load().catch(() => undefined);
  let idle: number | undefined;
  const timer = setTimeout(() => {
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(run, { timeout: 2_000 });
    else run();
  }, PRELOAD_AFTER_MS);
  return () => {
    clearTimeout(timer);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}

export const INTAKE_ACTION = 'intake.open';

export function IntakeHost({ onOpenTicket }: { onOpenTicket: (ticketId: string) => void }) {
  const state = useIntakeState();
  useAction(INTAKE_ACTION, (arg) => openIntake(arg));
  useLookupRefresh();
  useEffect(() => preloadWhenIdle(loadIntakeDialog), []);
  if (!state.open) return null;
  return (
    <Suspense fallback={null}>
      <IntakeDialog key={state.session} prefill={state.prefill} onClose={closeIntake} onOpenTicket={onOpenTicket} />
    </Suspense>
  );
}
