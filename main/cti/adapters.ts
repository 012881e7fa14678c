/**
 * The local phone adapters a desk runs, as its CTI settings switch them on: the local hook (softphones that call
 * a URL), baresip over ctrl_tcp (answer, hang up and dial from the console) and Asterisk AMI. The two
 * shells (Electron, browser host) pass this factory to createDesk; tests pass their own or none.
 */
import type { CtiAdapterStatus } from '../../common/calls/pop';
import { createAmiAdapter } from './ami';
import { createBaresipAdapter } from './baresip';
import { createLocalHook } from './local-hook';
import type { AdapterFactory, PhoneAdapter } from './phone';
import type { AdapterState, CtiAdapter, LogFn } from './types';

/** Tracks an adapter's state and its last detail, and tells the desk when it changes. */
function watch(name: CtiAdapterStatus['name'], adapter: CtiAdapter, onStatus: () => void): () => CtiAdapterStatus {
  let state: AdapterState = adapter.state();
  let detail: string | null = null;
  adapter.onState((s, d) => {
    state = s;
    detail = d ?? null;
    onStatus();
  });
  return () => ({ name, state, detail });
}

function announceHook(url: string | null, secret: string): void {
  if (url)
    console.log(`Local phone hook: ${url}/ring?from=<number>&callId=<id>&token=${secret} (also POST ${url}/events)`);
}

export function createPhoneAdapters(log: LogFn = (line) => console.warn(`[cti] ${line}`)): AdapterFactory {
  return (settings, { report, hookSecret, onStatus, extension }) => {
    const adapters: PhoneAdapter[] = [];
    if (settings.hook.enabled) {
      const hook = createLocalHook({ port: settings.hook.port, secret: hookSecret, sink: report, log });
      const status = watch('hook', hook, onStatus);
      // A taken port is reported in the adapter's state (and the status bar), not thrown. Like the console's
      // own URL, the hook's secret is printed on this machine's terminal only, for setting up the softphone.
      hook
        .start()
        .then(() => announceHook(hook.url(), hookSecret))
        .catch(() => {});
      adapters.push({ name: 'hook', status, url: () => hook.url(), stop: () => hook.stop() });
    }
    if (settings.baresip.enabled) {
      const baresip = createBaresipAdapter({
        host: settings.baresip.host,
        port: settings.baresip.port,
        extension: extension ?? 'desk',
        sink: report,
        log,
      });
      const status = watch('baresip', baresip, onStatus);
      baresip.start();
      adapters.push({ name: 'baresip', status, control: baresip, stop: () => baresip.stop() });
    }
    if (settings.ami.enabled) {
      // The PBX's view of every call (no answer key: AMI cannot pick up the agent's handset).
      const ami = createAmiAdapter({
        host: settings.ami.host,
        port: settings.ami.port,
        username: settings.ami.username,
        secret: settings.ami.secret,
        sink: report,
        log,
      });
      const status = watch('ami', ami, onStatus);
      ami.start();
      adapters.push({ name: 'ami', status, stop: () => ami.stop() });
    }
    return adapters;
  };
}
