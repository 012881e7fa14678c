/**
 * Which calls view the console shows instead of the ticket list (null: the tickets), with its actions: `g c`,
 * `g b` (`calls.view`) and F2 (`call.nextMissed`: the missed calls, cursor on the next open callback).
 */
import { useCallback, useState } from 'react';
import { runAction, useAction } from '../console/keyboard/registry';
import type { CallsView } from './queries';

export interface CallsViewState {
  view: CallsView | null;
  show(view: CallsView): void;
  leave(): void;
  nextMissed: boolean;
  nextMissedDone(): void;
}

const isCallsView = (value: unknown): value is CallsView => value === 'today' || value === 'missed';

export function useCallsView(): CallsViewState {
  const [view, setView] = useState<CallsView | null>(null);
  const [nextMissed, setNextMissed] = useState(false);
  const show = useCallback((next: CallsView) => {
    setView(next);
    setTimeout(() => runAction('list.focus'), 0); // the view's list mounts first
  }, []);
  useAction('calls.view', (arg) => {
    if (isCallsView(arg)) show(arg);
  });
  useAction('call.nextMissed', () => {
    setView('missed');
    setNextMissed(true);
  });
  return {
    view,
    show,
    leave: useCallback(() => setView(null), []),
    nextMissed,
    nextMissedDone: useCallback(() => setNextMissed(false), []),
  };
}
