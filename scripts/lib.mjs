// Helpers shared by the start / serve / test scripts: where data lives, building when stale, child processes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

/**
 * [node, script] for a package's command. Run through node rather than node_modules/.bin so a missing
 * executable bit (seen with some npm installs) never matters.
 */
export function nodeBin(pkg, command = pkg) {
  const dir = join(root, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const script = typeof bin === 'string' ? bin : bin[command];
  return [process.execPath, join(dir, script)];
}

/** The app's data directory: DESK_HOME, else the platform's per-user data folder. */
export function dataDir() {
  if (process.env.DESK_HOME) return resolve(process.env.DESK_HOME);
  const home = homedir();
  if (platform() === 'win32')
    return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'service-desk-console');
  if (platform() === 'darwin') return join(home, 'Library', 'Application Support', 'service-desk-console');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'service-desk-console');
}

/** The newest modification time (ms) of any file under `dir`. */
export function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds main, preload and renderer with electron-vite when out/ is missing or older than the sources, and the
 * browser host (out/web) when it is.
 */
export function ensureBuilt() {
  ensureWebHostBuilt();
  const marker = join(root, 'out', 'renderer', 'index.html');
  const sources = ['common', 'main', 'preload', 'renderer'].map((d) => newestMtime(join(root, d)));
  if (existsSync(marker) && statSync(marker).mtimeMs >= Math.max(...sources)) return;
  console.log('Building the console (electron-vite build)…');
  const [node, cli] = nodeBin('electron-vite');
  const result = spawnSync(node, [cli, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('electron-vite build failed');
}

/** Builds the browser host (out/web/cli.mjs) when it is missing or older than its sources. */
export function ensureWebHostBuilt() {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build-web-host.mjs'), '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the browser host failed');
}

/** [node, script] of the built browser host: plain Node on compiled code, no TypeScript compiled at start. */
export const webHost = [process.execPath, join(root, 'out', 'web', 'cli.mjs')];

/** The Electron executable when its binary was downloaded, else null. */
export function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Starts a child process and resolves with the first stdout line matching `ready` (its match array);
 * rejects if the child exits first. Output is passed through with a prefix.
 */
export function startChild(label, [command, ...prefix], args, ready, options = {}) {
  const child = spawn(command, [...prefix, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const pass = (stream, out) => {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        out.write(`[${label}] ${line}\n`);
        child.emit('line', line);
      }
    });
  };
  pass(child.stdout, process.stdout);
  pass(child.stderr, process.stderr);
  const started = new Promise((resolvePromise, reject) => {
    child.on('line', (line) => {
      const match = ready.exec(line);
      if (match) resolvePromise(match);
    });
    child.on('exit', (code, signal) => reject(new Error(`${label} exited early (${signal ?? code})`)));
  });
  return { child, started };
}

export const tsx = nodeBin('tsx');

/** Stops children on Ctrl+C / SIGTERM, waiting for each to exit. */
export function stopAllOnSignal(children) {
  let stopping = false;
  const stop = async (exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children
        .filter((c) => c.exitCode === null)
        .map(
          (c) =>
            new Promise((done) => {
              c.once('exit', done);
              c.kill('SIGTERM');
              setTimeout(() => c.kill('SIGKILL'), 5000).unref();
            }),
        ),
    );
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  return stop;
}
