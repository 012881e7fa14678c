/**
 * The desk host: composes the local cache, the central client, the session and the sync engine into the
 * DeskApi handlers (DESIGN.md §3). Transport-free: the Electron shell and the browser host both wrap it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createRepos, openCache } from './cache';
import { createBulkLoad } from './cache/bulk-load';
import { checkpointInWorker } from './cache/checkpoint';
import { loadCacheKey } from './cache/key';
import { createDuplicateQuery } from './cache/duplicates';
import type { Rebound } from './cache/identity';
import { bindToServer, bindToUser, normalizeServerUrl } from './cache/identity';
import { CentralClient } from './central';
import { createEventHub } from './events';
import type { EventPayload } from '../common/contract';
import type { SyncStatus } from '../common/sync';
import type { DeskHost, DeskHostOptions } from './host';
import { createKeyFileSecretStore } from './secrets/key-file';
import { createSessionService } from './session';
import { requireSignedIn } from './session-guard';
import { createSyncEngine, type SyncEngineOptions } from './sync/engine';
import { createHistoryFetch } from './sync/history-fetch';
import { createLiveClient, type LiveOptions } from './sync/live';
import { createOutbox } from './sync/outbox';
import { createRebaser } from './sync/rebase';
import { createTicketShadow } from './sync/shadow';
import { createCallService } from './services/call';
import { createCallerIdLookup } from './cti/caller-id';
import { createDeskPhone } from './cti/phone';
import { createResidentRepo } from './cache/residents';
import { createKpiHandlers } from './services/kpi';
import { createPrivacyHandlers } from './services/privacy';
import { createAssignmentService } from './services/assignment';
import { createPhoneReveal } from './privacy/reveal';
import { createResidentsSync, type ResidentsSyncOptions } from './sync/residents';
import { createSlaSettingsSync } from './sync/sla-settings';
import { createTicketService } from './services/ticket';
import { createFirstSyncReads } from './services/first-sync-reads';
import { createKioskService, isLobbySession } from './services/kiosk';
import { createLeadService } from './lead/service';

const LOGOUT_FLUSH_MS = 3_000;

export interface DeskOptions extends DeskHostOptions {
  sync?: SyncEngineOptions;
  /** Per-request limit for the central API (ms). */
  requestTimeoutMs?: number;
  /** The central client's HTTP transport (tests inject network faults); default: global fetch. */
  fetch?: typeof fetch;
  /** The live socket (pokes to pull): its reconnect timings and state callback; false turns it off. */
  live?: LiveOptions | false;
  /** The residents directory download (page size, interval, backoff). */
  residents?: ResidentsSyncOptions;
}

