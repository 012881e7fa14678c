// Runs electron's own binary download (its postinstall is denied in package.json "allowScripts" because it
// exits non-zero without network). Here a failure is a notice, never a failed `npm install`: the console
// falls back to the browser host until a binary exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let installScript;
try {
  installScript = join(dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0); // production install without devDependencies: nothing to do
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || !existsSync(installScript)) process.exit(0);

const result = spawnSync(process.execPath, [installScript], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
if (result.status !== 0) {
  const reason =
    String(result.stderr ?? '')
      .split('\n')
      .find((l) => l.trim()) ?? 'unknown error';
  console.warn(
    `\nNote: the Electron binary could not be downloaded (${reason.trim()}).\n` +
      'Everything else is installed; `npm start` will open the console in your browser instead.\n' +
      'To get Electron: set ELECTRON_MIRROR to a reachable mirror, or ELECTRON_OVERRIDE_DIST_PATH to an\n' +
      'unpacked Electron, then run `npm run install:electron`.\n',
  );
}
