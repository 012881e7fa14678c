/** The optimistic effect of call events, call actions and presence at the desk (the outbox's non-ticket half). */
import type { CallMutation, MutationEffect } from '../../common/mutations';
import type { CacheDb } from '../cache';

export interface CallWriter {
  write(m: CallMutation, actorId: string, now: Date): MutationEffect;
}

export function createCallWriter(_db: CacheDb): CallWriter {
  return {
    write() {
      // TODO(issue 10): being implemented in this session.
      return { ticket: null, events: [], deleted: null, calls: [] };
    },
  };
}
