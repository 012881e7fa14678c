/**
 * Queries against the short-term index of migration 007 (`tickets_fts_short`, character bigrams): which 1–2
 * character terms it can answer, the MATCH expression for them, and when a term is too common for it to pay off.
 *
 * The index proposes candidates only; the caller keeps those every term also matches by LIKE, so the results are
 * exactly the LIKE fallback's, found without walking the whole table for a rare word.
 */

/**
 * Characters the index surely tokenizes as themselves: ASCII letters and digits, and CJK ideographs of the
 * Unicode version SQLite's unicode61 tables know (6.1: U+3400–U+4DB5, U+4E00–U+9FCC). Anything else (punctuation,
 * symbols, later additions) might be a separator to the tokenizer, so a term with it is left to the LIKE walk.
 */
const INDEXED_CHAR = /^[0-9A-Za-z\u3400-\u4DB5\u4E00-\u9FCC]$/;

/**
 * Up to this many candidates they are looked up by rowid and sorted (a few µs each); above it the tickets_by_open
 * index is walked in order and each entry tested against the candidate list, stopping once the page is full —
 * about page·N/M entries for M candidates among N rows, each far cheaper than a lookup. Estimated from timings of
 * a few terms on the 200k bench cache (search.p95_ms: ~3.5 µs a sorted candidate, ~0.2 µs a walked entry).
 */
export const SHORT_SORTED_MAX = 600;

/**
 * Above this many candidates a term is common: building the candidate list costs more than the plain LIKE walk
 * along tickets_by_open, which reads about page·N/M rows before its page is full. Estimated the same way: ~1.5 µs
 * a listed candidate against ~2.3 µs a row read and LIKE-tested meet near 2,500 candidates at N = 200k.
 */
export const SHORT_WALK_MAX = 2_500;

/** CJK ideographs only: the index has no case or diacritic folding for them, so a candidate is a match. */
const EXACT_CHAR = /^[\u3400-\u4DB5\u4E00-\u9FCC]$/;

/**
 * Whether every candidate the index proposes for `terms` surely contains them, so no LIKE check is needed.
 * Not for Latin letters (unicode61 folds "é" to "e") nor digits (kept to the LIKE check: full-width forms).
 */
export function shortIsExact(terms: readonly string[]): boolean {
  return terms.every((t) => [...t].every((c) => EXACT_CHAR.test(c)));
}

/**
 * The MATCH expression for `terms` (each 1–2 characters), or null when one of them holds a character the index
 * may not have tokenized as itself. A 2-character term is one bigram token; a 1-character term any token
 * starting with it (bigrams where it comes first, or the column's last character alone).
 */
export function shortMatch(terms: readonly string[]): string | null {
  if (terms.length === 0) return null;
  const parts: string[] = [];
  for (const term of terms) {
    const chars = [...term];
    if (chars.length === 0 || chars.length > 2 || !chars.every((c) => INDEXED_CHAR.test(c))) return null;
    parts.push(chars.length === 2 ? `"${term}"` : `"${term}"*`);
  }
  return parts.join(' AND ');
}
