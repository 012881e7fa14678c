/**
 * The phone's chips and badges (renderer/src/features/phone/phone.css) read at WCAG AA (4.5:1; their text is
 * 12 px) in every state, not only those the demo happens to show the axe check: colours are read from the CSS,
 * variables from console.css.
 */
import { describe, expect, it } from 'vitest';
import { contrast, property as propertyIn, readRules, rootVariables as root } from '../support/css-contrast';

const phoneRules = readRules('phone/phone.css');
const property = (selectors: string[], name: string) => propertyIn(phoneRules, selectors, name);

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
