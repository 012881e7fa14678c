/**
 * The pull cursor: opaque to clients, base64url of "<xid>:<seq>" — a position in the change log's order — or, during
 * a first pull's snapshot (schema 6), of that position followed by where the snapshot stands (./snapshot).
 */
import { decodeBase64Url, encodeBase64Url, type LogPosition } from '../../common/input';
import { parsePullCursor, parseSnapshotCursorText, snapshotCursorText, type SnapshotPosition } from '../../common/sync';
import { HttpError } from '../http/errors';

export type { LogPosition };

export const LOG_START: LogPosition = { xid: '0', seq: '0' };

export function encodeCursor(p: LogPosition): string {
  return encodeBase64Url(`${p.xid}:${p.seq}`);
}

/** A cursor as a position; 400 for anything else, including numbers beyond xid8 or bigint (checked before SQL). */
export function decodeCursor(cursor: string | null): LogPosition {
  if (cursor === null) return LOG_START;
  const position = parsePullCursor(cursor);
  if (!position) throw new HttpError(400, 'invalid_cursor');
  return position;
}

/** The snapshot position a cursor stands for (schema 6), or null for a change-log cursor (or none). */
export function decodeSnapshotCursor(cursor: string | null): SnapshotPosition | null {
  if (cursor === null) return null;
  const text = decodeBase64Url(cursor);
  return text === null ? null : parseSnapshotCursorText(text);
}

export function encodeSnapshotCursor(p: SnapshotPosition): string {
  return encodeBase64Url(snapshotCursorText(p));
}
