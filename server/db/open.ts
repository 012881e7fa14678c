/** Picks the storage: PostgreSQL when a URL is given, otherwise PGlite in a data directory (or memory). */
import type { Db } from './driver';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export interface OpenDbOptions {
  url?: string;
  dataDir?: string | 'memory';
}

export function openDb({ url, dataDir = 'memory' }: OpenDbOptions): Promise<Db> {
  return url ? openPostgres(url) : openPglite(dataDir);
}
