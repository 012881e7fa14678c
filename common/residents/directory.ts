/**
 * The residents directory as the desk caches it (issue 4 item 5): residents with their phones and units,
 * downloaded in pages after a cursor. The cursor is opaque to the desk; the server pages by its own change order.
 */
import { z } from 'zod';
import { LogPositionText, queryInt } from '../input';

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
  phones: z.array(z.object({ raw: z.string(), e164: z.string().nullable() })),
  units: z.array(DirectoryUnit),
});
export type DirectoryResident = z.infer<typeof DirectoryResident>;

export const DIRECTORY_PAGE_MAX = 5000;

export const DirectoryQuery = z.object({
  /** "xid:seq" (common/input LogPositionText); absent: from the beginning. */
  cursor: LogPositionText.optional(),
  limit: queryInt(1, DIRECTORY_PAGE_MAX).default(1000),
});
export type DirectoryQuery = z.infer<typeof DirectoryQuery>;

export const DirectoryPage = z.object({
  /** Residents added or changed after the request's cursor, each in its current state. */
  items: z.array(DirectoryResident),
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
