/**
 * Pull pages asked for back to back: each page's request leaves as soon as the page before it arrives (its cursor
 * is the next request's), not when the engine has finished applying it, so the server builds page n+1 while the
 * desk applies page n and is never left idle by a slow apply. At most PAGES_AHEAD pages wait unapplied (memory).
 */
import type { PullResponse } from '../../common/sync';

/** Pages received (or in flight) beyond the one being applied. */
export const PAGES_AHEAD = 2;

export interface PageStream {
  /** The next page in cursor order; rejects with the request's error. */
  next(): Promise<PullResponse>;
  /** Stops asking for more; pages already in flight are dropped (their errors too). */
  close(): void;
}

export function prefetchPages(
  fetchPage: (cursor: string | null, estimate: boolean) => Promise<PullResponse>,
  cursor: string | null,
  estimate: boolean,
  signal: AbortSignal,
  ahead = PAGES_AHEAD,
): PageStream {
  const queue: Promise<PullResponse>[] = [];
  let closed = false;
  /** Set while the stream waits for the engine to take a page before asking for another. */
  let resume: (() => void) | null = null;

  function request(from: string | null, withEstimate: boolean): void {
    const page = fetchPage(from, withEstimate);
    page.catch(() => {}); // a page left behind by an error, an abort or close() is not an unhandled rejection
    queue.push(page);
    page.then(
      async (received) => {
        if (!received.more || received.reset) return; // the end, or a reset the engine restarts from
        while (!closed && queue.length >= ahead) await new Promise<void>((wake) => (resume = wake));
        if (!closed && !signal.aborted) request(received.cursor, false);
      },
      () => {},
    );
  }

  request(cursor, estimate);
  return {
    next() {
      const page = queue.shift();
      if (!page) return Promise.reject(new Error('no page requested: the previous page said there were no more'));
      resume?.();
      resume = null;
      return page;
    },
    close() {
      closed = true;
      resume?.();
      resume = null;
    },
  };
}
