/**
 * The profile folder holds residents' data (the cache) and the secrets that open it: only its owner may enter it
 * (0700) or read its files (0600), whatever the umask. Profiles made before this rule are fixed at start.
 */
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the folder if needed and closes it to everyone but its owner: the folder and its subfolders 0700,
 * its files 0600. Subfolders' contents are left alone — behind a 0700 folder nobody else can reach them.
 */
export function secureProfileDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) chmodSync(join(dir, entry.name), PRIVATE_DIR_MODE);
    else if (entry.isFile()) chmodSync(join(dir, entry.name), PRIVATE_FILE_MODE);
  }
}

/** Creates an empty 0600 file unless one exists, so what SQLite creates beside it (-wal, -shm) is 0600 too. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
}

/** Writes `contents` to a new 0600 file; throws EEXIST if `path` exists (another process got there first). */
export function writePrivateFileOnce(path: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temp = `${path}.${process.pid}.tmp`;
  writeDurably(temp, contents);
  try {
    linkSync(temp, path); // atomic, and refuses an existing target: nobody ever reads half a file
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Replaces `path` with a 0600 file holding `contents`: readers see the old file or the new one, never half. */
export function writePrivateFile(path: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temp = `${path}.${process.pid}.tmp`;
  writeDurably(temp, contents);
  renameSync(temp, path);
}

function writeDurably(path: string, contents: Uint8Array | string): void {
  const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, PRIVATE_FILE_MODE); // an existing temp file keeps its old mode through open(…, 'w')
}
