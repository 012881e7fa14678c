// Property tests for the auto-assignment decision (common/assignment.ts, issue 12 item 2), fast-check: whatever the
// agents and tickets, nobody goes over capacity, only eligible agents receive, a ticket waits only when nobody is
// eligible, round robin is fair within one ticket, and least loaded picks a least-loaded agent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSIGNMENT_MODES,
  RECEIVING_PRESENCE,
  chooseAssignee,
  eligible,
  type Candidate,
} from '../../common/assignment';
import { CATEGORIES, PRESENCE_STATES, type Category } from '../../common/domain';

const category = fc.constantFrom(...CATEGORIES);
const candidate = (i: number) =>
  fc
    .record({
      skills: fc.uniqueArray(category, { maxLength: 3 }),
      capacity: fc.integer({ min: 0, max: 6 }),
      presence: fc.option(fc.constantFrom(...PRESENCE_STATES), { nil: null }),
      loadShare: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ skills, capacity, presence, loadShare }): Candidate => ({
      id: `agent-${String(i).padStart(2, '0')}`,
      skills,
      capacity,
      load: Math.floor(loadShare * capacity),
      presence,
      lastTurn: null,
    }));
const team = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => candidate(i))));

/** Runs a stream of tickets through the decision as the server does (load and turn move with each pick). */
function simulate(
  mode: (typeof ASSIGNMENT_MODES)[number],
  agents: Candidate[],
  tickets: readonly Category[],
  skillsFilter: boolean,
  onPick: (pick: Candidate | null, category: Category, before: Candidate[]) => void,
): void {
  let turn = 0;
  for (const c of tickets) {
    const before = agents.map((a) => ({ ...a }));
    const pick = chooseAssignee(mode, agents, c, skillsFilter);
    onPick(pick, c, before);
    if (pick) {
      pick.load += 1;
      pick.lastTurn = ++turn;
    }
  }
}

describe('auto-assignment decision', () => {
  it('never goes over capacity, gives only to eligible agents, and waits only when nobody is eligible', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ASSIGNMENT_MODES),
        team,
        fc.array(category, { maxLength: 40 }),
        fc.boolean(),
        (mode, agents, tickets, skillsFilter) => {
          const pool = agents.map((a) => ({ ...a }));
          simulate(mode, pool, tickets, skillsFilter, (pick, c, before) => {
            const canTake = eligible(before, c, skillsFilter);
            if (mode === 'manual') return expect(pick).toBeNull();
            if (pick === null) return expect(canTake).toEqual([]);
            const was = before.find((a) => a.id === pick.id)!;
            expect(was.load).toBeLessThan(was.capacity);
            expect(RECEIVING_PRESENCE).toContain(was.presence);
            if (skillsFilter && was.skills.length > 0) expect(was.skills).toContain(c);
          });
          for (const a of pool) expect(a.load).toBeLessThanOrEqual(a.capacity);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round robin is fair within one ticket among agents who can all take every ticket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(category, { maxLength: 60 }), (n, tickets) => {
        const pool: Candidate[] = Array.from({ length: n }, (_, i) => ({
          id: `agent-${i}`,
          skills: [],
          capacity: 200,
          load: 0,
          presence: 'available',
          lastTurn: null,
        }));
        simulate('round_robin', pool, tickets, true, () => {});
        const counts = pool.map((a) => a.load);
        expect(counts.reduce((s, x) => s + x, 0)).toBe(tickets.length); // every ticket assigned exactly once
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('least loaded gives each ticket to an eligible agent with the fewest open tickets', () => {
    fc.assert(
      fc.property(team, fc.array(category, { maxLength: 30 }), fc.boolean(), (agents, tickets, skillsFilter) => {
        simulate('least_loaded', [...agents], tickets, skillsFilter, (pick, c, before) => {
          if (!pick) return;
          const fewest = Math.min(...eligible(before, c, skillsFilter).map((a) => a.load));
          expect(before.find((a) => a.id === pick.id)?.load).toBe(fewest);
        });
      }),
      { numRuns: 300 },
    );
  });
});
