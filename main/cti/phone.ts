/**
 * The desk's phone, composed: settings (per profile), caller-ID, the call center and the local adapters, and the
 * DeskApi handlers for calls, presence and CTI. main/desk.ts wires it in like the other services.
 */
import { randomBytes } from 'node:crypto';
import type { DeskHandlers } from '../../common/contract';
import { CtiSiteSettings, DEFAULT_CTI_SITE_SETTINGS } from '../../common/calls/site-settings';
import type { SyncStatus } from '../../common/sync';
import type { CentralClient } from '../central';
import { CtiSettings, type CtiAdapterStatus, type CtiStatus } from '../../common/calls/pop';
import type { User } from '../../common/domain';
import type { LiveMessage } from '../../common/live';
import { parseMutation } from '../../common/mutations';
import type { CacheRepos } from '../cache';
import type { Emit } from '../events';
import type { PhoneReveal } from '../privacy/reveal';
import type { Outbox } from '../sync/outbox';
import { createCallCenter } from './call-center';
import type { CallerIdLookup } from './caller-id';
import type { SoftphoneControl } from './types';

const SITE_SETTINGS_INTERVAL_MS = 60_000;

type PhoneHandlers = Pick<
  DeskHandlers,
  | 'calls.list'
  | 'calls.active'
  | 'calls.pop'
  | 'calls.answer'
  | 'calls.hangup'
  | 'calls.hold'
  | 'calls.resume'
  | 'calls.dial'
  | 'calls.claimCallback'
  | 'calls.callbackResult'
  | 'calls.wrapUp'
  | 'calls.link'
  | 'calls.dispositions'
  | 'presence.get'
  | 'presence.set'
  | 'cti.status'
  | 'cti.settings'
  | 'cti.setSettings'
>;

/** A local adapter as the phone runs it (main/cti/baresip, ami, local-hook). */
export interface PhoneAdapter {
  readonly name: CtiAdapterStatus['name'];
  status(): CtiAdapterStatus;
  /** Present when the adapter drives a phone (answer, hang up, dial). */
  control?: SoftphoneControl;
  /** The URL softphones call (the local hook). */
  url?: () => string | null;
  stop(): Promise<void>;
}

/** Builds the adapters the settings switch on; each reports events to `report`. */
export type AdapterFactory = (
  settings: CtiSettings,
  context: {
    report: (event: unknown) => void;
    hookSecret: string;
    onStatus: () => void;
    /** The extension this desk's phone answers as (the settings', else the agent's). */
    extension: string | null;
  },
) => PhoneAdapter[];

export interface DeskPhoneDeps {
  repos: CacheRepos;
  outbox: Outbox;
  user(): User | null;
  emit: Emit;
  schedulePush(): void;
  callerId: CallerIdLookup;
  /** Whole numbers for click-to-dial (an audited reveal on the server). */
  reveal: Pick<PhoneReveal, 'dial'>;
  adapters?: AdapterFactory;
  /** Where the site's phone settings come from (absent in tests that need none). */
  central?: Pick<CentralClient, 'ctiSettings'>;
}

export interface DeskPhone {
  handlers: PhoneHandlers;
  onLive(message: LiveMessage): void;
  onSyncStatus(status: SyncStatus): void;
  /** Starts the adapters (after login, or at start with a stored session). */
  start(): void;
  stop(): Promise<void>;
}

