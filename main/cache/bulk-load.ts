/**
 * Bulk-load mode for an initial sync into an empty cache (issue 3, budget 5 s for 100k tickets).
 *
 * Writing 100k tickets row by row into a table with ten secondary indexes and a trigram FTS index costs about ten
 * times a plain insert: every row touches every B-tree at a random place. So while the cache's `tickets` table is
 * being filled from empty, its secondary indexes (but KEPT_INDEXES) and triggers are dropped (their SQL kept in
 * `meta`), and `finish` puts them back: each index built once from sorted data, then the triggers. Only the indexes the console's views
 * and counts need come back before the sync reports done; `completeInBackground` then builds the rest
 * (DEFERRED_INDEXES) and fills what is left of the search index in rowid slices, yielding to the event loop in
 * between. Until it ends those queries answer correctly, only more slowly (search by LIKE, the others by scanning).
 *
 * The search index is most of that work (~5 s of the desk's thread at 100k tickets), and during the sync the desk
 * waits for the server's next page now and then (little when the server shares its cores, as on the bench machine;
 * more against a server elsewhere): `fillWhile` fills the index in small slices in those waits (the page, once it
 * arrives, waits for one slice at most). Only the search indexes' insert triggers are
 * dropped for that: their update and delete triggers stay, so a row already indexed that changes or goes later in
 * the load is re-indexed or removed as it would be outside a bulk load, and one not indexed yet is indexed by its
 * update trigger (the fill's NOT EXISTS then skips it).
 *
 * The log then holds the whole new cache (checkpoints are off while loading): with `checkpoint` given, a worker
 * copies it into the database file (./checkpoint) while this connection goes on, and automatic checkpoints come
 * back once it is done.
 *
 * Crash safety: the dropped definitions are in `meta` from the same transaction that dropped them, so a restart in
 * the middle still knows what to rebuild; every step of `finish` checks what already exists and can run again.
 * Queries stay correct without the indexes (only slower), and search falls back to its LIKE scan until the search
 * index is complete (`searchReady`).
 */
import type { CacheDb } from './db';
import type { MetaRepo } from './meta';
import { SHORT_INDEX_COLUMNS, shortIndexValues } from './migrations/007_short_term_search';

interface SchemaObject {
  type: 'index' | 'trigger';
  name: string;
  sql: string;
}

/**
 * Indexes no view list or count uses, built after the sync reports done (about a quarter of the rebuild): jumping
 * to a ticket by code, duplicate detection at intake, 1–2 character search, caller-ID's earlier tickets and search
 * by a whole phone number.
 */
const DEFERRED_INDEXES: ReadonlySet<string> = new Set([
  'tickets_by_code',
  'tickets_by_unit_category',
  'tickets_by_open',
  'tickets_by_phone_resident',
  'tickets_by_phone_hash',
]);

/**
 * Kept while loading: the index of the view the console opens on (the renderer's FIRST_VIEW, `inbox`: open tickets
 * by deadline). Without it each page of that list sorts the whole table (0.3–1.2 s at 100k tickets on a loaded
 * machine, on the desk's event loop) while the agent scrolls it during the sync; with it, tens of ms. Keeping one
 * B-tree up to date costs the load far less than the indexes it still drops.
 */
const KEPT_INDEXES: ReadonlySet<string> = new Set(['tickets_by_open_sla']);

/**
 * Kept while loading: the search indexes' update and delete triggers (see above). A bulk load begun by an older
 * desk dropped them too; then the index is filled only after `finish`, as it was.
 */
const KEPT_TRIGGERS: ReadonlySet<string> = new Set([
  'tickets_fts_update',
  'tickets_fts_delete',
  'tickets_fts_short_update',
  'tickets_fts_short_delete',
]);

/** Rows of the search index filled per transaction while finishing (the event loop runs between slices). */
const FTS_SLICE_ROWS = 1_000;

/** Rows per slice filled while the sync waits for a page: ~5–10 ms of the desk's thread, what a keypress may wait. */
const FTS_WAIT_SLICE_ROWS = 100;

