// `npm start`: the console against the embedded central server (or --server URL / DESK_SERVER_URL).
// Electron when its binary exists; otherwise the browser host, with one paragraph saying why.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { electronSqliteBinding } from './electron-native.mjs';
import { dataDir, electronBinary, ensureBuilt, root, startChild, stopAllOnSignal, tsx, webHost } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    server: { type: 'string' },
    kiosk: { type: 'boolean', default: false },
    display: { type: 'boolean', default: false },
    port: { type: 'string', default: process.env.DESK_PORT ?? '5180' },
    'server-port': { type: 'string', default: process.env.DESK_SERVER_PORT ?? '4100' },
    browser: { type: 'boolean', default: false },
  },
});

const home = dataDir();
const children = [];
const stop = stopAllOnSignal(children);

try {
  ensureBuilt();

  let serverUrl = args.server ?? process.env.DESK_SERVER_URL;
  if (!serverUrl) {
    console.log(`Starting the embedded central server (PGlite in ${join(home, 'server')})…`);
    const server = startChild(
      'server',
      tsx,
      ['server/cli.ts', '--port', args['server-port'], '--data', join(home, 'server'), '--seed', 'demo'],
      /listening on (http:\/\/\S+)/,
      // Request logs would drown the console's own lines; LOG_LEVEL=info brings them back.
      { env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
    );
    children.push(server.child);
    serverUrl = (await server.started)[1];
  }

  // A lobby screen signs in with the kiosk account: its own profile, so it never shares the console's cache.
  const lobby = args.kiosk ? 'kiosk' : args.display ? 'display' : null;
  const profile = join(home, lobby ? `${lobby}-profile` : 'profile');
  const electron = args.browser ? null : electronBinary();
  if (electron) {
    const binding = await electronSqliteBinding(home);
    const shellArgs = [root, '--server', serverUrl, '--profile', profile, ...(lobby ? [`--${lobby}`] : [])];
    const shell = spawn(electron, shellArgs, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, DESK_SQLITE_BINDING: binding },
    });
    children.push(shell);
    shell.on('exit', () => void stop());
  } else {
    if (!args.browser) {
      console.log(
        '\nElectron is not available on this machine: its binary was not downloaded during `npm install` ' +
          '(no access to the download server). The console will run in your browser instead, through the ' +
          'browser host, with the same features and data. To get the desktop app, set ELECTRON_MIRROR to a ' +
          'reachable mirror (or ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron) and run ' +
          '`npm run install:electron`, then `npm start` again.\n',
      );
    }
    const host = startChild(
      'console',
      webHost,
      ['--port', args.port, '--server', serverUrl, '--profile', profile],
      /Desk console: (https?:\/\/\S+)/,
    );
    children.push(host.child);
    const [, url] = await host.started;
    const page = lobby ? url.replace('/?', `/${lobby}?`) : url;
    const account = lobby ? 'kiosk01' : 'agent01';
    console.log(
      `\n  Open the ${lobby ?? 'console'}: ${page}\n  Demo sign-in: ${account} / demo   (Ctrl+C stops everything)\n`,
    );
  }
} catch (err) {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  await stop(1);
}
