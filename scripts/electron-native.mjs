// The cache's SQLite (better-sqlite3-multiple-ciphers, encrypted at rest) is ABI-bound: tests run it on Node's ABI,
// the Electron shell needs a build for Electron's. Rather than rebuilding node_modules in place (which would break
// `npm test` after `npm start`), we build a private copy for Electron once and hand its path to the shell
// (DESK_SQLITE_BINDING → nativeBinding). Only `npm start` with an Electron binary gets here: `npm ci` never does.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './lib.mjs';

const SQLITE_MODULE = 'better-sqlite3-multiple-ciphers';

export async function electronSqliteBinding(dataDir) {
  const require = createRequire(import.meta.url);
  const electronVersion = require('electron/package.json').version;
  const { version } = require(`${SQLITE_MODULE}/package.json`);
  const buildRoot = join(dataDir, 'native', `electron-${electronVersion}`, `${SQLITE_MODULE}-${version}`);
  const binding = join(buildRoot, 'node_modules', SQLITE_MODULE, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;

  console.log(`Building ${SQLITE_MODULE} for Electron ${electronVersion} (once, a few minutes)…`);
  mkdirSync(join(buildRoot, 'node_modules'), { recursive: true });
  writeFileSync(join(buildRoot, 'package.json'), JSON.stringify({ name: 'desk-native', private: true }));
  cpSync(join(root, 'node_modules', SQLITE_MODULE), join(buildRoot, 'node_modules', SQLITE_MODULE), {
    recursive: true,
    filter: (src) => !src.includes(`${join(SQLITE_MODULE, 'build')}`),
  });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: buildRoot, electronVersion, onlyModules: [SQLITE_MODULE], force: true });
  if (!existsSync(binding)) throw new Error(`Electron build of ${SQLITE_MODULE} not found at ${binding}`);
  return binding;
}
