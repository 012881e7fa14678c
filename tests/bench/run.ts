/**
 * `npm run bench [-- --only GROUP]`: runs the performance benches (DESIGN.md §9), prints each figure beside its
 * budget and its ratio to a raw baseline, and merges them into bench/results.json (not committed).
 *
 * Exit code: 0 when every bench ran (a missed budget is reported as ✗, not as a crash), 1 when one crashed,
 * 2 on a usage error.
 */
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GROUPS } from './groups';
import { formatTable, mergeResults } from './results';
import { isEntry, isSkip, withinBudget, type BenchContext, type BenchOutcome } from './types';

const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS_FILE = join(ROOT, 'bench', 'results.json');
/** DESIGN.md §9: each group finishes within 20 minutes on 2 cores. */
const GROUP_LIMIT_MS = 20 * 60_000;

const USAGE = 'usage: npm run bench [-- --only GROUP] [--filter TEXT] [--fresh-data] [--list]';

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function groupList(): string {
  return GROUPS.map((g) => `  ${g.name.padEnd(8)} ${g.description}`).join('\n');
}

/**
 * `--filter TEXT` runs only the benches with a key containing TEXT (for working on one bench). `--fresh-data`
 * rebuilds the seeded data templates the run uses instead of cloning the cached ones (tests/bench/seeded.ts).
 */
function parseCli(argv: string[]): {
  only: string | undefined;
  filter: string | undefined;
  freshData: boolean;
  list: boolean;
} {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        filter: { type: 'string' },
        'fresh-data': { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return { only: values.only, filter: values.filter, freshData: values['fresh-data'], list: values.list };
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Other work on the machine skews every figure: say how busy it was. */
const load = () => `load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`;

async function main(): Promise<void> {
  const { only, filter, freshData, list } = parseCli(process.argv.slice(2));
  if (freshData) process.env.BENCH_FRESH_DATA = '1';
  if (list) {
    process.stdout.write(`Registered bench groups:\n${groupList()}\n`);
    return;
  }
  const selected = only === undefined ? GROUPS : GROUPS.filter((g) => g.name === only);
  if (selected.length === 0) {
    usageError(`Unknown bench group "${only}". Registered groups:\n${groupList()}`);
  }

  const outcomes: BenchOutcome[] = [];
  const runStarted = performance.now();
  for (const group of selected) {
    const started = performance.now();
    const ctx: BenchContext = {
      log: (message) =>
        process.stdout.write(`[bench ${group.name} +${seconds(performance.now() - started)}] ${message}\n`),
    };
    ctx.log(`group ${group.name}: ${group.description}`);
    const { benches, dispose } = await group.setup(ctx);
    try {
      for (const bench of benches) {
        if (filter !== undefined && !bench.keys.some((k) => k.includes(filter))) continue;
        const benchStarted = performance.now();
        ctx.log(`— ${bench.name} (${bench.keys.join(', ')}); ${load()}`);
        let produced: BenchOutcome[];
        try {
          produced = await bench.run(ctx);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          ctx.log(`${bench.name} FAILED: ${err instanceof Error ? (err.stack ?? message) : message}`);
          produced = bench.keys.map((key) => ({ key, error: message.split('\n')[0] ?? message }));
        }
        outcomes.push(...produced);
        mergeResults(RESULTS_FILE, produced.filter(isEntry));
        for (const o of produced) {
          if (isEntry(o)) {
            ctx.log(`${o.key} = ${o.value} ${o.unit} (${withinBudget(o) ? 'within' : 'MISSED'} budget)`);
            if (o.data) ctx.log(`  data: ${o.data}`);
            if (o.span) ctx.log(`  measured: ${o.span}`);
          } else if (isSkip(o)) ctx.log(`${o.key}: skipped — ${o.skipped}`);
        }
        ctx.log(`${bench.name} done in ${seconds(performance.now() - benchStarted)}; ${load()}`);
      }
    } finally {
      await dispose();
    }
    const elapsed = performance.now() - started;
    ctx.log(`group ${group.name} finished in ${seconds(elapsed)}`);
    if (elapsed > GROUP_LIMIT_MS) {
      ctx.log(`WARNING: over the 20-minute limit for a group (DESIGN.md §9)`);
    }
  }

  const entries = outcomes.filter(isEntry);
  const missed = entries.filter((e) => !withinBudget(e)).length;
  const skipped = outcomes.filter(isSkip).length;
  const failed = outcomes.length - entries.length - skipped;
  process.stdout.write(`\n${formatTable(outcomes)}\n\n`);
  process.stdout.write(
    `${entries.length - missed} within budget, ${missed} missed, ${skipped} skipped, ${failed} failed ` +
      `in ${seconds(performance.now() - runStarted)}; figures merged into ${RESULTS_FILE}\n`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

main().then(
  // Exit explicitly: a database pool or timer left open by a bench must not keep the process alive.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
