/**
 * WCAG contrast of the console's own CSS, for the chip-colour tests: flat stylesheets read as rules, a property's
 * value along a chain of selectors (later ones win), var(--x) resolved from console.css's :root.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CssRule {
  selector: string;
  declarations: Record<string, string>;
}

/** A stylesheet under renderer/src/features, comments removed, as rules (one per selector). */
export function readRules(path: string): CssRule[] {
  const css = readFileSync(join(import.meta.dirname, '../../renderer/src/features', path), 'utf8').replace(
    /\/\*[\s\S]*?\*\//g,
    '',
  );
  return [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].flatMap(([, selectors, body]) => {
    const declarations = Object.fromEntries(
      [...body!.matchAll(/([\w-]+)\s*:\s*([^;]+);/g)].map(([, name, value]) => [name!, value!.trim()]),
    );
    return selectors!.split(',').map((selector) => ({ selector: selector.trim(), declarations }));
  });
}

/** console.css's :root variables. */
export const rootVariables: Record<string, string> =
  readRules('console/console.css').find((rule) => rule.selector === ':root')?.declarations ?? {};

/** The value of `name` for an element matched by each of `selectors` in turn, variables resolved. */
export function property(rules: readonly CssRule[], selectors: string[], name: string): string {
  let value: string | undefined;
  for (const selector of selectors) value = rules.find((r) => r.selector === selector)?.declarations[name] ?? value;
  if (!value) throw new Error(`no ${name} for ${selectors.join(' ')}`);
  const variable = /^var\((--[\w-]+)\)$/.exec(value);
  return variable ? rootVariables[variable[1]!]! : value;
}

function luminance(hex: string): number {
  const short = /^#([0-9a-f]{3})$/i.exec(hex)?.[1];
  const digits = short ? [...short].map((d) => d + d).join('') : /^#([0-9a-f]{6})/i.exec(hex)?.[1];
  if (!digits) throw new Error(`not a #rgb or #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(digits.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}