export async function createDesk(opts: DeskOptions): Promise<DeskHost> {
  const serverUrl = normalizeServerUrl(opts.serverUrl);
  const secrets = opts.secrets ?? createKeyFileSecretStore(opts.profileDir);
  const cacheKey = loadCacheKey(opts.profileDir, secrets);
  const nativeBinding = opts.sqliteNativeBinding;
  const repos = createRepos(openCache(opts.profileDir, { key: cacheKey, nativeBinding }));
  warnIfReset('another server', bindToServer(repos.db, repos.meta, serverUrl));

  const hub = createEventHub((err) => console.error('[desk] event listener failed:', err));
  const central = new CentralClient(serverUrl, { timeoutMs: opts.requestTimeoutMs, fetch: opts.fetch });
  const session = createSessionService({
    meta: repos.meta,
    staff: repos.staff,
    central,
    phoneHash: repos.phoneHash,
    serverUrl,
    secrets,
    onAuthenticated: (user) => warnIfReset('another user', bindToUser(repos.db, repos.meta, user.id)),
  });
  const actorId = () => session.user()?.id ?? null;

  const shadow = createTicketShadow(repos.db, repos.tickets);
  // SLA settings (issue 4 item 2): the server's policy, cached for offline optimistic SLA fields.
  const slaSettings = createSlaSettingsSync({
    central,
    meta: repos.meta,
    onChange: () => hub.emit('settings.changed', {}),
  });
  const bulkLoad = createBulkLoad(repos.db, repos.meta, {
    checkpoint: () => checkpointInWorker({ file: repos.db.name, key: cacheKey, nativeBinding }),
    onError: (err) => console.warn('[desk] background WAL checkpoint failed; SQLite checkpoints on its own:', err),
  });
  const outbox = createOutbox(repos.db, repos.tickets, shadow, {
    sla: () => slaSettings.context(),
    // The shared ticket rules check the signed-in user's role and team, as the server will.
    actor: () => session.user(),
    phoneHash: repos.phoneHash.hash,
  });
  const sync = createSyncEngine(
    {
      central,
      meta: repos.meta,
      outbox,
      rebaser: createRebaser(repos, outbox, shadow),
      bulkLoad,
      emit: hub.emit,
      actorId,
      onWorkingSet: () => tickets.refreshCounts(),
      onUnauthorized: () => {
        live?.stop();
        // The session is gone: their fetches would only be refused (and log it) until the next login.
        residentsSync.stop();
        slaSettings.stop();
        hub.emit('session.changed', session.clear());
      },
    },
    opts.sync,
  );
  // A poke, or a (re)connect that may have missed some, pulls now; the interval poll only covers lost pokes.
  const live =
    opts.live === false
      ? null
      : createLiveClient(
          {
            serverUrl,
            token: () => session.token(),
            clientId: () => repos.meta.clientId(),
            onPoke: () => sync.poke(),
            onMessage: (message) => {
              phone.onLive(message);
              kiosk.onLive(message);
              assignment.onLive(message);
            },
            onOpen: () => sync.poke(),
            // The server did not take the connection: a pull tells offline from a hiccup at once.
            onUnreachable: () => sync.poke(),
            // The engine's next request confirms the 401 and clears the session.
            onUnauthorized: () => sync.poke(),
          },
          opts.live,
        );
  const calls = createCallService({
    calls: repos.calls,
    outbox,
    actorId,
    onLocalChange: () => sync.schedulePush(),
  });
  const announceTicket = (id: string) => hub.emit('tickets.changed', { ids: [id] });
  /** The first sync has not filled the cache yet: no cursor, or an initial pull still under way (./sync/engine). */
  const firstSyncFilling = () =>
    session.user() !== null && (repos.meta.get('pull_cursor') === null || repos.meta.get('initial_sync') !== null);
  const historyFetch = createHistoryFetch({
    central,
    history: repos.history,
    onFetched: announceTicket,
    // The open detail reads again and says the history cannot be fetched (it would say "loading" until a change).
    onRefused: announceTicket,
  });
  const tickets = createTicketService({
    tickets: repos.tickets,
    outbox,
    actorId,
    onLocalChange: (id) => {
      announceTicket(id);
      sync.schedulePush();
    },
    history: {
      isMissing: (id) => repos.history.isMissing(id),
      request: (id) => historyFetch.request(id),
      refusal: (id) => historyFetch.refusal(id),
    },
    bulkLoading: () => bulkLoad.active(),
    filling: firstSyncFilling,
  });
  const firstSyncReads = createFirstSyncReads({ central, tickets: repos.tickets, filling: firstSyncFilling });

  // Intake (issue 4 item 5): the residents directory follows sync cycles that reached the server.
  const residents = createResidentRepo(repos.db, repos.phoneHash.hash);
  const duplicates = createDuplicateQuery(repos.db, repos.tickets);
  const residentsSync = createResidentsSync(
    { central, residents, onChange: () => hub.emit('residents.changed', {}) },
    opts.residents,
  );
  hub.subscribe((event, payload) => {
    if (event === 'sync.status') residentsSync.onSyncStatus(payload as SyncStatus);
  });
  hub.subscribe((event, payload) => {
    if (event === 'sync.status') slaSettings.onSyncStatus(payload as SyncStatus);
  });
  // A session without the phone hash secret yet (its login's fetch failed) asks again once the server answers.
  hub.subscribe((event, payload) => {
    if (event === 'sync.status' && (payload as SyncStatus).state === 'online') void session.ensurePhoneHashKey();
  });
  // Auto-assignment and escalation (issue 12 item 2): online settings, escalations announced from the live socket.
  const assignment = createAssignmentService({ central, emit: (p) => hub.emit('assignment.escalated', p) });
  // Reveal (issue 11 §4): whole numbers only from the server, audited, never cached.
  const reveal = createPhoneReveal({
    central,
    signedIn: () => session.user() !== null,
    clientId: () => repos.meta.clientId(),
    pushUnsent: async () => {
      if (outbox.count() === 0) return false;
      await sync.syncNow();
      return true;
    },
  });
  // The phone (issue 10): calls from local adapters and the live socket, presence, callbacks.
  const phone = createDeskPhone({
    repos,
    outbox,
    user: () => session.user(),
    emit: hub.emit,
    schedulePush: () => sync.schedulePush(),
    callerId: createCallerIdLookup(repos.db, repos.phoneHash.hash),
    reveal,
    adapters: opts.phoneAdapters,
    central,
  });
  hub.subscribe((event, payload) => {
    if (event === 'sync.status') phone.onSyncStatus(payload as SyncStatus);
  });
  // The lead board (issue 12): board and bulk moves for leads; everyone hears of tickets moved to or from them.
  const lead = createLeadService({
    repos,
    outbox,
    user: () => session.user(),
    emit: hub.emit,
    onLocalChange: (ids) => {
      hub.emit('tickets.changed', { ids });
      sync.schedulePush();
    },
  });
  hub.subscribe((event, payload) => {
    if (event === 'tickets.changed') lead.onTicketsChanged((payload as EventPayload<'tickets.changed'>).ids);
  });
  // Lobby kiosk and display (issue 12 §4): their sign-in, flows and the queue board's live updates.
  const kiosk = createKioskService({ central, session, serverUrl, emit: hub.emit, live: opts.live });
  // A stored session resumes syncing (and pushes whatever was queued before the restart); a lobby device's syncs
  // nothing (its account may read no ticket), it only listens for the queue.
  kiosk.start();
  if (session.user() && !isLobbySession(session.user())) {
    sync.start();
    live?.start();
    phone.start();
  }

  return {
    // Everything but signing in needs a signed-in session (./session-guard).
    handlers: requireSignedIn(() => session.user() !== null, {
      'session.login': async ({ username, password }) => {
        live?.stop();
        await sync.stop();
        const s = await session.login(username, password);
        residentsSync.start();
        slaSettings.start();
        sync.start(); // the initial pull runs in the background and reports progress in sync.status
        live?.start();
        phone.start();
        hub.emit('session.changed', s);
        return s;
      },
      'session.logout': async () => {
        // Last chance to send queued changes under this user's identity; never hold the logout for long.
        await Promise.race([sync.syncNow(), delay(LOGOUT_FLUSH_MS, undefined, { ref: false })]);
        live?.stop();
        await phone.stop();
        residentsSync.stop();
        slaSettings.stop(); // a fetch the logout overtakes is refused (401): expected, not logged
        await sync.stop();
        const s = await session.logout();
        hub.emit('session.changed', s);
        sync.announce();
        return s;
      },
      'session.me': async () => session.current(),
      'tickets.views': async () => tickets.views(),
      'tickets.list': async (input) => tickets.list(input),
      'tickets.get': async ({ id }) => tickets.get(id) ?? (await firstSyncReads.ticket(id)),
      'tickets.locate': async (input) => tickets.locate(input),
      'tickets.jump': async (input) => {
        const jump = tickets.jump(input);
        return jump.detail ? jump : { detail: await firstSyncReads.ticket(input.id), place: null };
      },
      'tickets.create': async (input) => tickets.create(input),
      'tickets.setStatus': async (input) => tickets.setStatus(input),
      'tickets.assign': async (input) => tickets.assign(input),
      'tickets.comment': async (input) => tickets.comment(input),
      'tickets.edit': async (input) => tickets.edit(input),
      'tickets.tag': async (input) => tickets.tag(input),
      'tickets.delete': async (input) => tickets.delete(input),
      'tickets.search': async ({ q, limit, offset }) =>
        (await firstSyncReads.search(q, { limit, offset })) ?? repos.tickets.searchTickets(q, { limit, offset }),
      'tickets.duplicates': async (probe) => duplicates.find(probe, new Date()),
      'calls.log': async (input) => calls.log(input),
      'calls.recent': async (input) => calls.recent(input),
      'phones.reveal': async (ref) => ({ number: await reveal.view(ref) }),
      'residents.lookup': async ({ q, limit }) => ({
        items: residents.lookup(q, limit),
        directoryEmpty: residents.isEmpty(),
      }),
      'directory.users': async () => repos.staff.users(),
      'directory.teams': async () => repos.staff.teams(),
      'settings.sla': async () => slaSettings.view(),
      'settings.setWeatherAlert': async ({ on }) => slaSettings.setWeatherAlert(on),
      'settings.setYearSchedule': async (schedule) => slaSettings.setYearSchedule(schedule),
      'settings.setLimits': async ({ limits }) => slaSettings.setLimits(limits),
      ...phone.handlers,
      ...lead.handlers,
      ...createPrivacyHandlers({ central, onErased: () => sync.poke() }),
      ...kiosk.handlers,
      ...assignment.handlers,
      ...createKpiHandlers(central),
      'sync.status': async () => sync.status(),
      'sync.now': async () => sync.syncNow(),
      'sync.dismissRejected': async ({ mutationIds }) => {
        outbox.dismissRejected(mutationIds);
        sync.announce();
        return sync.status();
      },
    }),
    subscribe: hub.subscribe,
    async close() {
      if (!repos.db.open) return;
      live?.stop();
      kiosk.stop();
      await phone.stop();
      residentsSync.stop();
      slaSettings.stop();
      await sync.stop();
      await historyFetch.idle();
      await bulkLoad.checkpointed();
      repos.db.close();
    },
  };
}

function warnIfReset(reason: string, rebound: Rebound): void {
  if (rebound.reset) {
    console.warn(
      `[desk] profile was last used with ${reason}: cache reset, ${rebound.dropped} unsent change(s) dropped`,
    );
  }
}
