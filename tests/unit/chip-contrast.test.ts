/**
 * Every priority badge and status chip reads at WCAG AA (4.5:1, their text is 11–12 px), for every state, not
 * only those the day's demo data happens to show the axe check of the e2e suite: the colours are read from
 * console.css itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TicketStatus } from '../../common/domain';

const PRIORITIES = [0, 1, 2, 3, 4];

const css = readFileSync(join(import.meta.dirname, '../../renderer/src/features/console/console.css'), 'utf8').replace(
  /\/\*[\s\S]*?\*\//g,
  '',
);

/** Each rule's selectors → its declarations (flat CSS, as console.css is). */
const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].flatMap(([, selectors, body]) => {
  const declarations = Object.fromEntries(
    [...body!.matchAll(/([\w-]+)\s*:\s*([^;]+);/g)].map(([, name, value]) => [name!, value!.trim()]),
  );
  return selectors!.split(',').map((selector) => ({ selector: selector.trim(), declarations }));
});
const root = rules.find((rule) => rule.selector === ':root')?.declarations ?? {};

function property(selectors: string[], name: string): string {
  let value: string | undefined;
  for (const selector of selectors) value = rules.find((r) => r.selector === selector)?.declarations[name] ?? value;
  if (!value) throw new Error(`no ${name} for ${selectors.join(' ')}`);
  const variable = /^var\((--[\w-]+)\)$/.exec(value);
  return variable ? root[variable[1]!]! : value;
}

function luminance(hex: string): number {
  const digits = /^#([0-9a-f]{6})/i.exec(hex)?.[1];
  if (!digits) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(digits.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

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
