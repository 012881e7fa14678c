/**
 * The cold-start prefetch: the first page of the view the console opens on is asked for as soon as the session
 * names a user (not after the console has drawn), never without one, and the list then finds it instead of asking
 * again.
 */
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../../../common/sync';
import {
  FIRST_VIEW,
  afterActions,
  asAction,
  backOnlineAt,
  deskKeys,
  invalidateTickets,
  prefetchFirstScreen,
  setSyncStatus,
  ticketPageQuery,
} from './queries';

const host = vi.hoisted(() => ({
  calls: [] as string[],
  session: null as null | (() => Promise<unknown>),
}));

vi.mock('./desk', () => ({
  desk: {
    session: {
      me: () => {
        host.calls.push('session.me');
        return host.session?.();
      },
    },
    tickets: {
      list: async ({ view, offset }: { view: string; offset: number }) => {
        host.calls.push(`tickets.list ${view} ${offset}`);
        return { total: 0, items: [] };
      },
    },
  },
  onDeskReconnect: () => () => {},
}));

const user = { id: '11111111-1111-4111-8111-111111111111', username: 'agent01', displayName: '坐席01', role: 'agent' };

function start(session: () => Promise<unknown>): QueryClient {
  host.calls = [];
  host.session = session;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  prefetchFirstScreen(client);
  return client;
}

