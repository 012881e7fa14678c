/** When the desk gives up on a mutation the server keeps failing (main/sync/isolate.ts, issue 11 §1). */
import { describe, expect, it } from 'vitest';
import { createIsolation, withdrawalReason, type PushFailure } from '../../main/sync/isolate';

const failure = (mutationId: number): PushFailure => ({
  entry: { mutationId, name: 'ticket.comment', args: {}, createdAt: '2026-05-01T00:00:00.000Z' },
  status: 500,
  code: 'internal',
});

describe('isolation', () => {
  it('withdraws after maxStrikes failures in a row of the same mutation, waiting longer after each', () => {
    const isolation = createIsolation({ maxStrikes: 3, retryMs: 100 });
    expect(isolation.strike(failure(7))).toBe(false);
    expect(isolation.retryDelayMs()).toBe(100);
    expect(isolation.strike(failure(7))).toBe(false);
    expect(isolation.retryDelayMs()).toBe(200);
    expect(isolation.suspect()).toBe(7);
    expect(isolation.strike(failure(7))).toBe(true);
    expect(isolation.strikes()).toBe(3);
  });

  it('starts again for another mutation, and once a push gets past the suspect', () => {
    const isolation = createIsolation({ maxStrikes: 2 });
    isolation.strike(failure(7));
    expect(isolation.strike(failure(8))).toBe(false); // a different mutation: its own count
    expect(isolation.settled(7)).toBe(false); // not past 8 yet
    expect(isolation.settled(8)).toBe(true);
    expect(isolation.suspect()).toBeNull();
    expect(isolation.strike(failure(9))).toBe(false);
  });

  it('says what happened in the reason the agent reads', () => {
    expect(withdrawalReason(failure(7), 4)).toBe(
      'The server failed this change with HTTP 500 (internal) 4 times while answering everything else; it was set aside so that the other changes could sync',
    );
  });
});
