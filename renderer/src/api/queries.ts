/**
 * React-query hooks and query keys over the DeskApi. Host events keep the cache fresh (see useDeskEvents),
 * so components never poll.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { VIEW_IDS, type MethodInput, type Session, type ViewId } from '../../../common/contract';
import type { Ticket } from '../../../common/domain';
import { reachesServer, type SyncStatus } from '../../../common/sync';
import { desk, onDeskReconnect } from './desk';

export const TICKET_PAGE_SIZE = 100;

export const deskKeys = {
  session: ['session'] as const,
  views: ['tickets', 'views'] as const,
  lists: ['tickets', 'list'] as const,
  list: (view: ViewId) => ['tickets', 'list', view] as const,
  listPage: (view: ViewId, offset: number) => ['tickets', 'list', view, offset] as const,
  details: ['tickets', 'detail'] as const,
  ticket: (id: string) => ['tickets', 'detail', id] as const,
  users: ['directory', 'users'] as const,
  teams: ['directory', 'teams'] as const,
  sync: ['sync', 'status'] as const,
};

/** The view the console opens on. */
export const FIRST_VIEW: ViewId = 'inbox';

const sessionQuery = { queryKey: deskKeys.session, queryFn: () => desk.session.me({}), staleTime: Infinity };

export function useSession() {
  return useQuery(sessionQuery);
}

/**
 * Cold start: asks for the session and, as soon as it names a user, for the first page of FIRST_VIEW, so the host
 * reads that page while React is still drawing the console around it instead of after. useSession and the list
 * pick up these requests (same keys) rather than sending their own.
 */
export function prefetchFirstScreen(client: QueryClient): void {
  client.fetchQuery(sessionQuery).then(
    (session) => {
      if (session.user) void client.prefetchQuery(ticketPageQuery(FIRST_VIEW, 0));
    },
    () => {}, // useSession shows the failure and offers a retry
  );
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { username: string; password: string }) => desk.session.login(credentials),
    onSuccess: (session) => replaceSession(client, session),
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => desk.session.logout({}),
    onSuccess: (session) => replaceSession(client, session),
  });
}

/** A different (or no) user must never see the previous user's cached tickets. */
function replaceSession(client: QueryClient, session: Session): void {
  const previous = client.getQueryData<Session>(deskKeys.session);
  if (previous?.user?.id !== session.user?.id) client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
  client.setQueryData(deskKeys.session, session);
}

/** Counts are live: overdue / at risk / recently closed move with the clock, so they refresh each minute too. */
export function useViews() {
  return useQuery({ queryKey: deskKeys.views, queryFn: () => desk.tickets.views({}), refetchInterval: 60_000 });
}

export function ticketPageQuery(view: ViewId, offset: number) {
  return {
    queryKey: deskKeys.listPage(view, offset),
    queryFn: () => desk.tickets.list({ view, offset, limit: TICKET_PAGE_SIZE }),
    staleTime: 30_000,
    // A view's first page is kept while the console runs (usePrefetchViewHeads), so switching to the view draws
    // at once; when tickets changed meanwhile, it is drawn and refetched behind it.
    ...(offset === 0 ? { gcTime: Infinity } : {}),
  };
}

/**
 * Once the console is idle, loads the first page of each view not loaded yet, one at a time so the host is never
 * busy with more than one of them: a `g` view switch then draws its list without waiting on the host.
 */
export function usePrefetchViewHeads(): void {
  const client = useQueryClient();
  useEffect(() => {
    let stopped = false;
    const idle = (next: () => void) =>
      typeof requestIdleCallback === 'function' ? requestIdleCallback(next, { timeout: 2_000 }) : setTimeout(next, 200);
    const fetchFrom = (i: number) => {
      const view = VIEW_IDS[i];
      if (stopped || view === undefined) return;
      const query = ticketPageQuery(view, 0);
      if (client.getQueryData(query.queryKey)) return idle(() => fetchFrom(i + 1));
      void client.prefetchQuery(query).then(() => idle(() => fetchFrom(i + 1)));
    };
    idle(() => fetchFrom(0));
    return () => {
      stopped = true;
    };
  }, [client]);
}

export function useTicket(id: string | null) {
  return useQuery({
    queryKey: deskKeys.ticket(id ?? ''),
    queryFn: () => desk.tickets.get({ id: id ?? '' }),
    enabled: id !== null,
    // Host events (tickets.changed) invalidate it: a detail a jump just brought need not be asked for again.
    staleTime: 30_000,
  });
}

export function useUsers() {
  return useQuery({ queryKey: deskKeys.users, queryFn: () => desk.directory.users({}), staleTime: 5 * 60_000 });
}

export function useTeams() {
  return useQuery({ queryKey: deskKeys.teams, queryFn: () => desk.directory.teams({}), staleTime: 5 * 60_000 });
}

export function useSyncStatus() {
  return useQuery({ queryKey: deskKeys.sync, queryFn: () => desk.sync.status({}), staleTime: Infinity });
}

/** Per console (query client): when its sync state last went from offline or connecting to reaching the server. */
const backOnline = new WeakMap<QueryClient, number>();

/** Shows a sync status the host sent, noting when the console comes back online (see backOnlineAt). */
export function setSyncStatus(client: QueryClient, status: SyncStatus): void {
  const previous = client.getQueryData<SyncStatus>(deskKeys.sync);
  if (previous && !reachesServer(previous.state) && reachesServer(status.state)) backOnline.set(client, Date.now());
  client.setQueryData(deskKeys.sync, status);
}

