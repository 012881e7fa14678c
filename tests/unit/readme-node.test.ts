/**
 * The README says which Node versions the project supports and names every installed package that warns about
 * them (issue 9): both are read from package.json and package-lock.json, so a new dependency that wants a newer
 * Node fails here until the README explains it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** The lowest Node major a package's `engines.node` accepts (`>=22.12.0` → 22), or 0 when it names none. */
function lowestMajor(range: string): number {
  const alternatives = range.split('||').map((part) => /(?:>=?|\^|~)?\s*v?(\d+)/.exec(part.trim())?.[1]);
  return Math.min(...alternatives.map((major) => Number(major ?? 0)));
}

describe('README: supported Node versions', () => {
  it('states the engines range of package.json', () => {
    expect(pkg.engines.node).toBe('>=20.11 <23');
    expect(readme).toContain(`\`engines\`: \`${pkg.engines.node}\``);
    expect(readme).toMatch(/Node\.js 20\.11 or later, up to 22/);
  });

  it('names every installed package whose engines exclude the lowest supported Node', () => {
    const lowest = Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
    const wanting = Object.entries(lock.packages)
      .filter(([path, entry]) => {
        const engines = entry.engines;
        return path !== '' && !Array.isArray(engines) && engines?.node && lowestMajor(engines.node) > lowest;
      })
      .map(([path, entry]) => `${path.split('node_modules/').at(-1)}@${entry.version?.split('.')[0]}`);
    expect(wanting.length).toBeGreaterThan(0);
    for (const name of new Set(wanting)) expect(readme, name).toContain(`\`${name}\``);
    expect(readme).toContain(`${numberWord(new Set(wanting).size)} \`EBADENGINE\` warnings`);
  });
});

function numberWord(n: number): string {
  return ['no', 'one', 'two', 'three', 'four', 'five', 'six'][n] ?? String(n);
}
