/**
 * A second, small search index for 1–2 character terms (issue 4 item 7, search.p95_ms): Chinese words are often
 * two characters ("漏水"), below the trigram index's minimum, and matching them by LIKE walks far for rare words.
 *
 * `tickets_fts_short` holds, for each searched column, the column's character bigrams as separate words
 * ("厨房漏水" → "厨房 房漏 漏水 水"), tokenized by unicode61 with `detail = none` (only which rows hold a token:
 * no positions, a small index). A 2-character term is then one token lookup (`"漏水"`), a 1-character term a prefix
 * lookup (`"漏"*`: every bigram starting with it, and the last character of a column on its own; `prefix = '1'`
 * keeps those in one list of their own, so a common character is not a merge of hundreds). The index only
 * proposes candidates — a superset of the LIKE matches for terms made of letters and digits — and the search
 * (../tickets.ts, ../short-search.ts) keeps only the candidates LIKE also matches, so results mean exactly what
 * the LIKE fallback meant.
 *
 * Splitting text into characters in a trigger needs a row per position (triggers allow no recursive CTE):
 * `search_positions` holds 1…SEARCH_POSITIONS. Longer column values are indexed up to that length; the desk's
 * contract caps descriptions at 5,000 characters.
 *
 * Kept in step with `tickets` by triggers keyed by the tickets rowid, like migration 004's; the bulk load
 * (../bulk-load.ts) drops them while an initial sync fills `tickets` and fills this index in slices afterwards.
 */
import type { Migration } from '../migrate';

/** Characters per column value that the short-term index covers. */
export const SEARCH_POSITIONS = 20_000;

/** The searched columns, as in `tickets` and both search indexes. */
const COLUMNS = ['code', 'title', 'description', 'resident_name', 'phone', 'unit_code'] as const;

/** SQL: the bigram words of `expr` (a text column), space separated; NULL for NULL or ''. */
export function bigramWords(expr: string): string {
  return (
    `(SELECT group_concat(substr(${expr}, p.i, 2), ' ') FROM search_positions p ` + `WHERE p.i <= length(${expr}))`
  );
}

/** `INSERT INTO tickets_fts_short … SELECT <alias>.rowid, <bigrams of each column> FROM …` — the select list. */
export function shortIndexValues(alias: string): string {
  return [`${alias}.rowid`, ...COLUMNS.map((c) => bigramWords(`${alias}.${c}`))].join(', ');
}

export const SHORT_INDEX_COLUMNS = `rowid, ${COLUMNS.join(', ')}`;

export const migration007: Migration = {
  version: 7,
  up(db) {
    db.exec(`
      CREATE TABLE search_positions (i INTEGER PRIMARY KEY);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SEARCH_POSITIONS})
      INSERT INTO search_positions (i) SELECT i FROM n;

      CREATE VIRTUAL TABLE tickets_fts_short USING fts5(
        ${COLUMNS.join(', ')},
        tokenize = 'unicode61', detail = none, prefix = '1'
      );

      CREATE TRIGGER tickets_fts_short_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO tickets_fts_short (${SHORT_INDEX_COLUMNS}) SELECT ${shortIndexValues('new')};
      END;

      CREATE TRIGGER tickets_fts_short_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM tickets_fts_short WHERE rowid = old.rowid;
      END;

      -- Only when a searched column changes, as for tickets_fts.
      CREATE TRIGGER tickets_fts_short_update AFTER UPDATE OF ${COLUMNS.join(', ')} ON tickets BEGIN
        DELETE FROM tickets_fts_short WHERE rowid = old.rowid;
        INSERT INTO tickets_fts_short (${SHORT_INDEX_COLUMNS}) SELECT ${shortIndexValues('new')};
      END;

      INSERT INTO tickets_fts_short (${SHORT_INDEX_COLUMNS}) SELECT ${shortIndexValues('t')} FROM tickets t;
    `);
  },
};
