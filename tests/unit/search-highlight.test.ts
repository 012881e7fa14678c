/**
 * Splitting search highlights into marked and plain segments (renderer/src/features/console/search): the panel
 * renders <mark> elements from these, never HTML. Loaded by path (the module belongs to the web project).
 * The rendered highlight and the host's snippet add nothing to the text: no spaces around a match
 * ("接口处 漏水 ，" was seen when a flex line's gap spread the text runs apart).
 */
import fc from 'fast-check';
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SearchHighlight } from '../../common/contract';
import type { Ticket } from '../../common/domain';
import { highlight } from '../../main/cache/search';

type Segment = { text: string; mark: boolean };
// By path: the module belongs to the web TypeScript project, not this (node) one.
const highlightPath = '../../renderer/src/features/console/search/highlight.ts';
const { splitHighlights } = (await import(/* @vite-ignore */ highlightPath)) as {
  splitHighlights(text: string, ranges: readonly (readonly [number, number])[]): Segment[];
};
const markedPath = '../../renderer/src/features/console/search/Marked.tsx';
const { Marked } = (await import(/* @vite-ignore */ markedPath)) as {
  Marked: FunctionComponent<{ highlight: SearchHighlight; className?: string }>;
};

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#x27;': "'" };
/** The markup's text content, as the DOM would give it. */
const textContent = (html: string) =>
  html.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot|#x27);/g, (e) => ENTITIES[e]!);
const render = (h: SearchHighlight) => renderToStaticMarkup(createElement(Marked, { highlight: h }));

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

describe('the rendered highlight', () => {
  it('is the text itself, in one inline element, with the match in <mark>', () => {
    const html = render({ field: 'description', text: '厨房水管接口处漏水，请派人', ranges: [[7, 9]] });
    expect(html).toBe('<span>厨房水管接口处<mark>漏水</mark>，请派人</span>');
    expect(textContent(html)).toBe('厨房水管接口处漏水，请派人');
  });

  it('never adds or drops a character, whatever the text and ranges', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40, unit: fc.constantFrom('漏', '水', ' ', '，', 'a', '<', '&', '"', "'", '\n') }),
        fc.array(fc.tuple(fc.integer({ min: -3, max: 45 }), fc.integer({ min: -3, max: 45 })), { maxLength: 5 }),
        (text, ranges) => {
          const html = render({ field: 'title', text, ranges });
          expect(textContent(html)).toBe(text);
          // One root element: a flex parent sees a single item, never the runs between the marks.
          expect(html.startsWith('<span>') && html.endsWith('</span>')).toBe(true);
          expect(html.slice(6, -7)).not.toMatch(/<span/);
        },
      ),
    );
  });
});

describe('the host’s snippet', () => {
  const ticket = (description: string): Ticket =>
    ({
      code: 'BX-20261126-0001',
      title: '报修',
      description,
      residentName: null,
      phone: null,
      unitCode: null,
    }) as Ticket;

  it('is a verbatim slice of the field around the match, with "…" where it was cut', () => {
    const source = `${'楼上邻居家卫生间'.repeat(4)}厨房水管接口处漏水，已关闭总阀，${'请尽快派人上门维修'.repeat(8)}`;
    const [h] = highlight(ticket(source), ['漏水']);
    expect(h?.field).toBe('description');
    const text = h!.text;
    expect(text.startsWith('…') && text.endsWith('…')).toBe(true);
    expect(source).toContain(text.slice(1, -1));
    expect(text).toContain('接口处漏水，已关闭');
    const [[start, end]] = h!.ranges as [[number, number]];
    expect(text.slice(start - 3, end + 1)).toBe('接口处漏水，');
    expect(textContent(render(h!))).toBe(text);
  });

  it('never changes the text it cuts, for any field length and match position', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 150, unit: fc.constantFrom('前', '后', ' ', '，', 'x') }),
        fc.string({ minLength: 0, maxLength: 150, unit: fc.constantFrom('前', '后', ' ', '，', 'x') }),
        (before, after) => {
          const source = `${before}漏水${after}`;
          const [h] = highlight(ticket(source), ['漏水']);
          const body = h!.text.replace(/^…/, '').replace(/…$/, '');
          expect(source).toContain(body);
          for (const [s, e] of h!.ranges) expect(h!.text.slice(s, e)).toBe('漏水');
        },
      ),
    );
  });
});
