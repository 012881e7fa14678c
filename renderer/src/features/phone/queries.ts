/**
 * The phone's query keys and hooks over `window.desk` (calls, pop, presence, CTI status), and the host events that
 * keep them fresh: `calls.changed` invalidates the lists and counts, `call.ringing` / `call.updated` the call's pop,
 * `presence.changed` and `cti.status` carry the new value itself.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MethodInput } from '../../../../common/contract';
import { desk } from '../../api/desk';

export type CallsView = MethodInput<'calls.list'>['view'] & ('today' | 'missed');

export const phoneKeys = {
  all: ['calls'] as const,
  active: ['calls', 'active'] as const,
  pop: (id: string) => ['calls', 'pop', id] as const,
  list: (view: CallsView, number: string) => ['calls', 'list', view, number] as const,
  missedCount: ['calls', 'missedCount'] as const,
  dispositions: ['calls', 'dispositions'] as const,
  presence: ['presence'] as const,
  cti: ['cti', 'status'] as const,
};

/** How many calls a calls view shows (newest first). */
export const CALLS_LIMIT = 200;

export function useActiveCalls() {
  return useQuery({ queryKey: phoneKeys.active, queryFn: () => desk.calls.active({}) });
}

export function useCallPop(id: string) {
  return useQuery({ queryKey: phoneKeys.pop(id), queryFn: () => desk.calls.pop({ id }) });
}

export function useCallsList(view: CallsView, number: string) {
  return useQuery({
    queryKey: phoneKeys.list(view, number),
    queryFn: () => desk.calls.list({ view, number: number || undefined, limit: CALLS_LIMIT }),
  });
}

/** Open callbacks (missed calls nobody has called back yet): the navigation's live badge. */
export function useMissedCount() {
  return useQuery({
    queryKey: phoneKeys.missedCount,
    queryFn: async () => (await desk.calls.list({ view: 'missed', limit: 1 })).missedOpen,
  });
}

export function useDispositions() {
  return useQuery({ queryKey: phoneKeys.dispositions, queryFn: () => desk.calls.dispositions({}), staleTime: 60_000 });
}

export function usePresence() {
  return useQuery({ queryKey: phoneKeys.presence, queryFn: () => desk.presence.get({}), staleTime: Infinity });
}

export function useCtiStatus() {
  return useQuery({ queryKey: phoneKeys.cti, queryFn: () => desk.cti.status({}), staleTime: Infinity });
}

/** Wires the phone's host events to the cache; mounted once by the phone host. */
export function usePhoneEvents(): void {
  const client = useQueryClient();
  useEffect(() => {
    // A pop's fetch under way is not restarted (calls report many events in a burst, and restarting on each could
    // keep a pop "looking up the caller" while it lasts); the live list and the views are, as they decide which pops
    // exist and what the counts say.
    const keep = { cancelRefetch: false };
    const refreshPops = () => void client.invalidateQueries({ queryKey: ['calls', 'pop'] }, keep);
    const refresh = (id: string) => {
      void client.invalidateQueries({ queryKey: phoneKeys.pop(id) }, keep);
      void client.invalidateQueries({ queryKey: phoneKeys.active });
    };
    const refreshAll = () => {
      refreshPops();
      void client.invalidateQueries({ queryKey: phoneKeys.all, predicate: (q) => q.queryKey[1] !== 'pop' });
    };
    const unsubscribers = [
      desk.on('calls.changed', refreshAll),
      desk.on('call.ringing', ({ call }) => refresh(call.id)),
      desk.on('call.updated', ({ call }) => refresh(call.id)),
      desk.on('presence.changed', (view) => client.setQueryData(phoneKeys.presence, view)),
      desk.on('cti.status', (status) => client.setQueryData(phoneKeys.cti, status)),
      // A ticket linked to a call, or created from one, changes what the pop lists under the caller.
      desk.on('tickets.changed', refreshPops),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [client]);
}