export interface BulkLoad {
  /** Enters bulk-load mode if `tickets` is empty and it is not on already; returns whether it is on. */
  begin(): boolean;
  /** Whether the tickets table is without its indexes and triggers right now. */
  active(): boolean;
  /**
   * Rebuilds what `begin` dropped (the views' indexes, then the triggers) but DEFERRED_INDEXES; a no-op when not in
   * bulk-load mode.
   */
  finish(signal?: AbortSignal): Promise<void>;
  /**
   * Builds DEFERRED_INDEXES, then fills the search index for the rows loaded without it, in slices; run after
   * `finish` (it relies on the triggers being back), while the console is in use.
   */
  completeInBackground(signal?: AbortSignal): Promise<void>;
  /**
   * Fills the search index in small slices until `waiting` settles (or the index has caught up with the rows
   * loaded so far), then settles as `waiting` does. A pass-through when not in bulk-load mode.
   */
  fillWhile<T>(waiting: Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Whether `completeInBackground` has work left (also after a restart). */
  backgroundPending(): boolean;
  /** False while the search index is missing rows (between `begin` and the end of `completeInBackground`). */
  searchReady(): boolean;
  /** Settles when the background checkpoint `finish` started (if any) has ended. */
  checkpointed(): Promise<void>;
}

export interface BulkLoadOptions {
  /** Checkpoints the log from elsewhere (a worker); without it this connection resumes automatic checkpoints. */
  checkpoint?: () => Promise<unknown>;
  /** Where a failed background checkpoint is reported (the connection's own checkpoints take over). */
  onError?: (err: unknown) => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createBulkLoad(db: CacheDb, meta: MetaRepo, options: BulkLoadOptions = {}): BulkLoad {
  const anyTicket = db.prepare<[], { one: number }>('SELECT 1 AS one FROM tickets LIMIT 1');
  // Explicit indexes and triggers only: the primary key's automatic index (sql IS NULL) stays, upserts need it.
  const ticketObjects = db.prepare<[], SchemaObject>(
    `SELECT type, name, sql FROM sqlite_master
      WHERE tbl_name = 'tickets' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`,
  );
  const exists = db.prepare<[string, string], { one: number }>(
    'SELECT 1 AS one FROM sqlite_master WHERE type = ? AND name = ?',
  );
  const maxRowid = db.prepare<[], { max: number | null }>('SELECT max(rowid) AS max FROM tickets');
  // NOT EXISTS: a ticket written after the triggers came back is already indexed (by its trigger).
  const fillSlice = db.prepare<[number, number]>(
    `INSERT INTO tickets_fts (rowid, code, title, description, resident_name, phone, unit_code)
     SELECT t.rowid, t.code, t.title, t.description, t.resident_name, t.phone, t.unit_code FROM tickets t
      WHERE t.rowid > ? AND t.rowid <= ? AND NOT EXISTS (SELECT 1 FROM tickets_fts f WHERE f.rowid = t.rowid)`,
  );
  // The short-term (bigram) index of migration 007, filled in the same slices with the same guard.
  const fillShortSlice = db.prepare<[number, number]>(
    `INSERT INTO tickets_fts_short (${SHORT_INDEX_COLUMNS})
     SELECT ${shortIndexValues('t')} FROM tickets t
      WHERE t.rowid > ? AND t.rowid <= ? AND NOT EXISTS (SELECT 1 FROM tickets_fts_short f WHERE f.rowid = t.rowid)`,
  );

  const dropped = (): SchemaObject[] | null => {
    const stored = meta.get('bulk_load');
    return stored === null ? null : (JSON.parse(stored) as { dropped: SchemaObject[] }).dropped;
  };
  const deferred = (): SchemaObject[] | null => {
    const stored = meta.get('bulk_deferred');
    return stored === null ? null : (JSON.parse(stored) as SchemaObject[]);
  };
  /**
   * SQLite gives a new row the largest rowid plus one: once the top row is deleted, a later insert can take a rowid
   * the fill has passed, and without its insert trigger it would never be indexed. This connection-only trigger
   * moves the fill's position back to the new top whenever the top row goes, while the insert triggers are away.
   */
  const watchTopRowid = () =>
    db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS bulk_load_fill_rewind AFTER DELETE ON main.tickets
      WHEN old.rowid > (SELECT coalesce(max(rowid), 0) FROM main.tickets) BEGIN
        UPDATE main.meta SET value = json_object('after',
          min(json_extract(value, '$.after'), (SELECT coalesce(max(rowid), 0) FROM main.tickets)))
         WHERE key = 'fts_fill';
      END`);
  /** Out of bulk-load mode, with what is still to build recorded in the same transaction. */
  const leaveBulkLoad = db.transaction((later: SchemaObject[]) => {
    meta.set('bulk_deferred', later.length > 0 ? JSON.stringify(later) : null);
    meta.set('bulk_load', null);
    db.exec('DROP TRIGGER IF EXISTS temp.bulk_load_fill_rewind');
  });

  const beginTx = db.transaction((): boolean => {
    if (dropped() !== null) return true;
    if (anyTicket.get()) return false;
    const objects = ticketObjects.all().filter((o) => !KEPT_INDEXES.has(o.name) && !KEPT_TRIGGERS.has(o.name));
    meta.set('bulk_load', JSON.stringify({ dropped: objects }));
    meta.set('fts_fill', JSON.stringify({ after: 0 }));
    for (const o of objects) db.exec(`DROP ${o.type === 'index' ? 'INDEX' : 'TRIGGER'} IF EXISTS "${o.name}"`);
    return true;
  });

  const restore = db.transaction((o: SchemaObject) => {
    if (!exists.get(o.type, o.name)) db.exec(o.sql);
  });

  /** Indexes the rows after `after` up to `end`; `complete`: they are the last rows without their trigger. */
  const fillTx = db.transaction((after: number, end: number, complete: boolean): number => {
    fillSlice.run(after, end);
    fillShortSlice.run(after, end);
    meta.set('fts_fill', complete ? null : JSON.stringify({ after: end }));
    return end;
  });
  const filledUpTo = (): number | null => {
    const fill = meta.get('fts_fill');
    return fill === null ? null : (JSON.parse(fill) as { after: number }).after;
  };
  /** Whether the search index may be filled before `finish`: the load kept the update and delete triggers. */
  const fillableWhileLoading = (): boolean =>
    [...KEPT_TRIGGERS].every((name) => exists.get('trigger', name) !== undefined);

  // No checkpoints while loading: the WAL takes each page's newest copy once at the end instead of copying the
  // primary key's hot pages into the database file again and again. (A per-connection setting: set again on open.)
  const quietCheckpoints = () => db.pragma('wal_autocheckpoint = 0');
  const resumeCheckpoints = () => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  if (dropped() !== null) {
    quietCheckpoints();
    watchTopRowid();
  }
  let checkpointing: Promise<void> = Promise.resolve();

  /** A slice of rebuild work: it can be redone after a crash, so it need not wait for an fsync. */
  const relaxed = <T>(work: () => T): T => {
    db.pragma('synchronous = NORMAL');
    try {
      return work();
    } finally {
      db.pragma('synchronous = FULL');
    }
  };

  /** One object per transaction, the event loop running in between. */
  const restoreEach = async (objects: SchemaObject[], signal?: AbortSignal) => {
    for (const o of objects) {
      relaxed(() => restore(o));
      await yieldToEventLoop();
      signal?.throwIfAborted();
    }
  };

  return {
    begin() {
      const on = beginTx();
      if (on) {
        quietCheckpoints();
        watchTopRowid();
      }
      return on;
    },
    active: () => dropped() !== null,
    searchReady: () => meta.get('fts_fill') === null,
    async finish(signal) {
      const objects = dropped();
      if (objects !== null) {
        const later = objects.filter((o) => DEFERRED_INDEXES.has(o.name));
        // Indexes first (one sort each), triggers last: from then on every write keeps the search index current.
        const now = objects
          .filter((o) => !DEFERRED_INDEXES.has(o.name))
          .sort((a, b) => (a.type === b.type ? 0 : a.type === 'index' ? -1 : 1));
        await restoreEach(now, signal);
        // Not worth an fsync of the whole log: lost to a power cut, `finish` runs again and finds it all there.
        relaxed(() => leaveBulkLoad(later));
        const { checkpoint } = options;
        if (!checkpoint) resumeCheckpoints();
        else {
          checkpointing = checkpoint().then(resumeCheckpoints, (err: unknown) => {
            resumeCheckpoints();
            options.onError?.(err);
          });
        }
      }
    },
    async fillWhile(waiting, signal) {
      if (dropped() === null || !fillableWhileLoading()) return waiting;
      let settled = false;
      const result = waiting.finally(() => (settled = true));
      result.catch(() => {}); // the caller gets the rejection; meanwhile it is not an unhandled one
      await Promise.resolve(); // a page already here settles first: it is not held back for a slice
      while (!settled && !signal?.aborted) {
        const after = filledUpTo();
        const loaded = maxRowid.get()?.max ?? 0;
        if (after === null || after >= loaded) break; // caught up with the rows loaded so far
        relaxed(() => fillTx(after, Math.min(loaded, after + FTS_WAIT_SLICE_ROWS), false));
        await yieldToEventLoop();
      }
      return result;
    },
    backgroundPending: () => meta.get('bulk_deferred') !== null || meta.get('fts_fill') !== null,
    async completeInBackground(signal) {
      if (dropped() !== null) throw new Error('completeInBackground before finish: the search triggers are not back');
      const later = deferred();
      if (later !== null) {
        await restoreEach(later, signal);
        meta.set('bulk_deferred', null);
      }
      const resumeAt = filledUpTo();
      if (resumeAt === null) return;
      let after = resumeAt;
      const upTo = maxRowid.get()?.max ?? 0;
      while (after < upTo) {
        const from: number = after;
        const end = Math.min(upTo, from + FTS_SLICE_ROWS);
        after = relaxed(() => fillTx(from, end, end >= upTo));
        await yieldToEventLoop();
        signal?.throwIfAborted();
      }
      meta.set('fts_fill', null);
    },
    checkpointed: () => checkpointing,
  };
}
