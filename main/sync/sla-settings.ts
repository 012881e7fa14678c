/**
 * The desk's copy of the server's SLA settings (issue 4 item 2): fetched after sync cycles that reached the
 * server, kept in the cache's meta table so optimistic SLA fields use the server's policy offline too, and
 * changed only through the server (which enforces roles); a refusal comes back with the server's reason.
 */
import type { z } from 'zod';
import {
  DEFAULT_SLA_DOCUMENT,
  SlaSettingsDocument,
  createSlaContextCache,
  slaWarnings,
  type SetSlaLimitsRequest,
  type SlaSettingsView,
  type TicketSlaContext,
  type YearSchedule,
} from '../../common/sla';
import type { SyncStatus } from '../../common/sync';
import type { MetaRepo } from '../cache';
import { CentralError, type CentralClient } from '../central';
import { errorLine } from '../log-line';
import { DeskError } from '../session';

export interface SlaSettingsSyncOptions {
  /** Least time between two fetches triggered by sync cycles (ms); a live poke's cycle may come sooner. */
  minIntervalMs?: number;
  now?: () => Date;
  /** One line per failure worth telling (never a stack); default console.warn. */
  log?: (line: string) => void;
}

export interface SlaSettingsSync {
  /** What applyMutation needs for optimistic SLA fields. */
  context(): TicketSlaContext;
  view(): SlaSettingsView;
  /** Fetches the document now; true when it changed. */
  refresh(): Promise<boolean>;
  /** After each sync cycle that reached the server: fetch, at most once per interval. */
  onSyncStatus(status: SyncStatus): void;
  /** Cancels a scheduled fetch and mutes the answer of one in flight (logout, close) until start(). */
  stop(): void;
  /** After a login: fetches after sync cycles again. */
  start(): void;
  setWeatherAlert(on: boolean): Promise<SlaSettingsView>;
  setYearSchedule(schedule: YearSchedule): Promise<SlaSettingsView>;
  setLimits(limits: z.output<typeof SetSlaLimitsRequest>['limits']): Promise<SlaSettingsView>;
}

function stored(meta: MetaRepo): SlaSettingsDocument {
  const raw = meta.get('sla_settings');
  if (!raw) return DEFAULT_SLA_DOCUMENT;
  try {
    const parsed = SlaSettingsDocument.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_SLA_DOCUMENT;
  } catch {
    return DEFAULT_SLA_DOCUMENT;
  }
}

/** The server's refusal as a desk error the renderer can show: its code and the reasons it gave. */
function refusal(err: unknown): unknown {
  if (!(err instanceof CentralError)) return err;
  if (err.kind === 'offline') return new DeskError('offline', 'The server cannot be reached; nothing was changed.');
  if (err.kind === 'server_error') {
    return new DeskError('server_error', `The server failed (HTTP ${err.status}); nothing was changed.`);
  }
  if (err.kind === 'unauthorized') return new DeskError('unauthenticated', 'Log in again; nothing was changed.');
  const details = err.details;
  let reason = '';
  if (Array.isArray(details)) {
    reason = details
      .map((d: { message?: unknown; path?: unknown }) => {
        const path = Array.isArray(d.path) && d.path.length > 0 ? `${d.path.join('.')}: ` : '';
        return typeof d.message === 'string' ? path + d.message : '';
      })
      .filter(Boolean)
      .join('; ');
  } else if (err.code === 'forbidden') {
    reason = 'your role may not make this change';
  }
  return new DeskError(err.code, reason ? `${err.code}: ${reason}` : err.message);
}

export function createSlaSettingsSync(
  deps: { central: CentralClient; meta: MetaRepo; onChange(): void },
  options: SlaSettingsSyncOptions = {},
): SlaSettingsSync {
  const { central, meta } = deps;
  const minIntervalMs = options.minIntervalMs ?? 2_000;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line) => console.warn(`[sla-settings] ${line}`));
  const contextOf = createSlaContextCache();
  let doc = stored(meta);
  let lastFetch = 0;
  let lastSyncAt: string | null = null;
  let fetching: Promise<boolean> | null = null;
  let trailing: NodeJS.Timeout | null = null;
  /**
   * After stop() (logout, close) until start(): a fetch still in flight must not write to the cache, which the desk
   * may be closing, and its refusal (the token was just revoked: 401) is expected, not worth a log line.
   */
  let stopped = false;

  /** Stores a document from the server; announces it when it differs from the one in use. */
  function adopt(next: SlaSettingsDocument): boolean {
    if (stopped) return false;
    const changed = JSON.stringify(next) !== JSON.stringify(doc);
    doc = next;
    meta.set('sla_settings', JSON.stringify(next));
    meta.set('sla_settings_fetched_at', now().toISOString());
    if (changed) deps.onChange();
    return changed;
  }

  function view(): SlaSettingsView {
    return {
      ...doc,
      warnings: slaWarnings(contextOf(doc).policy, now()),
      fetchedAt: meta.get('sla_settings_fetched_at'),
    };
  }

  function refresh(): Promise<boolean> {
    fetching ??= central
      .slaSettings()
      .then(adopt)
      .finally(() => {
        fetching = null;
        lastFetch = Date.now();
      });
    return fetching;
  }

  async function change(part: 'limits' | 'calendar' | 'weather', body: unknown): Promise<SlaSettingsView> {
    try {
      adopt(await central.putSlaSettings(part, body));
    } catch (err) {
      throw refusal(err);
    }
    return view();
  }

  return {
    context: () => contextOf(doc),
    view,
    refresh,
    onSyncStatus(status) {
      if (stopped || status.state === 'offline' || status.lastSyncAt === null || status.lastSyncAt === lastSyncAt)
        return;
      lastSyncAt = status.lastSyncAt;
      if (trailing) return;
      // Within the interval: fetch once it has passed (a poke about changed settings is never lost).
      const wait = Math.max(0, lastFetch + minIntervalMs - Date.now());
      trailing = setTimeout(() => {
        trailing = null;
        refresh().catch((err: unknown) => {
          if (stopped) return; // signed out (or closing) meanwhile: the refusal is the logout's, not a fault
          // The sync status says so already.
          if (err instanceof CentralError && (err.kind === 'offline' || err.kind === 'server_error')) return;
          // A session that ended elsewhere (revoked token): the sync engine signs the desk out; one line is plenty.
          if (err instanceof CentralError && err.kind === 'unauthorized') log('fetch refused: the session has ended');
          else log(`fetch failed: ${errorLine(err)}`);
        });
      }, wait);
      trailing.unref();
    },
    stop() {
      stopped = true;
      if (trailing) clearTimeout(trailing);
      trailing = null;
    },
    start() {
      stopped = false;
    },
    setWeatherAlert: (on) => change('weather', { on }),
    setYearSchedule: (schedule) => change('calendar', schedule),
    setLimits: (limits) => change('limits', { limits }),
  };
}
