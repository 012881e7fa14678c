/**
 * Room numbers as agents and residents say them: "3-1-502", "3栋1单元502", "3-1-502室", or partly "1-502"
 * (entrance-room) and "502" (room), which match unit codes by suffix. Unit codes are building-entrance-room
 * (DESIGN.md §4).
 */
import { normalizeInput } from './text';

export type RoomQuery =
  /** A whole unit code. */
  | { kind: 'exact'; code: string }
  /** The end of a unit code after a dash: "1-502" matches "3-1-502", "502" matches "3-1-502" and "7-2-502". */
  | { kind: 'suffix'; suffix: string };

const BUILDING = String.raw`(\d{1,3})\s*(?:栋|幢|座|号楼|号|#)`;
const ENTRANCE = String.raw`(\d{1,2})\s*(?:单元|门|-)`;
const ROOM = String.raw`(\d{2,5})\s*(?:室|号|房)?`;

const CHINESE_FULL = new RegExp(`^${BUILDING}\\s*-?\\s*${ENTRANCE}\\s*${ROOM}$`);
const CHINESE_PARTIAL = new RegExp(`^(\\d{1,2})\\s*单元\\s*${ROOM}$`);
const DASHED_FULL = /^(\d{1,3})-(\d{1,2})-(\d{2,5})\s*(?:室|号|房)?$/;
const DASHED_PARTIAL = /^(\d{1,2})-(\d{2,5})\s*(?:室|号|房)?$/;
const ROOM_ONLY = /^(\d{2,5})\s*(?:室|号|房)?$/;

/** Leading zeros are how some people write room numbers ("0502"); codes never carry them. */
const num = (digits: string | undefined): string => String(Number(digits));

export function parseRoomQuery(text: string): RoomQuery | null {
  const t = normalizeInput(text).replace(/\s*-\s*/g, '-');
  let m = CHINESE_FULL.exec(t) ?? DASHED_FULL.exec(t);
  if (m) return { kind: 'exact', code: `${num(m[1])}-${num(m[2])}-${num(m[3])}` };
  m = CHINESE_PARTIAL.exec(t) ?? DASHED_PARTIAL.exec(t);
  if (m) return { kind: 'suffix', suffix: `${num(m[1])}-${num(m[2])}` };
  m = ROOM_ONLY.exec(t);
  // Room numbers have 3–4 digits ("502", "1203"); a bare "12" is more likely the start of something else.
  if (m && m[1] && m[1].length >= 3 && m[1].length <= 4) return { kind: 'suffix', suffix: num(m[1]) };
  return null;
}
