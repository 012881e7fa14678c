/**
 * The child processes of the e2e stacks: the central server (server/cli.ts through tsx) and browser hosts (the built
 * out/web/cli.mjs), each started and awaited until it prints that it is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
// Through node, not node_modules/.bin: an npm install can leave a bin without its executable bit.
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Where Playwright's global setup (./demo-template.ts) left the seeded demo data folder that stacks copy. */
export const DEMO_TEMPLATE_ENV = 'DESK_E2E_DEMO_TEMPLATE';

/** `script` is a TypeScript entry run through tsx, or a built .mjs run by node itself. */
export function start(
  [script, ...args]: string[],
  ready: RegExp,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const argv = script!.endsWith('.mjs') ? [script!, ...args] : [tsx, script!, ...args];
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${ready} from ${script}:\n${log}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = ready.exec(log);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${log}`));
    });
  });
}

/** The central server with `args`; `url` is the address it listens on. */
export async function startServerProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await start(['server/cli.ts', ...args], /listening on (http:\/\/\S+)/);
  return { child, url: match[1]! };
}

/** SIGTERM, then SIGKILL if it has not exited 5 s later; resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}
