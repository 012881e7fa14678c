/**
 * One mutation the server cannot apply must not stop a console for good (issue 11 §1). When a push fails with a
 * 5xx, the engine halves the batch until one mutation is left (./engine pushAll). If the server meanwhile answers
 * the pull, it is up, and that one mutation is the trouble: a strike. After `maxStrikes` strikes in a row it is
 * withdrawn (pushed again with args null, which every server rejects, consuming its id) and kept among the rejected
 * changes with the server's failure as its reason; the rest of the outbox then syncs. A push that gets past it, or
 * a different mutation failing, starts the count again.
 */
import type { OutboxEntry } from './outbox';

/** The rejection code a withdrawn mutation shows in the rejected-changes dialog. */
export const SERVER_ERROR_CODE = 'server_error';

export interface PushFailure {
  /** The single mutation the failing push carried. */
  entry: OutboxEntry;
  /** HTTP status and the server's `error` code. */
  status: number | null;
  code: string;
}

export interface IsolationOptions {
  /** Consecutive failures of one mutation, each with the server answering the pull, before it is withdrawn. */
  maxStrikes?: number;
  /** Wait before the next try after the first strike (ms); doubled after each further strike. */
  retryMs?: number;
}

export interface Isolation {
  /** Counts a strike against the failing mutation; true when it is time to withdraw it. */
  strike(failure: PushFailure): boolean;
  /** A push got through up to `lastMutationId`: a suspect at or before it is cleared (then true). */
  settled(lastMutationId: number): boolean;
  /** The mutation id failing now, if any: the next try pushes it alone. */
  suspect(): number | null;
  /** Forget the suspect (withdrawn, or the engine stopped). */
  clear(): void;
  /** Strikes against the current suspect. */
  strikes(): number;
  /** How long to wait before trying again. */
  retryDelayMs(): number;
}

export const DEFAULT_MAX_STRIKES = 4;
export const DEFAULT_RETRY_MS = 2_000;

export function createIsolation(options: IsolationOptions = {}): Isolation {
  const maxStrikes = Math.max(1, options.maxStrikes ?? DEFAULT_MAX_STRIKES);
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  let suspect: number | null = null;
  let count = 0;
  return {
    strike(failure) {
      if (suspect !== failure.entry.mutationId) {
        suspect = failure.entry.mutationId;
        count = 0;
      }
      count++;
      return count >= maxStrikes;
    },
    settled(lastMutationId) {
      if (suspect === null || suspect > lastMutationId) return false;
      this.clear();
      return true;
    },
    suspect: () => suspect,
    clear() {
      suspect = null;
      count = 0;
    },
    strikes: () => count,
    retryDelayMs: () => retryMs * 2 ** Math.max(0, count - 1),
  };
}

/** What the agent reads about a withdrawn change (English; the renderer shows its own words for the code). */
export function withdrawalReason(failure: PushFailure, strikes: number): string {
  const status = failure.status === null ? '' : ` with HTTP ${failure.status} (${failure.code})`;
  return `The server failed this change${status} ${strikes} times while answering everything else; it was set aside so that the other changes could sync`;
}
