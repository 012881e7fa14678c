/**
 * The site's CTI settings (common/calls/site-settings: the integration switch — the Zammad-compatible endpoint
 * answers 422 while it is off —, the wrap-up codes and the after-call time). One JSON document in server_settings
 * (key `cti`, migration 0008), read fresh where it decides something (one small row; no cache to go stale across
 * server nodes).
 */
import { CtiSiteSettings, DEFAULT_CTI_SITE_SETTINGS } from '../../common/calls/site-settings';
import type { User } from '../../common/domain';
import type { Queryable } from '../db/driver';
import type { Row } from '../db/rows';

const KEY = 'cti';

export async function readCtiSettings(q: Queryable): Promise<CtiSiteSettings> {
  const { rows } = await q.query<Row>('SELECT value FROM server_settings WHERE key = $1', [KEY]);
  const value = rows[0]?.value;
  const parsed = CtiSiteSettings.safeParse(typeof value === 'string' ? JSON.parse(value) : (value ?? {}));
  return parsed.success ? parsed.data : DEFAULT_CTI_SITE_SETTINGS;
}

export async function writeCtiSettings(q: Queryable, settings: CtiSiteSettings, by: User): Promise<void> {
  await q.query(
    `INSERT INTO server_settings (key, value, updated_at, updated_by) VALUES ($1, $2::jsonb, now(), $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = server_settings.version + 1,
       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [KEY, JSON.stringify(settings), by.id],
  );
}
