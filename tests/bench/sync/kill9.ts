/**
 * sync.kill9_lost / sync.kill9_duplicated: the crash harness of tests/support/kill-run.ts (desk host child
 * processes SIGKILLed at named crash points and at random moments) with 200 kill points; the server must hold each
 * mutation exactly once. While the harness does not exist the keys are reported as not available — never a number.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import { ROOT } from './fixtures';

export const KILL_POINTS = 200;
/** Mutations the desk host produces over those lives (the test uses 1,000 with ≥ 20 kill points). */
export const KILL_MUTATIONS = 1_000;
const HARNESS = join(ROOT, 'tests', 'support', 'kill-run.ts');

/** What the bench needs of the harness; imported by path so this file compiles whether or not it exists yet. */
interface KillHarness {
  runKillRun(opts: {
    killPoints: number;
    mutations: number;
    seed?: number;
    log?: (line: string) => void;
  }): Promise<{ lost: number; duplicated: number; killed?: number; lives?: number; seed?: number }>;
}

export function kill9Bench(): Bench {
  const keys = ['sync.kill9_lost', 'sync.kill9_duplicated'] as const;
  return {
    name: `kill -9 run (${KILL_POINTS} kill points)`,
    keys,
    async run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>> {
      const harness = existsSync(HARNESS)
        ? ((await import(pathToFileURL(HARNESS).href)) as Partial<KillHarness>)
        : null;
      if (typeof harness?.runKillRun !== 'function') {
        const reason = 'not available yet: the crash harness (tests/support/kill-run.ts, runKillRun) does not exist';
        ctx.log(`  ${reason}`);
        return keys.map((key) => ({ key, skipped: reason }));
      }
      let lives = 0;
      const result = await harness.runKillRun({
        killPoints: KILL_POINTS,
        mutations: KILL_MUTATIONS,
        log: (line) => {
          lives += 1;
          if (lives % 25 === 0) ctx.log(`  ${line}`);
        },
      });
      ctx.log(
        `  seed ${result.seed ?? '?'}: ${result.killed ?? '?'} SIGKILLs over ${result.lives ?? '?'} lives, ` +
          `${KILL_MUTATIONS} mutations → lost ${result.lost}, duplicated ${result.duplicated}`,
      );
      return [
        { key: keys[0], value: result.lost, unit: 'count', budget: 0 },
        { key: keys[1], value: result.duplicated, unit: 'count', budget: 0 },
      ];
    },
  };
}
