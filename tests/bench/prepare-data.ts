/**
 * `npx tsx tests/bench/prepare-data.ts [--backend pglite|postgres] [--only initial|push] [--fresh-data]`: builds (or
 * finds) the seeded data templates of the sync and kpi groups (tests/bench/seeded.ts) and clones each once, logging
 * how long the build and the clone took and the template's size — ahead of a bench run, or to measure them.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { prepareDemoLarge } from './sync/demo-large';
import { postgresAdminUrl, type Backend } from './sync/fixtures';
import { prepareHundredK } from './sync/index';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    only: { type: 'string', multiple: true },
    'fresh-data': { type: 'boolean', default: false },
  },
});
if (values['fresh-data']) process.env.BENCH_FRESH_DATA = '1';
const backends = (values.backend ?? ['pglite', ...(postgresAdminUrl() ? ['postgres'] : [])]) as Backend[];
const only = values.only ?? ['initial', 'push'];

const started = performance.now();
const ctx = {
  log: (m: string) =>
    process.stdout.write(
      `[prepare +${((performance.now() - started) / 1000).toFixed(1)} s, load ${loadavg()[0]?.toFixed(1)}] ${m}\n`,
    ),
};
for (const backend of backends) {
  // The initial-sync benches' medium data, then the push and kpi benches' large data.
  if (only.includes('initial')) await (await prepareHundredK(backend, ctx)).database.dispose();
  if (only.includes('push')) await (await prepareDemoLarge(backend, ctx)).database.dispose();
}
process.exit(0);
