/** The pull cursor: opaque to clients, base64url of "<xid>:<seq>" — a position in the change log's order. */
import { encodeBase64Url, type LogPosition } from '../../common/input';
import { parsePullCursor } from '../../common/sync';
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
