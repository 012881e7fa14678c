/**
 * Local ticket search (issue 4 item 7) over the `tickets_fts` trigram index of migration 004.
 *
 * Queries are split on whitespace into terms that must all match (in any searched field). Terms of 3+ characters
 * go to FTS5 as quoted phrases, so no user input is ever parsed as FTS syntax; shorter terms (Chinese words are
 * often 2 characters: "漏水") cannot use a trigram index and are matched with LIKE — as a filter on the FTS hits
 * when the query has a long term too. A query of short terms only is answered in the order of a walk over the
 * open tickets, then the closed ones, newest first: its candidates come from the bigram index of migration 007
 * (./short-search) unless the terms are too common for it, and then the tickets_by_open index is walked with LIKE,
 * stopping once the page is full.
 *
 * Highlights are [start, end) UTF-16 offsets into a field's text (or a snippet of it), never markup: the renderer
 * slices the text and wraps the ranges in <mark> elements itself.
 */
import type { SearchField, SearchHighlight, SearchResult } from '../../common/contract';
import type { Ticket } from '../../common/domain';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { phoneHashOf } from '../../common/residents/phone';

/** Longest query looked at; longer input is cut (a search box, not a document). */
export const MAX_QUERY_CHARS = 200;
/** At most this many terms; the rest are ignored. */
export const MAX_TERMS = 8;
/** The trigram tokenizer's minimum: shorter terms fall back to LIKE. */
export const TRIGRAM = 3;

export interface ParsedQuery {
  /** Every term, normalized (NFKC, phone numbers as digits), in input order. */
  terms: string[];
  /** Terms of 3+ characters, for FTS5. */
  long: string[];
  /** Terms of 1–2 characters, for LIKE. */
  short: string[];
  /** The FTS5 MATCH expression for `long`, or null when there is none. */
  match: string | null;
  /** The whole query as a ticket code (upper-cased), when it is one term: exact code matches rank first. */
  code: string | null;
}

const charLength = (s: string) => [...s].length;

/**
 * "138-1234-5678", "(021) 6123 4567", "+86 138 1234 5678": phones are stored as E.164 ("+8613812345678"), so a
 * phone-like term is searched by its digits, without the national trunk 0 (021… → 21…).
 */
function phoneDigits(term: string): string | null {
  if (!/^\+?[\d\-() ]+$/.test(term)) return null;
  let digits = term.replace(/\D/g, '');
  if (digits.length < 7) return null;
  if (digits.startsWith('0')) digits = digits.slice(1);
  return digits;
}

/**
 * The hash of the query when it is one whole phone number ("138-1234-5678", "+86 21 6123 4567"): tickets keep their
 * phone masked with its hash (issue 11 §4), so such a query is answered by the hash, not the text. Null otherwise,
 * or without the session's secret.
 */
export function wholePhoneNumber(input: string, hash: PhoneHasher): string | null {
  const normalized = input.normalize('NFKC').slice(0, MAX_QUERY_CHARS).trim();
  return phoneDigits(normalized) === null ? null : phoneHashOf(hash, normalized);
}

/** Splits and normalizes a query. Never throws, whatever the input. */
export function parseQuery(input: string): ParsedQuery {
  const normalized = input.normalize('NFKC').slice(0, MAX_QUERY_CHARS).trim();
  // A phone typed with spaces ("138 1234 5678") is one term, not three.
  const wholePhone = phoneDigits(normalized);
  const raw = wholePhone !== null ? [wholePhone] : normalized.split(/\s+/).filter((t) => t.length > 0);
  const terms: string[] = [];
  for (const t of raw) {
    const term = phoneDigits(t) ?? t;
    if (!terms.includes(term)) terms.push(term);
    if (terms.length === MAX_TERMS) break;
  }
  const long = terms.filter((t) => charLength(t) >= TRIGRAM);
  const short = terms.filter((t) => charLength(t) < TRIGRAM);
  // Each term a quoted phrase ("" escapes a quote): AND, OR, NEAR, *, ^, :, ( ) are plain text inside it.
  const match = long.length > 0 ? long.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ') : null;
  const code = terms.length === 1 && long.length === 1 ? (terms[0] as string).toUpperCase() : null;
  return { terms, long, short, match, code };
}

/** A LIKE pattern matching `term` anywhere, with `\` as the escape character. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---------------------------------------------------------------------------------------------------------------
// Highlights

const FIELDS: ReadonlyArray<[SearchField, (t: Ticket) => string | null]> = [
  ['code', (t) => t.code],
  ['title', (t) => t.title],
  ['description', (t) => t.description],
  ['residentName', (t) => t.residentName],
  ['phone', (t) => t.phone],
  ['unitCode', (t) => t.unitCode],
];

/** Characters of context kept around the first match of a long field. */
const SNIPPET_BEFORE = 20;
const SNIPPET_LENGTH = 80;
const ELLIPSIS = '…';

/** ASCII-only case folding, like the index and LIKE: keeps every UTF-16 offset where it was. */
const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function findRanges(text: string, terms: readonly string[]): Array<[number, number]> {
  const haystack = fold(text);
  const found: Array<[number, number]> = [];
  for (const term of terms) {
    const needle = fold(term);
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
      found.push([at, at + needle.length]);
    }
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Merge overlaps ("漏水" and "水管" in "漏水管" mark one stretch).
  const merged: Array<[number, number]> = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The fields of `ticket` where a term occurs, with the matched ranges; long fields cut to a snippet. */
export function highlight(ticket: Ticket, terms: readonly string[]): SearchHighlight[] {
  const out: SearchHighlight[] = [];
  for (const [field, get] of FIELDS) {
    const text = get(ticket);
    if (!text) continue;
    const ranges = findRanges(text, terms);
    if (ranges.length === 0) continue;
    if (text.length <= SNIPPET_LENGTH) {
      out.push({ field, text, ranges });
      continue;
    }
    let start = Math.max(0, (ranges[0] as [number, number])[0] - SNIPPET_BEFORE);
    // Never cut a surrogate pair in half.
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start] ?? '')) start--;
    let end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end] ?? '')) end++;
    const prefix = start > 0 ? ELLIPSIS : '';
    const shift = prefix.length - start;
    out.push({
      field,
      text: prefix + text.slice(start, end) + (end < text.length ? ELLIPSIS : ''),
      ranges: ranges
        .filter(([s, e]) => s < end && e > start)
        .map(([s, e]) => [Math.max(s, start) + shift, Math.min(e, end) + shift] as [number, number]),
    });
  }
  return out;
}

export type { SearchResult };
