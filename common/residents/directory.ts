/**
 * The residents directory as the desk caches it (issue 4 item 5): residents with their phones and units,
 * downloaded in pages after a cursor. The cursor is opaque to the desk; the server pages by its own change order.
 *
 * Version 2 (issue 11 §4): a phone travels masked with its keyed hash (common/residents/phone-hash), never as the
 * number; an erased resident travels as a tombstone (its id, `deleted`), which the desk deletes from its cache.
 * A request without `v` (a version-1 desk) gets the masked number as `raw`, no E.164 and no tombstones.
 */
import { z } from 'zod';
import { LogPositionText, queryInt } from '../input';
import { MaskedPhone } from './phone-hash';

export const DIRECTORY_SCHEMA_VERSION = 2;

export const DirectoryUnit = z.object({
  id: z.string(),
  /** building-entrance-room, e.g. "3-1-502"; unique only within a project. */
  code: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  relation: z.string(),
});
export type DirectoryUnit = z.infer<typeof DirectoryUnit>;

export const DirectoryResident = z.object({
  id: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  phones: z.array(MaskedPhone),
  units: z.array(DirectoryUnit),
});
export type DirectoryResident = z.infer<typeof DirectoryResident>;

/** An erased resident: only the id and the flag, so the desk deletes what it holds of them. */
export const DirectoryTombstone = z.strictObject({ id: z.string(), deleted: z.literal(true) });
export type DirectoryTombstone = z.infer<typeof DirectoryTombstone>;

export const DirectoryEntry = z.union([DirectoryTombstone, DirectoryResident]);
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

export function isDirectoryTombstone(entry: DirectoryEntry): entry is DirectoryTombstone {
  return 'deleted' in entry;
}

export const DIRECTORY_PAGE_MAX = 5000;

export const DirectoryQuery = z.object({
  /** "xid:seq" (common/input LogPositionText); absent: from the beginning. */
  cursor: LogPositionText.optional(),
  limit: queryInt(1, DIRECTORY_PAGE_MAX).default(1000),
  /** The desk's DIRECTORY_SCHEMA_VERSION; absent: 1. */
  v: queryInt(1, 1000).default(1),
});
export type DirectoryQuery = z.infer<typeof DirectoryQuery>;

export const DirectoryPage = z.object({
  /** Residents added, changed or erased after the request's cursor, each in its current state. */
  items: z.array(DirectoryEntry),
  /** Where the next request continues (the request's own cursor when nothing changed). */
  cursor: LogPositionText,
  /** More changes wait beyond this page: ask again at once. */
  more: z.boolean(),
});
export type DirectoryPage = z.infer<typeof DirectoryPage>;

/** How a lookup matched a resident: the matched unit ids are listed so the unit picker can start on one. */
export const ResidentMatch = z.object({
  resident: DirectoryResident,
  matchedBy: z.enum(['unit', 'phone', 'name']),
  /** A whole unit code or a whole phone number, not a suffix or a prefix. */
  exact: z.boolean(),
  unitIds: z.array(z.string()),
});
export type ResidentMatch = z.infer<typeof ResidentMatch>;

export const ResidentLookupResult = z.object({
  items: z.array(ResidentMatch),
  /** Nothing downloaded yet: an empty result says nothing about the resident. */
  directoryEmpty: z.boolean(),
});
export type ResidentLookupResult = z.infer<typeof ResidentLookupResult>;

export const RESIDENT_LOOKUP_LIMIT = 20;