/** Lets every pending reply and its follow-up calls run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('prefetchFirstScreen', () => {
  it('asks for the first page right after a session with a user, and the list does not ask again', async () => {
    const client = start(async () => ({ user, serverUrl: 'http://central' }));
    await vi.waitFor(() => expect(host.calls).toEqual(['session.me', `tickets.list ${FIRST_VIEW} 0`]));
    await settle();
    expect(client.getQueryData(deskKeys.session)).toEqual({ user, serverUrl: 'http://central' });
    expect(client.getQueryData(ticketPageQuery(FIRST_VIEW, 0).queryKey)).toEqual({ total: 0, items: [] });
    // What the list does when it mounts: the prefetched page is fresh, so nothing is sent.
    await client.fetchQuery(ticketPageQuery(FIRST_VIEW, 0));
    expect(host.calls).toHaveLength(2);
  });

  it('asks for no tickets when nobody is signed in', async () => {
    const client = start(async () => ({ user: null, serverUrl: 'http://central' }));
    await vi.waitFor(() => expect(client.getQueryState(deskKeys.session)?.status).toBe('success'));
    await settle();
    expect(host.calls).toEqual(['session.me']);
  });

  it('leaves a failed session check to the session query (no tickets asked, nothing thrown)', async () => {
    const client = start(() => Promise.reject(new Error('host unreachable')));
    await vi.waitFor(() => expect(client.getQueryState(deskKeys.session)?.status).toBe('error'));
    await settle();
    expect(host.calls).toEqual(['session.me']);
  });
});

describe('invalidateTickets', () => {
  it('asks the host for the shown list page before the view counts (its answers come in that order)', async () => {
    host.calls = [];
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const watch = (options: { queryKey: readonly unknown[]; queryFn: () => Promise<unknown> }) =>
      new QueryObserver(client, { ...options, staleTime: Infinity }).subscribe(() => {});
    const stops = [
      watch({
        queryKey: deskKeys.views,
        queryFn: async () => {
          host.calls.push('tickets.views');
          return [];
        },
      }),
      watch(ticketPageQuery(FIRST_VIEW, 0)),
    ];
    await vi.waitFor(() => expect(client.isFetching()).toBe(0));
    expect(host.calls).toHaveLength(2);
    host.calls = [];
    await invalidateTickets(client, ['22222222-2222-4222-8222-222222222222']);
    expect(host.calls).toEqual([`tickets.list ${FIRST_VIEW} 0`, 'tickets.views']);
    stops.forEach((stop) => stop());
  });

  it('a page prefetched off screen when tickets change is not kept as fresh (it may predate the change)', async () => {
    host.calls = [];
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let answer: (page: unknown) => void = () => {};
    const query = ticketPageQuery('unassigned', 0);
    const prefetched = client.prefetchQuery({
      ...query,
      queryFn: () => new Promise((resolve) => (answer = resolve)),
    });
    await invalidateTickets(client, ['22222222-2222-4222-8222-222222222222']);
    answer({ total: 1, items: [] }); // read before the change, answered after it
    await prefetched;
    const state = client.getQueryState(query.queryKey);
    expect(state?.data).toBeUndefined();
    // Shown now, the view asks the host instead of drawing the old answer.
    await client.fetchQuery(query);
    expect(host.calls).toEqual(['tickets.list unassigned 0']);
  });
});

describe('setSyncStatus', () => {
  it('shows the status and notes when the console comes back from offline (and only then)', () => {
    vi.useFakeTimers({ now: 10_000 });
    try {
      const client = new QueryClient();
      const status = (state: SyncStatus['state']): SyncStatus => ({
        state,
        pending: 0,
        offlineSince: null,
        lastSyncAt: null,
        progress: null,
        rejected: [],
      });
      setSyncStatus(client, status('online'));
      expect(backOnlineAt(client)).toBe(0);
      vi.advanceTimersByTime(1_000);
      setSyncStatus(client, status('offline'));
      vi.advanceTimersByTime(1_000);
      setSyncStatus(client, status('connecting'));
      expect(backOnlineAt(client)).toBe(0);
      vi.advanceTimersByTime(1_000);
      setSyncStatus(client, status('syncing'));
      expect(backOnlineAt(client)).toBe(13_000);
      vi.advanceTimersByTime(1_000);
      setSyncStatus(client, status('online'));
      expect(backOnlineAt(client)).toBe(13_000);
      expect(client.getQueryData<SyncStatus>(deskKeys.sync)?.state).toBe('online');
      expect(backOnlineAt(new QueryClient())).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('afterActions', () => {
  /** Animation frames run by hand: `frame()` runs the callbacks queued so far. */
  function frames() {
    let queued: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => queued.push(callback));
    return () => {
      const run = queued;
      queued = [];
      run.forEach((callback) => callback(0));
    };
  }

  it('refetches a change at once while no action is out', () => {
    const refetched: string[][] = [];
    afterActions(['t1'], (ids) => refetched.push([...ids]));
    expect(refetched).toEqual([['t1']]);
  });

  it('holds the changes announced during an action until its answer has been drawn, then refetches them once', async () => {
    vi.useFakeTimers();
    const frame = frames();
    try {
      let answer: (value: string) => void = () => {};
      const call = asAction(new Promise<string>((resolve) => (answer = resolve)));
      const refetched: string[][] = [];
      afterActions(['t1'], (ids) => refetched.push([...ids])); // the host's announcement, before its answer
      afterActions(['t2'], (ids) => refetched.push([...ids]));
      await vi.advanceTimersByTimeAsync(100);
      expect(refetched).toEqual([]);
      answer('done');
      expect(await call).toBe('done');
      await vi.advanceTimersByTimeAsync(0);
      expect(refetched).toEqual([]); // the answer's frame is not out yet
      frame();
      await vi.advanceTimersByTimeAsync(0);
      expect(refetched).toEqual([['t1', 't2']]);
      afterActions(['t3'], (ids) => refetched.push([...ids]));
      expect(refetched).toEqual([['t1', 't2'], ['t3']]);
    } finally {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });

  it('refetches after a second at the latest when an answer is slow', async () => {
    vi.useFakeTimers();
    frames();
    let answer: (value: unknown) => void = () => {};
    const call = asAction(new Promise((resolve) => (answer = resolve)));
    try {
      const refetched: string[][] = [];
      afterActions(['t1'], (ids) => refetched.push([...ids]));
      await vi.advanceTimersByTimeAsync(999);
      expect(refetched).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(refetched).toEqual([['t1']]);
    } finally {
      answer(null);
      await call;
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });
});
