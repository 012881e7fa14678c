/**
 * Every priority badge and status chip reads at WCAG AA (4.5:1, their text is 11–12 px), for every state, not
 * only those the day's demo data happens to show the axe check of the e2e suite: the colours are read from
 * console.css itself.
 */
import { describe, expect, it } from 'vitest';
import { TicketStatus } from '../../common/domain';
import { contrast, property as propertyIn, readRules, rootVariables as root } from '../support/css-contrast';

const PRIORITIES = [0, 1, 2, 3, 4];
const rules = readRules('console/console.css');
const property = (selectors: string[], name: string) => propertyIn(rules, selectors, name);

describe('badge and chip colours (console.css)', () => {
  it.each(PRIORITIES.map((p) => [p]))('P%s badge', (priority) => {
    const chain = ['.priority-badge', `.priority-badge.p${priority}`];
    expect(contrast(property(chain, 'color'), property(chain, 'background'))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(TicketStatus.options.map((s) => [s]))('%s chip', (status) => {
    const chain = ['.status-chip', `.status-chip.status-${status}`];
    expect(contrast(property(chain, 'color'), property(chain, 'background'))).toBeGreaterThanOrEqual(4.5);
  });

  it('reads the colours it checks (a wrong parse cannot pass)', () => {
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(property(['.status-chip', '.status-chip.status-on_hold'], 'color')).toBe(root['--danger']);
    expect(property(['.priority-badge', '.priority-badge.p0'], 'background')).toBe('#a8071a');
  });
});
