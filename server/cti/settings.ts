/**
 * The site's CTI settings: the integration switch (the Zammad-compatible endpoint answers 422 while it is off),
 * the wrap-up (disposition) codes and the after-call time. One JSON document in server_settings (key `cti`,
 * migration 0008), read fresh where it decides something (a handful of rows, no cache to go stale across nodes).
 */
import { z } from 'zod';
import { DEFAULT_DISPOSITIONS } from '../../common/calls/dispositions';
import { DEFAULT_WRAP_UP_SECONDS } from '../../common/calls/presence';
import type { User } from '../../common/domain';
import type { Queryable } from '../db/driver';
import type { Row } from '../db/rows';

const KEY = 'cti';

const Disposition = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a code of lower-case letters, digits and _ (at most 32)');

const Dispositions = z
  .array(Disposition)
  .min(1)
  .max(50)
  .refine((list) => new Set(list).size === list.length, 'codes must be unique');
/** Seconds an agent spends in wrap_up after a call before being available again. */
const WrapUpSeconds = z.number().int().min(0).max(3600);

export const CtiServerSettings = z.object({
  enabled: z.boolean().default(true),
  dispositions: Dispositions.default([...DEFAULT_DISPOSITIONS]),
  wrapUpSeconds: WrapUpSeconds.default(DEFAULT_WRAP_UP_SECONDS),
});
/** What `PUT /api/v1/cti/settings` takes: the fields to change, nothing unknown. */
export const CtiSettingsPatch = z.strictObject({
  enabled: z.boolean().optional(),
  dispositions: Dispositions.optional(),
  wrapUpSeconds: WrapUpSeconds.optional(),
});
export type CtiServerSettings = z.output<typeof CtiServerSettings>;

export const DEFAULT_CTI_SETTINGS: CtiServerSettings = CtiServerSettings.parse({});

export async function readCtiSettings(q: Queryable): Promise<CtiServerSettings> {
  const { rows } = await q.query<Row>('SELECT value FROM server_settings WHERE key = $1', [KEY]);
  const value = rows[0]?.value;
  const parsed = CtiServerSettings.safeParse(typeof value === 'string' ? JSON.parse(value) : (value ?? {}));
  return parsed.success ? parsed.data : DEFAULT_CTI_SETTINGS;
}

export async function writeCtiSettings(q: Queryable, settings: CtiServerSettings, by: User): Promise<void> {
  await q.query(
    `INSERT INTO server_settings (key, value, updated_at, updated_by) VALUES ($1, $2::jsonb, now(), $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = server_settings.version + 1,
       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [KEY, JSON.stringify(settings), by.id],
  );
}
