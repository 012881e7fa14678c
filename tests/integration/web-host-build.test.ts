/**
 * The built browser host (scripts/build-web-host.mjs): the bundle `npm run serve`, `npm start`, the benches and the
 * e2e stack run with plain Node. Built here into a scratch folder below the project (so its packages still resolve
 * from node_modules) that holds its own out/renderer, as out/web/cli.mjs sits two folders below the root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const build = join(root, 'scripts', 'build-web-host.mjs');

let scratch: string;
let cli: string;
const MARKER = '<!-- web-host-build test page -->';

beforeAll(() => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  scratch = mkdtempSync(join(root, '.tmp', 'web-host-build-'));
  cli = join(scratch, 'out', 'web', 'cli.mjs');
  mkdirSync(join(scratch, 'out', 'renderer'), { recursive: true });
  writeFileSync(join(scratch, 'out', 'renderer', 'index.html'), `<!doctype html><title>t</title>${MARKER}`);
  const result = spawnSync(process.execPath, [build, '--outfile', cli], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface HostRun {
  url: string | null;
  code: number | null;
  output: string;
  stop(): void;
}

/** Starts the built host; resolves when it printed its URL or exited. The caller stops it. */
function runHost(args: string[]): Promise<HostRun> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  let output = '';
  return new Promise((done) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Desk console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)?.[1];
      if (url) done({ url, code: null, output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => done({ url: null, code, output, stop }));
  });
}

describe('scripts/build-web-host.mjs', () => {
  it('bundles the project code and the pure-JS packages, and loads only the native one from node_modules', () => {
    const code = readFileSync(cli, 'utf8');
    // No import of a project file is left: main/ and common/ are in the bundle.
    expect(code).not.toMatch(/from\s*["']\.{1,2}\//);
    expect(code).not.toMatch(/\.ts["']/);
    // Import statements only, where a statement starts: not the word inside a string ("q('from')", SQL's
    // "json_extract(e.data, '$.from')").
    const packages = [...code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"'.][^"']*)["']/g)]
      .map((m) => m[1]!)
      .filter((name) => !name.startsWith('node:'));
    expect(new Set(packages)).toEqual(new Set(['better-sqlite3-multiple-ciphers']));
    const inputs = JSON.parse(readFileSync(join(scratch, 'out', 'web', 'cli.inputs.json'), 'utf8')) as string[];
    expect(inputs).toContain('main/web/cli.ts');
    expect(inputs).toContain('common/contract.ts');
    expect(inputs.some((p) => p.startsWith('node_modules/zod/'))).toBe(true);
  });

  it('starts with plain node, serves the renderer beside it and takes the token', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'web-host-build-profile-'));
    try {
      const host = await runHost(['--port', '0', '--server', 'http://127.0.0.1:9', '--profile', profile]);
      onTestFinished(host.stop);
      expect(host.url, host.output).not.toBeNull();
      const page = await fetch(host.url!, { redirect: 'manual' });
      // The token is exchanged for a cookie; following that with the cookie serves out/renderer/index.html.
      const cookie = page.headers.get('set-cookie')?.split(';')[0];
      expect(cookie).toBeTruthy();
      const location = new URL(page.headers.get('location') ?? '/', host.url!);
      const html = await (await fetch(location, { headers: { cookie: cookie! } })).text();
      expect(html).toContain(MARKER);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('refuses a bad option with a clear message and exit code 2', async () => {
    const host = await runHost(['--no-such-option']);
    expect(host.url).toBeNull();
    expect(host.code).toBe(2);
    expect(host.output).toContain('Unknown option --no-such-option');
  });

  it('refuses bad build options with its usage', () => {
    const result = spawnSync(process.execPath, [build, '--bogus'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: node scripts/build-web-host.mjs');
  });
});
