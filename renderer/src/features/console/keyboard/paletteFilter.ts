/** Text matching for the palette and pickers (substring per term: works for Chinese, unlike fuzzy scoring). */

/** Every whitespace-separated term of `query` must appear somewhere in `haystack` (case-insensitive). */
export function matchesQuery(haystack: string, query: string): boolean {
  const words = haystack.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => words.includes(term));
}

/** Whether a ticket code contains what was typed ("bx-2026" finds BX-20261126-0042). */
export function codeMatches(code: string | null, query: string): boolean {
  const q = query.trim().toLowerCase();
  return code !== null && q.length > 0 && code.toLowerCase().includes(q);
}
