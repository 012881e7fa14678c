/**
 * Where a CTI write's change-log rows go: straight into change_log (the CTI endpoints, the sweep), or into the
 * push batch's pending rows (`call.*` and `presence.set` mutations), which push writes in its own order.
 */
import type { SyncEntity } from '../../common/sync';
import type { Queryable } from '../db/driver';
import { recordChange, type PendingChange } from '../sync/changes';

export type LogChange = (entity: SyncEntity, id: string) => Promise<void>;

export function logChangesTo(q: Queryable, pending?: PendingChange[]): LogChange {
  return async (entity, id) => {
    if (pending) pending.push({ entity, id, op: 'put' });
    else await recordChange(q, entity, id);
  };
}
