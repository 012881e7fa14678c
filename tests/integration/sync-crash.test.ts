/**
 * Crash at every step (issue 3): the desk host runs as a real child process and is killed with a real SIGKILL
 * at named points across write / outbox / push / acknowledge / pull-apply, plus at seeded random moments, while
 * it produces 1,000 mutations. After a restart and a drain the server holds exactly those 1,000 effects.
 */
import { describe, expect, it } from 'vitest';
import { CRASH_POINTS, runKillRun } from '../support/kill-run';

const SEED = Number(process.env.KILL_SEED ?? 20240603);
const MUTATIONS = 1000;

describe('desk host killed with SIGKILL at every step', () => {
  it('loses nothing and duplicates nothing over 1,000 mutations and ≥ 20 kills', { timeout: 180_000 }, async () => {
    console.log(`[sync-crash] seed ${SEED} (replay with KILL_SEED=${SEED})`);
    let versions: { version: number; comments: number }[] = [];
    let mutationIds: unknown = null;
    const result = await runKillRun({
      killPoints: 28,
      externalKills: 4,
      mutations: MUTATIONS,
      seed: SEED,
      async inspect(db, { ticketIds, clientId }) {
        const { rows } = await db.query<{ id: string; version: number; comments: number }>(
          `SELECT t.id, t.version, (SELECT COUNT(*)::int FROM ticket_events e
                                     WHERE e.ticket_id = t.id AND e.kind = 'comment') AS comments
             FROM tickets t WHERE t.id = ANY($1::uuid[])`,
          [ticketIds],
        );
        versions = rows.map((r) => ({ version: Number(r.version), comments: Number(r.comments) }));
        const ids = await db.query<{ min: number; max: number; n: number }>(
          `SELECT MIN(mutation_id)::int AS min, MAX(mutation_id)::int AS max, COUNT(*)::int AS n
             FROM sync_mutations WHERE client_id = $1`,
          [clientId],
        );
        mutationIds = ids.rows[0];
      },
    });
    const summary = result.kills.map((k) => `${k.spec}${k.killed ? '' : ' (unreached)'}`).join(', ');
    console.log(
      `[sync-crash] ${result.killed} SIGKILLs over ${result.lives} lives in ${result.durationMs} ms: ${summary}`,
    );

    expect(result.gaps).toEqual([]);
    expect({ lost: result.lost, duplicated: result.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(result.distinct).toBe(MUTATIONS);
    expect({ processed: result.processed, applied: result.applied }).toEqual({
      processed: MUTATIONS,
      applied: MUTATIONS,
    });
    expect({ outbox: result.outboxLeft, pendingEvents: result.pendingEventsLeft }).toEqual({
      outbox: 0,
      pendingEvents: 0,
    });
    expect(result.cachedComments).toBe(MUTATIONS);
    // Each comment bumped its ticket's version once: 1 (created) + the comments on it.
    expect(versions).toHaveLength(4);
    for (const v of versions) expect(v.version).toBe(1 + v.comments);
    // Mutation ids survive every restart: 1 … 1000 with no hole, each processed once.
    expect(mutationIds).toEqual({ min: 1, max: MUTATIONS, n: MUTATIONS });

    // ≥ 20 real kills by crash point, every named point among them, plus the external ones.
    const reached = result.kills.filter((k) => k.killed && !k.spec.startsWith('external:'));
    expect(reached.length).toBeGreaterThanOrEqual(20);
    expect(new Set(reached.map((k) => k.spec.split(':')[0]))).toEqual(new Set(CRASH_POINTS));
    expect(result.kills.filter((k) => k.killed && k.spec.startsWith('external:')).length).toBeGreaterThanOrEqual(2);
  });
});
