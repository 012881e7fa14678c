/**
 * kpi_whole_minutes (migration 0022, float8) gives what 0021's numeric definition gave, for every input: whole
 * minutes rounded down at exact minute boundaries, a microsecond either side of them, sub-second timestamps,
 * negative intervals, NULL, near 2^27 minutes (where float8 stops being exact) and at int's limit (both fail past
 * it). Each edge is taken from several sub-second starting points, as timestamps in the facts are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';

const MIGRATIONS = join(import.meta.dirname, '../../server/db/migrations');

/** 0021's definition, as shipped, under another name. */
function definitionOf0021(): string {
  const sql = readFileSync(join(MIGRATIONS, '0021_kpi_percentile_histograms.sql'), 'utf8');
  const create = /CREATE FUNCTION kpi_whole_minutes\(.*?\$\$.*?\$\$;/s.exec(sql)?.[0];
  if (!create) throw new Error('0021 no longer defines kpi_whole_minutes');
  return create.replace('kpi_whole_minutes(', 'kpi_whole_minutes_0021(');
}

/** Minute counts: small, around hours and days, around 2^27 (float8's exact range) and up to int's limit. */
const MINUTES = [
  0, 1, 2, 59, 60, 61, 1439, 1440, 1441, 10_079, 10_080, 525_600, 5_256_000, 134_217_727, 134_217_728, 134_217_729,
  268_435_456, 1_073_741_823, 1_073_741_824, 2_000_000_000, 2_147_483_646, 2_147_483_647,
];
/** Microseconds added to each whole count: exact, 1 µs either side, 59.999999 s, half a second. */
const OFFSETS_US = [0, 1, -1, 59_999_999, -59_999_999, 500_000, 999_999, 30_000_000];
/** Starting points with and without fractions of a second (one before 1970, one in the far future). */
const STARTS = [
  '2026-11-26 02:00:00+00',
  '2026-11-26 02:00:00.000001+00',
  '2026-11-26 02:00:59.999999+00',
  '2026-03-05 17:42:13.123457+08',
  '1969-12-31 23:59:59.5+00',
  '2300-01-01 00:00:00.999999+00',
];

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`kpi_whole_minutes on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await db.query(definitionOf0021());
    }, 120_000);

    afterAll(async () => {
      await dispose?.();
    });

    const both = async (since: string | null, until: string | null) => {
      const { rows } = await db.query<{ old: number | null; new: number | null }>(
        `SELECT kpi_whole_minutes_0021($1::timestamptz, $2::timestamptz) AS old,
                kpi_whole_minutes($1::timestamptz, $2::timestamptz) AS new`,
        [since, until],
      );
      return rows[0];
    };

    it("is the float8 definition of 0022, not 0021's numeric one", async () => {
      const { rows } = await db.query<{ src: string }>(
        `SELECT prosrc AS src FROM pg_proc WHERE proname = 'kpi_whole_minutes'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.src).toContain(`date_part('epoch', until - since) / 60`);
    });

    it('gives what 0021 gave at the edges, named', async () => {
      const cases: [since: string | null, until: string | null, minutes: number | null][] = [
        ['2026-11-26 02:00:00+00', '2026-11-26 02:01:00+00', 1],
        ['2026-11-26 02:00:00+00', '2026-11-26 02:00:59.999999+00', 0],
        ['2026-11-26 02:00:00.000001+00', '2026-11-26 02:01:00+00', 0],
        ['2026-11-26 02:00:00.123457+00', '2026-11-26 02:01:00.123457+00', 1],
        ['2026-11-26 02:00:00.123457+00', '2026-11-26 02:01:00.123456+00', 0],
        ['2026-11-26 02:00:00+00', '2026-11-26 02:00:00+00', 0],
        ['2026-11-26 02:00:00+00', '2026-11-26 01:59:59.999999+00', -1],
        ['2026-11-26 02:00:00+00', '2026-11-26 01:59:00+00', -1],
        ['2026-11-26 02:00:00+00', '2026-11-26 01:58:59.999999+00', -2],
        ['2026-11-26 02:00:00+00', '2026-11-27 02:00:00+00', 1440],
        ['2026-03-28 18:00:00+00', '2026-03-29 18:00:00+00', 1440], // over a DST change elsewhere: exact seconds
        ['2026-11-26 02:00:00+00', null, null],
        [null, '2026-11-26 02:00:00+00', null],
        [null, null, null],
      ];
      for (const [since, until, minutes] of cases) {
        const r = await both(since, until);
        expect(r, `${since} → ${until}`).toEqual({ old: minutes, new: minutes });
      }
    });

    it('gives what 0021 gave for every minute count, offset and start, either way round', async () => {
      const { rows } = await db.query<{ compared: number; differing: string[] }>(
        `WITH pairs AS (
           -- Added and subtracted, not multiplied by the sign: interval * number goes through float8.
           SELECT s::timestamptz AS since,
                  CASE sign WHEN 1 THEN s::timestamptz + make_interval(mins => m) + make_interval(secs => o / 1e6)
                    ELSE s::timestamptz - make_interval(mins => m) - make_interval(secs => o / 1e6) END AS until
           FROM unnest($1::text[]) s, unnest($2::int[]) m, unnest($3::int[]) o, (VALUES (1), (-1)) AS x(sign)
           -- Within int's range by 0021's reckoning (past it, both raise "integer out of range": below).
           WHERE abs(floor(sign * (m::numeric * 60 + o / 1e6) / 60)) <= 2147483647),
         compared AS (
           SELECT since, until, kpi_whole_minutes_0021(since, until) AS old, kpi_whole_minutes(since, until) AS new
           FROM pairs)
         SELECT count(*)::int AS compared,
           COALESCE(array_agg(since || ' → ' || until || ': ' || old || ' vs ' || new)
             FILTER (WHERE old IS DISTINCT FROM new), '{}') AS differing
         FROM compared`,
        [STARTS, MINUTES, OFFSETS_US],
      );
      expect(rows[0]?.differing).toEqual([]);
      expect(rows[0]?.compared).toBeGreaterThan(STARTS.length * MINUTES.length * OFFSETS_US.length);
    });

    it('fails past int as 0021 did, and not just before it', async () => {
      const start = '2026-11-26 02:00:00+00';
      const at = (minutes: number, us: number) =>
        `(timestamptz '${start}' + make_interval(mins => ${minutes}) + make_interval(secs => ${us} / 1e6))::text`;
      const until = async (sql: string) => (await db.query<{ t: string }>(`SELECT ${sql} AS t`)).rows[0]?.t ?? null;
      expect(await both(start, await until(at(2_147_483_647, 59_999_999)))).toEqual({
        old: 2_147_483_647,
        new: 2_147_483_647,
      });
      for (const fn of ['kpi_whole_minutes_0021', 'kpi_whole_minutes']) {
        await expect(
          db.query(`SELECT ${fn}($1::timestamptz, $2::timestamptz)`, [
            start,
            await until(at(2_147_483_647, 60_000_000)),
          ]),
        ).rejects.toThrow(/out of range/);
      }
    });
  });
}
