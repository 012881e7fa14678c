/**
 * The cold-start prefetch: the first page of the view the console opens on is asked for as soon as the session
 * names a user (not after the console has drawn), never without one, and the list then finds it instead of asking
 * again.
 */
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { FIRST_VIEW, deskKeys, prefetchFirstScreen, ticketPageQuery } from './queries';

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
