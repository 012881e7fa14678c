// better-sqlite3 is ABI-bound: tests run it on Node's ABI, the Electron shell needs a build for Electron's.
// Rather than rebuilding node_modules in place (which would break `npm test` after `npm start`), we build a
// private copy for Electron once and hand its path to the shell (DESK_SQLITE_BINDING → nativeBinding).
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './lib.mjs';

export async function electronSqliteBinding(dataDir) {
  const require = createRequire(import.meta.url);
  const electronVersion = require('electron/package.json').version;
  const buildRoot = join(dataDir, 'native', `electron-${electronVersion}`);
  const binding = join(buildRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return binding;

  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  mkdirSync(join(buildRoot, 'node_modules'), { recursive: true });
  writeFileSync(join(buildRoot, 'package.json'), JSON.stringify({ name: 'desk-native', private: true }));
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(buildRoot, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: buildRoot, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  if (!existsSync(binding)) throw new Error(`Electron build of better-sqlite3 not found at ${binding}`);
  return binding;
}
