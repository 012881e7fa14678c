/**
 * Splits a search highlight's text at its match ranges, so the panel can wrap matches in <mark> elements —
 * never HTML from strings. Ranges are [start, end) UTF-16 offsets (common/contract.ts SearchHighlight); they may
 * arrive unsorted, overlapping or out of bounds, and are clamped and merged here. Pure.
 */
export interface Segment {
  text: string;
  mark: boolean;
}

export function splitHighlights(text: string, ranges: readonly (readonly [number, number])[]): Segment[] {
  const clamp = (offset: number) => Math.max(0, Math.min(offset, text.length));
  const clamped = ranges
    .map(([start, end]): [number, number] => [clamp(start), clamp(end)])
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of clamped) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) segments.push({ text: text.slice(at, start), mark: false });
    segments.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at), mark: false });
  return segments;
}
