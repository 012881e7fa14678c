/** Picks the storage: PostgreSQL when a URL is given, otherwise PGlite in a data directory (or memory). */
import type { Db } from './driver';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export interface OpenDbOptions {
  url?: string;
  dataDir?: string | 'memory';
  /** PGlite only: start from this dump of a data directory (see openPglite). */
  loadDataDir?: Blob;
}

export function openDb({ url, dataDir = 'memory', loadDataDir }: OpenDbOptions): Promise<Db> {
  return url ? openPostgres(url) : openPglite(dataDir, loadDataDir);
}
