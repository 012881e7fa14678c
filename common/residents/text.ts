/** Text as agents type it: full-width digits and letters (NFKC) and the many dash look-alikes made plain. */

// Hyphen, non-breaking hyphen, figure dash, en/em dash, minus, full-width hyphen-minus (NFKC covers the last).
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe63\uff0d]/g;

export function normalizeInput(text: string): string {
  return text.normalize('NFKC').replace(DASHES, '-').replace(/\s+/g, ' ').trim();
}

/**
 * The exclusive upper bound of every string starting with `prefix`, so a prefix match can be written as the
 * index range `col >= prefix AND col < upper` (SQLite uses an index for that; LIKE only with special pragmas).
 */
export function prefixUpperBound(prefix: string): string {
  if (!prefix) throw new Error('prefixUpperBound: empty prefix');
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function reverse(text: string): string {
  return [...text].reverse().join('');
}
