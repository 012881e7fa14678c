/** The bench table printed at the end of a run, and bench/results.json (DESIGN.md §9), merged key by key. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { budgetIsMinimum, isEntry, isSkip, withinBudget, type BenchEntry, type BenchOutcome } from './types';

export interface StoredFigure {
  value: number;
  unit: BenchEntry['unit'];
  budget: number;
  /** The budget is a minimum (kill counts); `per_s` budgets are minimums without it. */
  atLeast?: true;
  ratio?: number;
  ratioTo?: string;
  data?: string;
}

/** Writes the measured entries into `file`, keeping every other key already there. Returns the merged object. */
export function mergeResults(file: string, entries: readonly BenchEntry[]): Record<string, StoredFigure> {
  let stored: Record<string, StoredFigure> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredFigure>;
    } catch {
      console.warn(`[bench] ${file} is not valid JSON: starting it afresh`);
    }
  }
  for (const e of entries) {
    const figure: StoredFigure = { value: e.value, unit: e.unit, budget: e.budget };
    if (e.atLeast) figure.atLeast = true;
    if (e.ratio !== undefined) figure.ratio = e.ratio;
    if (e.ratioTo !== undefined) figure.ratioTo = e.ratioTo;
    if (e.data !== undefined) figure.data = e.data;
    stored[e.key] = figure;
  }
  const sorted = Object.fromEntries(Object.entries(stored).sort(([a], [b]) => a.localeCompare(b)));
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename: an interrupted run never leaves half a file behind.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return sorted;
}

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toString();
}

function row(o: BenchOutcome): string[] {
  if (isEntry(o)) {
    const limit = `${budgetIsMinimum(o) ? '≥' : '≤'} ${formatNumber(o.budget)}`;
    const ratio = o.ratio === undefined ? '' : `${formatNumber(o.ratio)}× ${o.ratioTo ?? ''}`.trim();
    return [o.key, formatNumber(o.value), o.unit, limit, withinBudget(o) ? '✓' : '✗', ratio, o.data ?? ''];
  }
  if (isSkip(o)) return [o.key, '—', '', '', 'skipped', o.skipped, ''];
  return [o.key, '—', '', '', '✗ failed', o.error, ''];
}

/** A plain-text table: key, value, unit, budget, within budget, ratio (and to what), data size. */
export function formatTable(outcomes: readonly BenchOutcome[]): string {
  const header = ['key', 'value', 'unit', 'budget', 'within', 'ratio (to)', 'data'];
  const rows = [header, ...outcomes.map(row)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => {
        const pad = (widths[c] ?? 0) - [...cell].length;
        // Numbers right-aligned, text left-aligned.
        return c === 1 || c === 3 ? ' '.repeat(pad) + cell : cell + ' '.repeat(pad);
      })
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(header), rule, ...rows.slice(1).map(line)].join('\n');
}
