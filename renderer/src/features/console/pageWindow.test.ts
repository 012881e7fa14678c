import { describe, expect, it } from 'vitest';
import { pageOffsets, rowsInView } from './pageWindow';

const PAGE = 100;
const REACH = { ahead: 100, behind: 30 };

describe('pageOffsets', () => {
  it('keeps page 0 and loads the next page while the first screen shows', () => {
    expect(pageOffsets(0, 20, 100_000, PAGE, REACH)).toEqual([0, 100]);
  });

  it('loads a page ahead of the drawn rows while scrolling down the middle', () => {
    // Rows 250–280 drawn: ahead to 380 (page 300), behind to 220 (page 200), and page 0 for the total.
    expect(pageOffsets(250, 280, 100_000, PAGE, REACH)).toEqual([0, 200, 300]);
  });

  it('reaches back into the previous page only near its end', () => {
    expect(pageOffsets(220, 250, 100_000, PAGE, REACH)).toEqual([0, 100, 200, 300]);
  });

  it('asks for no page past the known end of the view', () => {
    expect(pageOffsets(0, 20, 60, PAGE, REACH)).toEqual([0]);
    expect(pageOffsets(170, 190, 205, PAGE, REACH)).toEqual([0, 100, 200]);
  });

  it('does not prefetch ahead while the total is unknown, but still loads what is drawn', () => {
    expect(pageOffsets(0, 20, 0, PAGE, REACH)).toEqual([0]);
    expect(pageOffsets(90, 120, 0, PAGE, REACH)).toEqual([0, 100]);
  });

  it('loads only page 0 when nothing is drawn', () => {
    expect(pageOffsets(0, -1, 100_000, PAGE, REACH)).toEqual([0]);
  });

  it('refuses a page size that is not a positive integer', () => {
    expect(() => pageOffsets(0, 10, 100, 0, REACH)).toThrow(/bad page size/);
    expect(() => pageOffsets(0, 10, 100, 2.5, REACH)).toThrow(/bad page size/);
  });
});

describe('rowsInView', () => {
  it('draws the rows in view and the overscan beyond each edge', () => {
    // 624 px from 52,000 px: rows 1000–1011 in view, 992–1019 drawn.
    expect(rowsInView(52_000, 624, 100_000, 52, 8)).toEqual({ first: 992, last: 1019 });
  });

  it('counts a row cut by either edge as in view', () => {
    expect(rowsInView(26, 623.6, 100_000, 52, 0)).toEqual({ first: 0, last: 12 });
  });

  it('stops at both ends of the list', () => {
    expect(rowsInView(0, 624, 100_000, 52, 8)).toEqual({ first: 0, last: 19 });
    expect(rowsInView(99_988 * 52, 624, 100_000, 52, 8)).toEqual({ first: 99_980, last: 99_999 });
    expect(rowsInView(0, 624, 5, 52, 8)).toEqual({ first: 0, last: 4 });
  });

  it('draws nothing in an empty list', () => {
    expect(rowsInView(0, 624, 0, 52, 8)).toBeNull();
  });
});
