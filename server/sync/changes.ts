/** The change log pull reads (DESIGN.md §5): every write to a synced entity records one row in its transaction. */
import type { SyncEntity } from '../../common/sync';
import type { Queryable } from '../db/driver';
import { run, type Statement } from '../db/statement';

export type ChangeOp = 'put' | 'del';

export async function recordChange(q: Queryable, entity: SyncEntity, id: string, op: ChangeOp = 'put'): Promise<void> {
  await q.query('INSERT INTO change_log (entity, entity_id, op) VALUES ($1, $2, $3)', [entity, id, op]);
}

/** One statement for many ids (seeding, bulk reassignment); order follows `ids`. */
export async function recordChanges(
  q: Queryable,
  entity: SyncEntity,
  ids: readonly string[],
  op: ChangeOp = 'put',
): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    `INSERT INTO change_log (entity, entity_id, op)
     SELECT $1, id, $3 FROM unnest($2::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n`,
    [entity, ids, op],
  );
}

/** A change-log row not written yet: push collects a batch's rows and writes them with recordChangeRows. */
export interface PendingChange {
  entity: SyncEntity;
  id: string;
  op: ChangeOp;
}

/** One statement for a batch's rows of any entities and ops; order (hence seq order) follows `rows`. */
export async function recordChangeRows(q: Queryable, rows: readonly PendingChange[]): Promise<void> {
  await run(q, changeRowsInsert(rows));
}

/** recordChangeRows' statement (null: no rows). */
export function changeRowsInsert(rows: readonly PendingChange[]): Statement | null {
  if (rows.length === 0) return null;
  return {
    sql: `INSERT INTO change_log (entity, entity_id, op)
     SELECT entity, id, op FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(entity, id, op, n)
     ORDER BY n`,
    params: [rows.map((r) => r.entity), rows.map((r) => r.id), rows.map((r) => r.op)],
  };
}
