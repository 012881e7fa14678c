/**
 * The phone's chips and badges (renderer/src/features/phone/phone.css) read at WCAG AA (4.5:1; their text is
 * 12 px) in every state, not only those the demo happens to show the axe check: colours are read from the CSS,
 * variables from console.css.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (path: string) =>
  readFileSync(join(import.meta.dirname, '../../renderer/src/features', path), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

function rulesOf(css: string) {
  return [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].flatMap(([, selectors, body]) => {
    const declarations = Object.fromEntries(
      [...body!.matchAll(/([\w-]+)\s*:\s*([^;]+);/g)].map(([, name, value]) => [name!, value!.trim()]),
    );
    return selectors!.split(',').map((selector) => ({ selector: selector.trim(), declarations }));
  });
}

const consoleRules = rulesOf(read('console/console.css'));
const phoneRules = rulesOf(read('phone/phone.css'));
const root = consoleRules.find((rule) => rule.selector === ':root')?.declarations ?? {};

/** The value of `name` for an element matched by each of `selectors` in turn (later ones win). */
function property(selectors: string[], name: string): string {
  let value: string | undefined;
  for (const selector of selectors)
    value = phoneRules.find((r) => r.selector === selector)?.declarations[name] ?? value;
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

const chips: [name: string, chain: string[]][] = [
  ...['ringing', 'talking', 'held'].map((s): [string, string[]] => [`pop badge ${s}`, [`.pop-badge.state-${s}`]]),
  ...['open', 'claimed', 'done'].map((s): [string, string[]] => [
    `callback chip ${s}`,
    ['.callback-chip', `.callback-chip.callback-${s}`],
  ]),
  ['resident tag', ['.pop-tag']],
  ['missed-calls badge', ['.calls-badge']],
];

describe('phone chip colours (phone.css)', () => {
  it.each(chips)('%s', (_name, chain) => {
    expect(contrast(property(chain, 'color'), property(chain, 'background'))).toBeGreaterThanOrEqual(4.5);
  });

  it('muted and "seen before" texts read on the white pop', () => {
    expect(contrast(root['--muted']!, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(property(['.pop-confidence.confidence-maybe'], 'color'), '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});
