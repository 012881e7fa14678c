/** The pull cursor: opaque to clients, base64url of "<xid>:<seq>" — a position in the change log's order. */
import { HttpError } from '../http/errors';

export interface LogPosition {
  xid: string;
  seq: string;
}

export const LOG_START: LogPosition = { xid: '0', seq: '0' };

export function encodeCursor(p: LogPosition): string {
  return Buffer.from(`${p.xid}:${p.seq}`).toString('base64url');
}

export function decodeCursor(cursor: string | null): LogPosition {
  if (cursor === null) return LOG_START;
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) throw new HttpError(400, 'invalid_cursor');
  return { xid: match[1], seq: match[2] };
}
