/**
 * Sync push and pull (issue 11 §1). Push: batches of broken, generic and valid mutations from one console, with a
 * normal change at the end. Every mutation of a well-formed batch is consumed (applied or rejected with a reason,
 * never a 5xx), the normal change applies, and so does the console's next push. A malformed batch (bad envelope)
 * is a 4xx that writes nothing. Pull: any cursor, limit, client id and schema
 * version: never a 5xx, never a write.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { MUTATION_ARGS, type MutationName } from '../../common/mutations';
import { SYNC_SCHEMA_VERSION, type PullResponse, type PushResponse } from '../../common/sync';
import { BAD_CURSORS, BAD_NUMBERS, badValue, inputFor } from './arbitraries';
import { countCase, type FuzzServer, type Username } from './harness';
import { mutationSamples } from './samples';

const NAMES = Object.keys(MUTATION_ARGS) as MutationName[];

interface Console {
  username: Username;
  clientId: string;
  next: number;
}

async function push(server: FuzzServer, who: Username, body: unknown) {
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/sync/push',
    headers: { authorization: `Bearer ${server.token(who)}` },
    payload: body as object,
  });
}

export async function fuzzPush(server: FuzzServer, runs: number, seed: number): Promise<void> {
  const samples = mutationSamples(server.refs);
  // Consoles of the roles that sync (a kiosk's push is refused whole, which the REST target covers).
  const consoles: Console[] = (['agent01', 'lead01', 'admin'] as const).map((username) => ({
    username,
    clientId: randomUUID(),
    next: 1,
  }));
  const mutation = fc
    .constantFrom(...NAMES)
    .chain((name) => fc.record({ name: fc.constant(name), args: inputFor(samples[name]) }));
  const envelopeBreak = fc.oneof(
    fc.constant(null),
    fc.constantFrom('gap', 'unknownName', 'badClientId', 'badSchema', 'badId', 'notArray'),
  );
  const arb = fc.record({
    console: fc.nat(consoles.length - 1),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    broken: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: envelopeBreak }),
    other: badValue,
  });

  let sinceProbe = 0;
  await fc.assert(
    fc.asyncProperty(arb, async ({ console: index, mutations, broken, other }) => {
      countCase('sync push');
      const c = consoles[index]!;
      // A normal change rides at the end of every batch: one bad mutation must never fail its batch.
      const numbered = [...mutations, normalChange(server)].map((m, i) => ({ id: c.next + i, ...m }));
      const body: Record<string, unknown> = {
        clientId: c.clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: numbered,
      };
      if (broken === 'gap') body.mutations = numbered.map((m) => ({ ...m, id: m.id + 5 }));
      if (broken === 'unknownName') body.mutations = [{ ...numbered[0], name: other }];
      if (broken === 'badClientId') body.clientId = other;
      if (broken === 'badSchema') body.schemaVersion = other;
      if (broken === 'badId') body.mutations = [{ ...numbered[0], id: other }];
      if (broken === 'notArray') body.mutations = other;

      // A well-formed batch writes (its normal change at least); a malformed one must write nothing. Keys that
      // could reach a prototype make the whole body invalid JSON to the server (Fastify's secure parser): a 400.
      const malformed = broken !== null || PROTOTYPE_POISON.test(JSON.stringify(body));
      const before = malformed ? await server.fingerprint.current() : null;
      const res = await push(server, c.username, body);
      expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      if (before !== null && res.statusCode !== 200) {
        expect(await server.fingerprint.current()).toBe(before);
        return;
      }
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const out = res.json<PushResponse>();
      if (broken === null) {
        // Every mutation consumed, each applied or rejected with a reason; the normal one at the end applied.
        expect(out.lastMutationId).toBe(c.next + numbered.length - 1);
        for (const r of out.results) {
          expect(['applied', 'rejected']).toContain(r.outcome);
          if (r.outcome === 'rejected') expect(r.error?.code).toMatch(/^[a-z_]+$/);
        }
        expect(out.results.at(-1)?.outcome).toBe('applied');
        await expectNoTrace(server, numbered, out);
      }
      c.next = out.lastMutationId + 1;

      // And the console's next push applies too (every tenth case: a push costs a transaction).
      if (++sinceProbe < 10) return;
      sinceProbe = 0;
      const probe = await push(server, c.username, {
        clientId: c.clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [{ id: c.next, ...normalChange(server) }],
      });
      expect(probe.statusCode, probe.body).toBe(200);
      expect(probe.json<PushResponse>().results[0]?.outcome).toBe('applied');
      c.next++;
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
}

const PROTOTYPE_POISON = /"(__proto__|constructor)":/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** No write on error: a rejected mutation's new ids (event, ticket, call) are nowhere in the data. */
async function expectNoTrace(server: FuzzServer, sent: { id: number; args: unknown }[], out: PushResponse) {
  const known = new Set(Object.values(server.refs));
  const ids = out.results
    .filter((r) => r.outcome === 'rejected')
    .flatMap((r) => {
      const args = sent.find((m) => m.id === r.id)?.args as { id?: unknown; eventId?: unknown } | null | undefined;
      return [args?.id, args?.eventId];
    })
    .filter((id): id is string => typeof id === 'string' && UUID.test(id) && !known.has(id));
  if (ids.length === 0) return;
  const { rows } = await server.db.query(
    `SELECT id FROM tickets WHERE id = ANY($1::uuid[]) UNION ALL SELECT id FROM ticket_events WHERE id = ANY($1::uuid[])
     UNION ALL SELECT id FROM calls WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  expect(rows, 'a rejected mutation wrote').toEqual([]);
}

/** A note on the suite's own ticket (never deleted): applies whatever else happened. */
function normalChange(server: FuzzServer) {
  return { name: 'ticket.comment', args: { id: server.ticketId, eventId: randomUUID(), body: 'normal change' } };
}

export async function fuzzPull(server: FuzzServer, runs: number, seed: number): Promise<void> {
  const own = randomUUID();
  const theirs = randomUUID();
  // A cursor the server wrote, to break from.
  const first = await server.app.inject({
    method: 'POST',
    url: '/api/v1/sync/pull',
    headers: { authorization: `Bearer ${server.token('agent02')}` },
    payload: { clientId: theirs, schemaVersion: SYNC_SCHEMA_VERSION, cursor: null, limit: 5 },
  });
  const realCursor = first.json<PullResponse>().cursor;
  // `theirs` belongs to agent02 once it has pushed.
  await push(server, 'agent02', { clientId: theirs, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [] });

  const arb = fc.record({
    who: fc.constantFrom<Username>('agent01', 'lead01', 'kiosk01', 'pbx'),
    clientId: fc.oneof(fc.constant(own), fc.constant(theirs), badValue),
    schemaVersion: fc.oneof(
      { weight: 4, arbitrary: fc.constant<unknown>(SYNC_SCHEMA_VERSION) },
      { weight: 1, arbitrary: fc.integer({ min: -2, max: 9 }) },
      { weight: 1, arbitrary: badValue },
    ),
    cursor: fc.oneof(fc.constant<unknown>(null), fc.constant(realCursor), fc.constantFrom(...BAD_CURSORS), badValue),
    limit: fc.option(
      fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.constantFrom<unknown>(...BAD_NUMBERS), badValue),
      {
        nil: undefined,
      },
    ),
    estimate: fc.option(fc.oneof(fc.boolean(), badValue), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(arb, async ({ who, ...body }) => {
      countCase('sync pull');
      const before = await server.fingerprint.current();
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/sync/pull',
        headers: { authorization: `Bearer ${server.token(who)}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      expect(await server.fingerprint.current()).toBe(before);
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
}