/**
 * When the console last came back online (0: not since it started): a detail read before then was read while the
 * desk could not reach the server (TicketDetail's history line asks for it again).
 */
export function backOnlineAt(client: QueryClient): number {
  return backOnline.get(client) ?? 0;
}

/**
 * After a ticket action resolves: show the host's result at once. What it may have moved (lists, counts, the
 * timeline) refetches on the host's `tickets.changed`, announced before the answer (useDeskEvents); asking here
 * too would cancel those refetches and have the host read everything twice.
 */
function useTicketActionSettled() {
  const client = useQueryClient();
  return (ticket: Ticket | null, id: string) => {
    if (!ticket) return;
    client.setQueryData(deskKeys.ticket(id), (old: Awaited<ReturnType<typeof desk.tickets.get>> | undefined) =>
      old ? { ...old, ticket } : old,
    );
  };
}

export function useSetStatus() {
  const settled = useTicketActionSettled();
  return useMutation({
    // `outputs`: what the step requires to be recorded (photos, a reply, the follow-up…), see common/workflows.
    mutationFn: (input: MethodInput<'tickets.setStatus'>) => asAction(desk.tickets.setStatus(input)),
    onSuccess: (ticket, input) => settled(ticket, input.id),
  });
}

export function useAssign() {
  const settled = useTicketActionSettled();
  return useMutation({
    mutationFn: (input: MethodInput<'tickets.assign'>) => asAction(desk.tickets.assign(input)),
    onSuccess: (ticket, input) => settled(ticket, input.id),
  });
}

export function useComment() {
  const settled = useTicketActionSettled();
  return useMutation({
    mutationFn: (input: { id: string; body: string }) => asAction(desk.tickets.comment(input)),
    onSuccess: (_event, input) => settled(null, input.id),
  });
}

/**
 * Refetches what the changed tickets may have moved. The host answers one call at a time, so the order is the order
 * of the answers: the list rows and the open tickets first (what the agent is looking at, e.g. another console's edit
 * arriving), the view counts after them. The details in one pass, not one per id: a pull page names thousands.
 */
export function invalidateTickets(client: QueryClient, ids: readonly string[]): Promise<unknown> {
  const changed = new Set(ids);
  return Promise.all([
    // A page not on screen being fetched now (a view head prefetched while idle) may have been read before the
    // change: its answer would land as fresh, and a `g` switch would draw it stale for up to 30 s. Dropped; the
    // page is asked for again when it is shown.
    client.cancelQueries({ queryKey: deskKeys.lists, type: 'inactive' }),
    client.invalidateQueries({ queryKey: deskKeys.lists }),
    changed.size > 0 &&
      client.invalidateQueries({
        queryKey: deskKeys.details,
        predicate: (query) => changed.has(query.queryKey[2] as string),
      }),
    client.invalidateQueries({ queryKey: deskKeys.views }),
  ]);
}

/**
 * Ticket actions sent to the host and not answered yet, and the tickets changed meanwhile. The host announces its own
 * write (`tickets.changed`) just before it answers, so the refetches that announcement asks for were answered right
 * behind the action's answer, and rendering them held back the frame that shows its result (by ~30 ms at a time on
 * 2 cores). While an action is out, changes are collected and refetched once the answers have been drawn: after the
 * next frame, or after HOLD_MAX_MS at the latest should an answer be slow.
 */
const acting = { count: 0, held: null as Set<string> | null, release: null as (() => void) | null };
const HOLD_MAX_MS = 1_000;

/** Runs `call` (a ticket action on the host) as above: changes announced meanwhile are refetched after its answer. */
export function asAction<T>(call: Promise<T>): Promise<T> {
  acting.count++;
  const answered = () => {
    acting.count--;
    if (acting.count === 0 && acting.held) afterNextFrame(() => acting.release?.());
  };
  call.then(answered, answered);
  return call;
}

/** Once the next frame has been drawn (a task after its animation frame callbacks). */
function afterNextFrame(run: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(run));
  else setTimeout(run);
}

/** `refetch(ids)` now, or, while a ticket action is out (asAction), once the answers have been drawn. */
export function afterActions(ids: readonly string[], refetch: (ids: readonly string[]) => void): void {
  if (acting.count === 0 && !acting.held) {
    refetch(ids);
    return;
  }
  if (acting.held) {
    for (const id of ids) acting.held.add(id);
    return;
  }
  const held = new Set(ids);
  acting.held = held;
  const timer = setTimeout(() => acting.release?.(), HOLD_MAX_MS);
  acting.release = () => {
    clearTimeout(timer);
    acting.held = null;
    acting.release = null;
    refetch([...held]);
  };
}

/** Wires host events to the cache; mount once, near the root. */
export function useDeskEvents(): void {
  const client = useQueryClient();
  useEffect(() => {
    const unsubscribers = [
      desk.on('tickets.changed', ({ ids }) => afterActions(ids, (changed) => void invalidateTickets(client, changed))),
      desk.on('directory.changed', () => void client.invalidateQueries({ queryKey: ['directory'] })),
      desk.on('session.changed', (session) => replaceSession(client, session)),
      desk.on('sync.status', (status: SyncStatus) => setSyncStatus(client, status)),
      // Events sent while the bridge was down are lost: refetch everything that is on screen.
      onDeskReconnect(() => void client.invalidateQueries()),
    ];
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, [client]);
}
