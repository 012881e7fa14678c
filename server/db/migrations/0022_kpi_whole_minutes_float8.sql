-- kpi_whole_minutes (0021) without numeric arithmetic: extract(epoch FROM interval) returns numeric, and dividing,
-- flooring and casting numerics made the per-agent percentiles that read the facts (server/kpi/sql.ts) ~20% slower
-- than the float8 arithmetic before 0021. Same results for every input, so the rollups' histograms stay as they are:
--
-- * date_part('epoch', interval) is float8, from the interval's exact microseconds (until - since is exact; the
--   difference of two epochs would not be, each rounded at ~2^-22 s today, so an exact minute could read as 59.9… s).
-- * Below 2^27 minutes (8,053,063,680 s, ~255 years) floor(float8 / 60) is the exact floor: a value short of a
--   whole minute by 1 µs or more stays short through both roundings (a multiple of 60 s is exact), and rounding is
--   monotonic, so it can only err upwards onto a whole minute, which needs a smaller gap than 1 µs at that size.
--   Further apart (2^30 minutes less 1 µs already reads as 2^30), and for NULL (abs(NULL) < x is NULL, not true),
--   0021's numeric expression, unchanged: same NULL, same "integer out of range" past int's 2^31 - 1 minutes.
-- * Negative intervals round down (towards minus infinity) both ways: -1 µs is -1 minute, -60 s is -1.
-- tests/integration/kpi-whole-minutes.test.ts compares both definitions at these edges.
CREATE OR REPLACE FUNCTION kpi_whole_minutes(since timestamptz, until timestamptz) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN abs(date_part('epoch', until - since)) < 8053063680
    THEN floor(date_part('epoch', until - since) / 60)::int
    ELSE floor(extract(epoch FROM until - since) / 60)::int END
$$;
