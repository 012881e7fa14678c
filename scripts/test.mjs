// `npm test`: lint (with the layering rule), typecheck, unit + integration (vitest), build, e2e (Playwright in
// Debian Chromium; Electron specs skip with their reason when no binary exists). Prints one closing line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, nodeBin, root } from './lib.mjs';

const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function step(name, [command, ...prefix], args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const run = spawnSync(command, [...prefix, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(
    `=== ${name}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (run.status !== 0) failedSteps.push(name);
  return run.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

step('lint', nodeBin('eslint'), ['.']);
step('format', nodeBin('prettier'), ['--check', '.']);
step('typecheck', nodeBin('typescript', 'tsc'), ['-b']);

const vitestJson = join(results, 'vitest.json');
step('unit + integration (vitest)', nodeBin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestJson}`,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
} else failedSteps.push('vitest report missing');

try {
  console.log('\n=== build ===');
  ensureBuilt();
} catch (err) {
  failedSteps.push(`build: ${err.message}`);
}

const playwrightJson = join(results, 'playwright.json');
step('e2e (Playwright)', nodeBin('@playwright/test', 'playwright'), ['test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
});
const playwright = readJson(playwrightJson);
if (playwright?.stats) {
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected;
  totals.skipped += playwright.stats.skipped;
} else failedSteps.push('playwright report missing');

console.log('');
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
