/**
 * Splitting search highlights into marked and plain segments (renderer/src/features/console/search): the panel
 * renders <mark> elements from these, never HTML. Loaded by path (the module belongs to the web project).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Segment = { text: string; mark: boolean };
// By path: the module belongs to the web TypeScript project, not this (node) one.
const highlightPath = '../../renderer/src/features/console/search/highlight.ts';
const { splitHighlights } = (await import(/* @vite-ignore */ highlightPath)) as {
  splitHighlights(text: string, ranges: readonly (readonly [number, number])[]): Segment[];
};

describe('splitHighlights', () => {
  it('marks "漏水" inside "厨房漏水严重"', () => {
    expect(splitHighlights('厨房漏水严重', [[2, 4]])).toEqual([
      { text: '厨房', mark: false },
      { text: '漏水', mark: true },
      { text: '严重', mark: false },
    ]);
  });

  it('merges overlapping and touching ranges, sorts them, and clamps them to the text', () => {
    expect(
      splitHighlights('卫生间漏水管爆裂', [
        [5, 6],
        [3, 5],
        [4, 6],
        [-3, 1],
        [7, 99],
      ]),
    ).toEqual([
      { text: '卫', mark: true },
      { text: '生间', mark: false },
      { text: '漏水管', mark: true },
      { text: '爆', mark: false },
      { text: '裂', mark: true },
    ]);
  });

  it('leaves text without (usable) ranges unmarked, and keeps markup-looking text as text', () => {
    expect(splitHighlights('<b>漏水</b>', [])).toEqual([{ text: '<b>漏水</b>', mark: false }]);
    expect(splitHighlights('abc', [[2, 2]])).toEqual([{ text: 'abc', mark: false }]);
    expect(splitHighlights('', [[0, 3]])).toEqual([{ text: '', mark: false }]);
  });

  it('always reassembles the exact text, and marks exactly the union of the ranges', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 40 }), fc.integer({ min: -5, max: 40 })), { maxLength: 6 }),
        (text, ranges) => {
          const segments = splitHighlights(text, ranges);
          expect(segments.map((s) => s.text).join('')).toBe(text);
          const marked = new Set<number>();
          let at = 0;
          for (const s of segments) {
            if (s.mark) for (let i = at; i < at + s.text.length; i++) marked.add(i);
            at += s.text.length;
          }
          const expected = new Set<number>();
          for (const [start, end] of ranges) {
            for (let i = Math.max(0, start); i < Math.min(end, text.length); i++) expected.add(i);
          }
          expect([...marked].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
          // Adjacent segments never share a kind (ranges were merged).
          for (let i = 1; i < segments.length; i++) expect(segments[i]!.mark).not.toBe(segments[i - 1]!.mark);
        },
      ),
    );
  });
});
