/** The central server as a Fastify instance (no listen): plugins, auth, error shapes and routes. */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuth } from './auth/hook';
import type { LoginLimits } from './auth/login-limits';
import { DEFAULT_SWEEP_LIMITS, type SweepLimits } from '../common/calls/machine';
import { registerCallFanOut } from './cti/live';
import { registerCtiRoutes, type CtiRouteOptions } from './cti/routes';
import { DEFAULT_SWEEP_INTERVAL_MS, scheduleCallSweep } from './cti/sweep';
import type { Db } from './db/driver';
import type { ServerDeps } from './http/context';
import { closeLingeringConnectionsOnStop } from './http/shutdown';
import { registerErrorHandlers } from './http/handlers';
import { fastifyTrustProxy, type TrustProxy } from './http/trust-proxy';
import { registerLive, type LiveOptions } from './live/register';
import { DEFAULT_PERSONAL_DATA_RETENTION_DAYS, scheduleRetention } from './privacy/retention';
import { registerAssignment } from './assignment/register';
import { registerAuditRoutes } from './routes/audit';
import { registerAuthRoutes, type LoginRateLimit } from './routes/auth';
import { registerHealthRoutes } from './routes/health';
import { scheduleRollupUpkeep } from './kpi/rollups';
import { registerKioskRoutes, type KioskRouteOptions } from './routes/kiosk';
import { registerKpiRoutes } from './routes/kpi';
import { registerPrivacyRoutes } from './routes/privacy';
import { registerRevealRoutes } from './routes/reveal';
import { registerResidentRoutes } from './routes/residents';
import { registerSettingsRoutes } from './routes/settings';
import { registerSyncRoutes } from './routes/sync';
import { registerTicketRoutes } from './routes/tickets';
import { createSlaSettingsStore } from './settings/sla-store';
import { DEFAULT_TOMBSTONE_RETENTION_DAYS, scheduleCompaction } from './sync/compact';

export interface BuildServerOptions {
  db: Db;
  logger?: boolean | object;
  now?: () => Date;
  /** Login attempts (right or wrong) per source address; a guard on scrypt time. Tests raise it. */
  loginRateLimit?: LoginRateLimit;
  /** Failed-login limits per account and source, and per source (server/auth/login-limits.ts). */
  loginLimits?: Readonly<LoginLimits>;
  /**
   * Reverse proxies whose X-Forwarded-For names the client (request.ip, which the login limits count by).
   * Default false: the socket's peer address.
   */
  trustProxy?: TrustProxy;
  /** Days a deleted ticket's tombstone is kept before compaction purges it (default 30). */
  tombstoneRetentionDays?: number;
  /**
   * Days after which call records and closed tickets lose their personal fields (default 3 years); the job runs
   * when the server starts and then daily.
   */
  personalDataRetentionDays?: number;
  /** The live socket's timings (poke window, heartbeat); tests shorten them. */
  live?: LiveOptions;
  /** Phone integration (issue 10). */
  cti?: CtiOptions;
  /** Lobby kiosk (issue 12): its wrong-digits limits. */
  kiosk?: KioskRouteOptions;
}

export interface CtiOptions {
  /** Token of the Zammad-compatible endpoint (--cti-token / DESK_CTI_TOKEN); absent: that endpoint answers 422. */
  token?: string | null;
  /** Webhook requests per client address and window (default 20,000 a minute: a busy PBX, the cti bench). */
  rateLimit?: CtiRouteOptions['rateLimit'];
  /** When a call whose hangup never came is ended (default 10 min ringing, 4 h talking). */
  sweepLimits?: Partial<SweepLimits>;
  /** How often the sweep runs (default every minute). */
  sweepIntervalMs?: number;
}

export const BODY_LIMIT_BYTES = 1024 * 1024;

export function buildServer({
  db,
  logger = false,
  now = () => new Date(),
  // A call centre behind one NAT signs in together at the start of a shift: generous per address.
  loginRateLimit = { max: 120, timeWindow: '1 minute' },
  loginLimits,
  trustProxy = false,
  tombstoneRetentionDays = DEFAULT_TOMBSTONE_RETENTION_DAYS,
  personalDataRetentionDays = DEFAULT_PERSONAL_DATA_RETENTION_DAYS,
  live,
  cti = {},
  kiosk,
}: BuildServerOptions): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT_BYTES, trustProxy: fastifyTrustProxy(trustProxy) });
  const deps: ServerDeps = { db, now, slaSettings: createSlaSettingsStore(db, now) };
  app.addHook('onReady', async () => void (await deps.slaSettings.load()));
  registerErrorHandlers(app);
  closeLingeringConnectionsOnStop(app);
  registerAuth(app, deps);
  scheduleCompaction(app, db, { retentionDays: tombstoneRetentionDays, now });
  scheduleRetention(app, db, { retentionDays: personalDataRetentionDays, now });
  scheduleRollupUpkeep(app, deps);
  registerLive(app, deps, live);
  registerCallFanOut(app, db);
  scheduleCallSweep(app, db, {
    limits: { ...DEFAULT_SWEEP_LIMITS, ...cti.sweepLimits },
    now,
    intervalMs: cti.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
  });
  // Routes go in a child plugin so that the rate-limit plugin has loaded before they are declared.
  app.register(rateLimit, { global: false });
  app.register(async (scope) => {
    registerHealthRoutes(scope, deps);
    registerAuthRoutes(scope, deps, loginRateLimit, loginLimits);
    registerTicketRoutes(scope, deps);
    registerResidentRoutes(scope, deps);
    registerPrivacyRoutes(scope, deps);
    registerRevealRoutes(scope, deps);
    registerAuditRoutes(scope, deps);
    registerSyncRoutes(scope, deps);
    registerSettingsRoutes(scope, deps);
    registerKioskRoutes(scope, deps, kiosk);
    registerKpiRoutes(scope, deps);
    registerCtiRoutes(scope, deps, {
      token: cti.token ?? null,
      rateLimit: cti.rateLimit ?? { max: 20_000, timeWindow: '1 minute' },
    });
    registerAssignment(scope, deps);
  });
  return app;
}
