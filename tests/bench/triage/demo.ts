/**
 * The demo generator's large data set (server/seed/generate.ts: 200k tickets with their events, 200k residents),
 * generated once per run of the triage group and shared by its fixtures: generating it takes ~1.5 minutes and
 * ~3 GB, so the search and console fixtures must not each make their own.
 */
import { DEFAULT_DEMO_SEED } from '../../../server/seed/load';
import { generateDemo, type DemoData } from '../../../server/seed/generate';
import type { BenchContext } from '../types';

/** Generated "now": the tickets' SLA clocks, overdue and at-risk views are as they would be today. */
export const DEMO_NOW = new Date();

let demo: DemoData | undefined;

export function largeDemo(ctx: BenchContext): DemoData {
  if (demo) return demo;
  const started = performance.now();
  demo = generateDemo({ seed: DEFAULT_DEMO_SEED, size: 'large', now: DEMO_NOW });
  ctx.log(
    `  demo large generated in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
      `${describeDemo(demo.tickets.length, demo.ticketEvents.length, demo.residents.length)}`,
  );
  return demo;
}

/** Lets the data go once every fixture has taken what it needs. */
export function releaseDemo(): void {
  demo = undefined;
}

const thousands = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1000)}k`);

export function describeDemo(tickets: number, events: number, residents: number): string {
  return `${thousands(tickets)} tickets, ${thousands(events)} events, ${thousands(residents)} residents`;
}

/**
 * The newest `count` tickets of the demo with their events, and everything they point at (units, residents,
 * users, teams); calls are left out (nothing the console benches measure reads them).
 */
export function newestTickets(data: DemoData, count: number): DemoData {
  const tickets = data.tickets.slice(-count);
  const ids = new Set(tickets.map((t) => t.id));
  return {
    ...data,
    tickets,
    ticketEvents: data.ticketEvents.filter((e) => ids.has(e.ticketId)),
    calls: [],
  };
}
