/** What a lookup-box text asks for: a room, a phone number, a name — or, for "1203", both a room and a phone. */
import { parsePhoneQuery, type PhoneQuery } from './phone';
import { parseRoomQuery, type RoomQuery } from './room';
import { normalizeInput } from './text';

export interface LookupQuery {
  room: RoomQuery | null;
  phone: PhoneQuery | null;
  /** A name prefix ("张", "张伟"); never set together with room or phone. */
  name: string | null;
}

const HAS_WORD_CHAR = /[\p{L}]/u;

export function parseLookupQuery(text: string): LookupQuery {
  const t = normalizeInput(text);
  if (!t) return { room: null, phone: null, name: null };
  const room = parseRoomQuery(t);
  // A dashed or worded room ("1-502", "3栋1单元502") is no phone number; bare digits may be either.
  const roomWritten = room !== null && !/^\d+$/.test(t);
  const phone = roomWritten ? null : parsePhoneQuery(t);
  const name = !room && !phone && HAS_WORD_CHAR.test(t) ? t : null;
  return { room, phone, name };
}
