// Builds the browser host (main/web/cli.ts and what it imports from main/ and common/) into one ESM file,
// out/web/cli.mjs, so `npm run serve`, `npm start`'s browser fallback, the benches and the e2e stack start plain
// Node on compiled code instead of compiling TypeScript with tsx at every start.
//
//   node scripts/build-web-host.mjs              build
//   node scripts/build-web-host.mjs --if-stale   build only when out/web/cli.mjs is missing or older than a source
//   node scripts/build-web-host.mjs --outfile F  build into F instead (tests)
//   node scripts/build-web-host.mjs --entry E --outfile F   bundle another desk-side entry E the same way (benches)
//
// The pure-JS packages (zod, ws, libphonenumber-js, chinese-days' table) are bundled too: resolving and linking
// zod's hundred-odd ESM files and parsing CommonJS for named exports was about 40% of a start (measured: ~420 ms
// to the URL with packages external, ~250 ms bundled, empty profile, 2 cores). The cache's SQLite
// (better-sqlite3-multiple-ciphers) stays external: it is native, and Electron loads another build of it. The file sits two folders below the project root as
// main/web/cli.ts does, so main/web/run.ts still finds out/renderer from import.meta.dirname.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { newestMtime } from './lib.mjs';

const root = resolve(import.meta.dirname, '..');
export const WEB_HOST_ENTRY = join(root, 'main', 'web', 'cli.ts');
export const WEB_HOST_OUTPUT = join(root, 'out', 'web', 'cli.mjs');
/** The bundle's inputs as written by its build (project-relative paths), to tell when it is stale. */
const inputsFileOf = (outfile) => outfile.replace(/\.mjs$/, '.inputs.json');
/** Folders the host's code can come from; a new file there may be a new import. */
const SOURCE_DIRS = ['main', 'common'];
/** Rewritten by every npm install (package files keep their tarballs' old mtimes, so they cannot tell). */
const INSTALL_STAMP = join(root, 'node_modules', '.package-lock.json');
/** Native: loaded from node_modules at run time (and rebuilt for Electron's ABI on the desktop). */
const EXTERNAL = ['better-sqlite3-multiple-ciphers'];

/** Why the built host must be rebuilt, or null when it is up to date. */
export function webHostStaleReason() {
  const inputsFile = inputsFileOf(WEB_HOST_OUTPUT);
  if (!existsSync(WEB_HOST_OUTPUT) || !existsSync(inputsFile)) return 'not built yet';
  const builtAt = statSync(WEB_HOST_OUTPUT).mtimeMs;
  // Any change under main/ or common/ (tests included: cheap to over-build, costly to run stale code), and this
  // script itself, which decides how the bundle is made.
  const sources = Math.max(
    existsSync(INSTALL_STAMP) ? statSync(INSTALL_STAMP).mtimeMs : 0,
    ...SOURCE_DIRS.map((d) => newestMtime(join(root, d))),
    statSync(import.meta.filename).mtimeMs,
  );
  if (sources > builtAt) return 'sources changed';
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return 'inputs list unreadable';
  }
  // Each input too: a package file replaced or removed (a reinstall that kept the stamp's time) shows here.
  for (const input of inputs) {
    const path = join(root, input);
    if (!existsSync(path) || statSync(path).mtimeMs > builtAt) return `${input} changed`;
  }
  return null;
}

/**
 * Bundles main/web/cli.ts into `outfile` (with its .map and .inputs.json beside it). Another `outfile` is for
 * tests; it must sit two folders below a folder holding out/renderer, as out/web/cli.mjs does below the root.
 */
export function buildWebHost(outfile = WEB_HOST_OUTPUT) {
  return bundleForNode(WEB_HOST_ENTRY, outfile);
}

/**
 * Bundles a Node entry that runs desk-host code (main/, common/) the way the shipped host is built: the browser
 * host here, and a bench's desk process (tests/bench/sync/initial-desk.ts), which must not carry a TypeScript
 * loader the product does not have.
 */
export async function bundleForNode(entry, outfile) {
  const { build } = await import('esbuild');
  // Stamped on the output as its mtime: a source saved while the build ran is newer, so the next check rebuilds.
  const startedAt = new Date();
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.11',
    external: EXTERNAL,
    // Bundled CommonJS (ws) calls require() for Node's built-ins, which an ES module lacks.
    banner: {
      js: "import { createRequire as __deskCreateRequire } from 'node:module'; const require = __deskCreateRequire(import.meta.url);",
    },
    // Whitespace and syntax only: names stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const files = [
    ...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
    { path: inputsFileOf(outfile), contents: `${JSON.stringify(inputs, null, 1)}\n` },
  ];
  // The code file last, after its map and inputs list: its mtime is what webHostStaleReason compares.
  files.sort((a, b) => Number(a.path === outfile) - Number(b.path === outfile));
  mkdirSync(dirname(outfile), { recursive: true });
  // Each file is written beside its target, then renamed: a host starting (or another build running) meanwhile
  // sees the old file or the new one, never half of one.
  for (const { path, contents } of files) {
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, contents);
    if (path === outfile) utimesSync(temp, startedAt, startedAt);
    renameSync(temp, path);
  }
  return relative(root, outfile);
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  let values;
  try {
    ({ values } = parseArgs({
      options: { 'if-stale': { type: 'boolean' }, outfile: { type: 'string' }, entry: { type: 'string' } },
    }));
    if (values.entry !== undefined && values.outfile === undefined) throw new Error('--entry needs --outfile');
  } catch (err) {
    console.error(
      `${err.message}\nusage: node scripts/build-web-host.mjs [--if-stale] [--entry FILE] [--outfile FILE]`,
    );
    process.exit(2);
  }
  if (values.entry !== undefined) {
    bundleForNode(resolve(values.entry), resolve(values.outfile)).then(
      (file) => console.log(`Bundled ${values.entry}: ${file}`),
      (err) => {
        console.error(`Bundling ${values.entry} failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  } else {
    const reason = values.outfile === undefined ? webHostStaleReason() : 'another output';
    if (values['if-stale'] && reason === null) process.exit(0);
    const started = performance.now();
    buildWebHost(values.outfile === undefined ? undefined : resolve(values.outfile)).then(
      (file) =>
        console.log(
          `Built the browser host: ${file} (${reason ?? 'forced'}, ${(performance.now() - started).toFixed(0)} ms)`,
        ),
      (err) => {
        console.error(`Building the browser host failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  }
}
