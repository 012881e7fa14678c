/**
 * Playwright's global setup: seeds the demo data into one PGlite data folder for the whole run, which each spec's
 * stack copies (tests/e2e/stack.ts) instead of seeding its own. Seeding is most of a stack's start (~15 s fresh,
 * ~4 s on a copy), and 17 spec files each started one.
 *
 * The template is seeded for the run's start: a spec later in the run sees it as a server does minutes after its
 * seed (the demo's deadlines are relative to the seed's hour). Specs that need an overdue or at-risk ticket file
 * their own (stack.ts fileBreachedRepair).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TEMPLATE_ENV, startServerProcess, stopChild } from './processes';

export default async function seedDemoTemplate(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-e2e-template-'));
  const dataDir = join(dir, 'server');
  const started = Date.now();
  const server = await startServerProcess(['--port', '0', '--data', dataDir, '--seed', 'demo']);
  // A clean stop: PGlite writes its data folder out on close, so the copies open without recovery.
  await stopChild(server.child);
  console.log(`seeded the e2e demo template in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.env[DEMO_TEMPLATE_ENV] = dataDir;
  return async () => rmSync(dir, { recursive: true, force: true });
}
