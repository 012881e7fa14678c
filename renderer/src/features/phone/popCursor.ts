/**
 * The pop's keyboard cursor: while several candidates could be the caller and none is linked, ↑/↓ and 1–9 move
 * among the candidates and Enter links the call to one (never to all); once the caller is known they move among
 * the caller's open tickets, the one `l` links the call to and Enter opens.
 */
export type PopMode = 'candidates' | 'tickets';

export interface PopCursor {
  candidate: number;
  ticket: number;
}

export const START: PopCursor = { candidate: 0, ticket: 0 };

export function popMode(pop: { candidates: readonly unknown[]; resident: unknown }): PopMode {
  return pop.resident === null && pop.candidates.length > 1 ? 'candidates' : 'tickets';
}

/** One step up or down in the current list, staying inside it. */
export function moveCursor(cursor: PopCursor, mode: PopMode, delta: 1 | -1, count: number): PopCursor {
  const key = mode === 'candidates' ? 'candidate' : 'ticket';
  const next = Math.max(0, Math.min(Math.max(count - 1, 0), cursor[key] + delta));
  return { ...cursor, [key]: next };
}

/** The item under the cursor, clamped to the list as it is now (it may have shrunk since). */
export function atCursor<T>(items: readonly T[], index: number): T | undefined {
  return items[Math.min(index, items.length - 1)];
}

/** Digit key `1`–`9` → the candidate it names, if there is one. */
export function candidateForDigit<T>(candidates: readonly T[], digit: string): T | undefined {
  const n = Number(digit);
  return Number.isInteger(n) && n >= 1 ? candidates[n - 1] : undefined;
}