export function createDeskPhone(deps: DeskPhoneDeps): DeskPhone {
  const { repos, emit } = deps;
  let adapters: PhoneAdapter[] = [];

  function settings(): CtiSettings {
    const stored = repos.meta.get('cti_settings');
    const parsed = CtiSettings.safeParse(stored ? JSON.parse(stored) : {});
    return parsed.success ? parsed.data : CtiSettings.parse({});
  }
  function hookSecret(): string {
    let secret = repos.meta.get('cti_hook_secret');
    if (!secret) {
      secret = randomBytes(24).toString('base64url');
      repos.meta.set('cti_hook_secret', secret);
    }
    return secret;
  }
  function status(): CtiStatus {
    return {
      adapters: adapters.map((a) => a.status()),
      canControl: adapters.some((a) => a.control && a.status().state === 'connected'),
      hookUrl: adapters.find((a) => a.url)?.url?.() ?? null,
    };
  }
  const announce = () => emit('cti.status', status());

  const center = createCallCenter({
    repos,
    outbox: deps.outbox,
    user: deps.user,
    emit,
    schedulePush: deps.schedulePush,
    callerId: deps.callerId,
    phoneHash: repos.phoneHash.hash,
    reveal: deps.reveal,
    wrapUpSeconds: () => siteSettings().wrapUpSeconds,
    softphone: () => adapters.find((a) => a.control && a.status().state === 'connected')?.control ?? null,
    settings,
  });

  async function stopAdapters(): Promise<void> {
    const running = adapters;
    adapters = [];
    await Promise.all(running.map((a) => a.stop().catch(() => {})));
  }
  function start(): void {
    if (!deps.adapters || adapters.length > 0) return;
    adapters = deps.adapters(settings(), {
      report: (event) => center.report(event as never),
      hookSecret: hookSecret(),
      onStatus: announce,
      extension: settings().extension ?? deps.user()?.extension ?? null,
    });
    announce();
  }

  function siteSettings(): CtiSiteSettings {
    const stored = repos.meta.get('cti_site_settings');
    const parsed = stored ? CtiSiteSettings.safeParse(JSON.parse(stored)) : null;
    return parsed?.success ? parsed.data : DEFAULT_CTI_SITE_SETTINGS;
  }
  let lastSyncAt: string | null = null;
  let lastFetch = 0;
  /**
   * After a sync cycle that reached the server: a pull may have brought colleagues' presence and calls (missed
   * calls, callbacks claimed elsewhere, a wrap-up the server ended), so the renderer asks again; and at most once
   * a minute, the site's wrap-up codes and time.
   */
  function onSyncStatus(status: SyncStatus): void {
    if (status.state === 'offline' || !status.lastSyncAt || status.lastSyncAt === lastSyncAt) return;
    lastSyncAt = status.lastSyncAt;
    emit('presence.changed', center.presence());
    emit('calls.changed', {});
    if (!deps.central || Date.now() - lastFetch < SITE_SETTINGS_INTERVAL_MS) return;
    lastFetch = Date.now();
    deps.central
      .ctiSettings()
      .then((site) => repos.meta.set('cti_site_settings', JSON.stringify(site)))
      .catch(() => {}); // offline or signed out: the cached settings (or the defaults) stay in force
  }

  return {
    onLive: (message) => center.onLive(message),
    onSyncStatus,
    start,
    async stop() {
      center.stop();
      await stopAdapters();
    },
    handlers: {
      'calls.list': async ({ view, number, limit }) => center.list(view, number, limit),
      'calls.active': async () => center.active(),
      'calls.pop': async ({ id }) => center.pop(id),
      'calls.answer': async ({ id }) => (await center.control('answer', id), {}),
      'calls.hangup': async ({ id }) => (await center.control('hangup', id), {}),
      'calls.hold': async ({ id }) => (await center.control('hold', id), {}),
      'calls.resume': async ({ id }) => (await center.control('resume', id), {}),
      'calls.dial': async (ref) => (await center.dial(ref), {}),
      'calls.claimCallback': async (input) => center.act(parseMutation('call.claimCallback', input)),
      'calls.callbackResult': async (input) => center.act(parseMutation('call.callbackResult', input)),
      'calls.wrapUp': async (input) => center.act(parseMutation('call.wrapUp', input)),
      'calls.link': async (input) => center.link(input),
      'calls.dispositions': async () => siteSettings().dispositions,
      'presence.get': async () => center.presence(),
      'presence.set': async ({ state }) => center.setPresence(state),
      'cti.status': async () => status(),
      'cti.settings': async () => settings(),
      'cti.setSettings': async (next) => {
        repos.meta.set('cti_settings', JSON.stringify(next));
        // New ports or hosts: the adapters restart with them.
        await stopAdapters();
        if (deps.user()) start();
        announce();
        return settings();
      },
    },
  };
}
