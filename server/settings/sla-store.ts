/**
 * The server's SLA settings (issue 4 item 2): one validated JSON document in server_settings, cached in memory
 * with the policy built from it. Changes are validated as a whole (a policy must build from them) before anything
 * is written, audited, and announced on the live channel so consoles fetch them with their next pull. Open tickets'
 * running clocks follow in the same transaction (./sla-recompute).
 */
import type { z } from 'zod';
import type { User } from '../../common/domain';
import {
  DEFAULT_SLA_DOCUMENT,
  SlaSettingsDocument,
  SlaSettingsSchema,
  createSlaContextCache,
  slaPolicy,
  withYearSchedule,
  type TicketSlaContext,
  type YearSchedule,
} from '../../common/sla';
import type { Db, Queryable } from '../db/driver';
import { toIso, type Row } from '../db/rows';
import { HttpError } from '../http/errors';
import { notifyChanges } from '../sync/notify';
import { recomputeRunningClocks } from './sla-recompute';

const KEY = 'sla';
/** Another server node may have changed the settings: re-read them at most this often (ms). */
const RELOAD_AFTER_MS = 30_000;

type Settings = z.output<typeof SlaSettingsSchema>;

export interface SlaSettingsStore {
  /** Reads the stored document (call once before serving; later reads refresh in the background). */
  load(): Promise<SlaSettingsDocument>;
  /** The cached document (defaults until loaded). */
  document(): SlaSettingsDocument;
  /** The policy and weather switch for applyMutation (MutationContext.sla), from the cached document. */
  context(): TicketSlaContext;
  setLimits(user: User, limits: Settings['limits']): Promise<SlaSettingsDocument>;
  setYearSchedule(user: User, schedule: YearSchedule): Promise<SlaSettingsDocument>;
  setWeatherAlert(user: User, on: boolean): Promise<SlaSettingsDocument>;
}

function fromRow(row: Row | undefined): SlaSettingsDocument {
  if (!row) return DEFAULT_SLA_DOCUMENT;
  const value = (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as {
    settings?: unknown;
    weatherAlert?: unknown;
  };
  const parsed = SlaSettingsDocument.safeParse({
    settings: value.settings ?? {},
    weatherAlert: value.weatherAlert === true,
    version: Number(row.version),
    updatedAt: row.updated_at == null ? null : toIso(row.updated_at),
  });
  return parsed.success ? parsed.data : DEFAULT_SLA_DOCUMENT;
}

/** Turns a policy-building failure (limits that break priority order, bad calendar) into a 400. */
function validated(settings: unknown): Settings {
  const parsed = SlaSettingsSchema.safeParse(settings);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', parsed.error.issues);
  try {
    slaPolicy(parsed.data);
  } catch (err) {
    const issues = (err as { issues?: unknown }).issues;
    throw new HttpError(400, 'invalid_request', issues ?? [{ message: String(err) }]);
  }
  return parsed.data;
}

export function createSlaSettingsStore(db: Db, now: () => Date): SlaSettingsStore {
  let doc = DEFAULT_SLA_DOCUMENT;
  let loadedAt = 0;
  let reloading: Promise<unknown> | null = null;
  const contextOf = createSlaContextCache();

  async function read(q: Queryable, forUpdate = false): Promise<SlaSettingsDocument> {
    const { rows } = await q.query<Row>(
      `SELECT value, version, updated_at FROM server_settings WHERE key = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [KEY],
    );
    return fromRow(rows[0]);
  }

  async function load(): Promise<SlaSettingsDocument> {
    doc = await read(db);
    loadedAt = Date.now();
    return doc;
  }

  /** One writer at a time (row lock), the whole new document validated before the write. */
  async function change(
    user: User,
    action: string,
    data: unknown,
    next: (current: SlaSettingsDocument) => { settings: Settings; weatherAlert: boolean },
  ): Promise<SlaSettingsDocument> {
    const at = now().toISOString();
    const saved = await db.tx(async (q) => {
      await q.query(
        `INSERT INTO server_settings (key, value, version, updated_at) VALUES ($1, $2::jsonb, 0, $3)
         ON CONFLICT (key) DO NOTHING`,
        [KEY, JSON.stringify({ settings: {}, weatherAlert: false }), at],
      );
      const current = await read(q, true);
      const value = next(current);
      const { rows } = await q.query<Row>(
        `UPDATE server_settings SET value = $2::jsonb, version = version + 1, updated_at = $3, updated_by = $4
         WHERE key = $1 RETURNING value, version, updated_at`,
        [KEY, JSON.stringify(value), at, user.id],
      );
      const updated = fromRow(rows[0]);
      // Open tickets' running clocks take the new policy in the same transaction (./sla-recompute).
      const recomputed = await recomputeRunningClocks(q, contextOf(updated), new Date(at));
      await q.query(
        `INSERT INTO audit_log (at, actor_id, action, subject, data) VALUES ($1, $2, $3, 'settings.sla', $4::jsonb)`,
        [at, user.id, action, JSON.stringify({ ...(data as object), recomputedClocks: recomputed })],
      );
      await notifyChanges(q, { settings: KEY });
      return updated;
    });
    doc = saved;
    loadedAt = Date.now();
    return saved;
  }

  return {
    load,
    document: () => doc,
    context() {
      if (Date.now() - loadedAt > RELOAD_AFTER_MS && !reloading) {
        reloading = load()
          .catch(() => undefined) // keep serving the last good document
          .finally(() => (reloading = null));
      }
      return contextOf(doc);
    },
    setLimits: (user, limits) =>
      change(user, 'settings.sla.limits', { limits }, (cur) => ({
        settings: validated({ ...cur.settings, limits }),
        weatherAlert: cur.weatherAlert,
      })),
    setYearSchedule: (user, schedule) =>
      change(user, 'settings.sla.calendar', { schedule }, (cur) => {
        let settings: Settings;
        try {
          settings = withYearSchedule(cur, schedule);
        } catch (err) {
          throw new HttpError(400, 'invalid_request', (err as { issues?: unknown }).issues ?? String(err));
        }
        return { settings: validated(settings), weatherAlert: cur.weatherAlert };
      }),
    setWeatherAlert: (user, on) =>
      change(user, 'settings.sla.weather', { on }, (cur) => ({ settings: cur.settings, weatherAlert: on })),
  };
}
