/**
 * A WAL checkpoint run by a worker thread on its own connection to the cache file.
 *
 * After an initial sync's bulk load the write-ahead log holds every page of the new cache (some 100 MB at 100k
 * tickets): checkpoints are off while loading (main/cache/bulk-load). Copying that into the database file took the
 * main thread about half a second, a frozen console right when the agent starts working. A PASSIVE checkpoint from
 * another connection does the same copy without blocking this connection's reads or writes.
 *
 * The worker is a few lines of plain JavaScript (eval) rather than a bundled file, so it runs the same under tsx,
 * vitest, the browser host's esbuild bundle and electron-vite's; the SQLite module is resolved here and handed over,
 * with the statements that unlock the encrypted cache (./cipher).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { cipherPragmas, type CacheKey } from './cipher';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
let answer;
try {
  const Database = require(workerData.module);
  db = new Database(workerData.file, { nativeBinding: workerData.nativeBinding, fileMustExist: true });
  for (const pragma of workerData.unlock) db.pragma(pragma);
  db.pragma('busy_timeout = 5000');
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  answer = { ok: true, result };
} catch (err) {
  answer = { ok: false, message: err instanceof Error ? err.message : String(err) };
} finally {
  // Closed before answering: whoever waits for the answer (the desk's close) finds no connection of ours left.
  try {
    db?.close();
  } catch {}
}
parentPort.postMessage(answer);
`;

export interface CheckpointResult {
  /** 1 when another connection held a lock the checkpoint needed (it then copied what it could). */
  busy: number;
  /** Frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export interface CheckpointTarget {
  /** The cache file (CacheDb.name). */
  file: string;
  key: CacheKey;
  nativeBinding?: string;
}

/** Rejects (never throws) when the worker cannot start: the caller then checkpoints the usual way. */
export function checkpointInWorker({ file, key, nativeBinding }: CheckpointTarget): Promise<CheckpointResult> {
  return new Promise((resolve, reject) => {
    // Resolved here, not at import: a packaging that hides the module costs this optimisation, not the desk's start.
    const sqliteModule = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
    const workerData = { module: sqliteModule, file, nativeBinding, unlock: cipherPragmas(key) };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    let settled = false;
    worker.once('message', (m: { ok: true; result: CheckpointResult } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else reject(new Error(`WAL checkpoint failed: ${m.message}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`WAL checkpoint worker exited (${code}) without an answer`));
    });
  });
}
