/**
 * A real softphone and a real caller over loopback, for the CTI tests (recipe: the shared peers/baresip README,
 * with its config copied to tests/support/baresip so CI does not depend on /work/shared):
 * startBaresip() runs `baresip -f <temp copy>` on free ports; placeCall() runs sipp as a caller with a number
 * and a display name, answered (the caller hangs up after `holdMs`) or given up (CANCEL after `holdMs`).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUPPORT = fileURLToPath(new URL('./baresip/', import.meta.url));
const MODULE_DIRS = [
  '/usr/lib/baresip/modules',
  '/usr/lib/x86_64-linux-gnu/baresip/modules',
  '/usr/lib/aarch64-linux-gnu/baresip/modules',
  '/usr/local/lib/baresip/modules',
];

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the real-softphone tests cannot run here, or null when baresip, its modules and sipp are all present. */
export function softphoneMissing(): string | null {
  if (!onPath('baresip')) return 'baresip is not installed (apt-get install baresip-core)';
  if (!onPath('sipp')) return 'sipp is not installed (apt-get install sip-tester)';
  if (!moduleDir()) return `baresip's modules are in none of ${MODULE_DIRS.join(', ')}`;
  return null;
}

function moduleDir(): string | null {
  return MODULE_DIRS.find((d) => existsSync(join(d, 'ctrl_tcp.so'))) ?? null;
}

/** A port free for both TCP and UDP on 127.0.0.1 (SIP listens on both). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port');
}

export interface Baresip {
  dir: string;
  sipPort: number;
  ctrlPort: number;
  /** What baresip printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function startBaresip(): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-baresip-'));
  const sipPort = await freePort();
  let ctrlPort = await freePort();
  while (ctrlPort === sipPort) ctrlPort = await freePort();
  const config = readFileSync(join(SUPPORT, 'config'), 'utf8')
    .replace(/^sip_listen .*$/m, `sip_listen 127.0.0.1:${sipPort}`)
    .replace(/^ctrl_tcp_listen .*$/m, `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`)
    .replace(/^module_path .*$/m, `module_path ${moduleDir() ?? '/usr/lib/baresip/modules'}`);
  writeFileSync(join(dir, 'config'), config);
  copyFileSync(join(SUPPORT, 'accounts'), join(dir, 'accounts'));
  const child = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForTcp(ctrlPort, 8000, () => child.exitCode !== null).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\nbaresip said:\n${out}`);
  });
  return {
    dir,
    sipPort,
    ctrlPort,
    output: () => out,
    async stop() {
      await stopChild(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForTcp(port: number, ms: number, gaveUp: () => boolean) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (gaveUp()) throw new Error('baresip exited before it listened');
    // A probe connection to ctrl_tcp would take it over from the adapter; look at the listening socket instead.
    const listening = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (listening) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`baresip did not listen on ${port} within ${ms} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

export interface CallOptions {
  sipPort: number;
  /** The caller's number (the SIP From user) and display name. */
  caller: string;
  callerName: string;
  /** answered: waits for the answer, talks `holdMs`, hangs up (BYE). giveUp: rings `holdMs`, then CANCEL. */
  kind: 'answered' | 'giveUp';
  holdMs: number;
  /** sipp's overall limit (s). */
  timeoutS?: number;
}

export interface SippCall {
  /** sipp's exit: 0 when the scenario completed. */
  done: Promise<{ code: number | null; output: string }>;
  kill(): void;
}

/** Runs one sipp call against baresip; the scenario file lives in a temp dir of its own. */
export async function placeCall(o: CallOptions): Promise<SippCall> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-sipp-'));
  const scenario = join(dir, 'caller.xml');
  if (o.kind === 'answered') {
    // sipp's own uac scenario with the caller's number and name (the shared recipe's sed, done here).
    // (`sipp -sd` prints the scenario and exits non-zero.)
    const uac = spawnSync('sipp', ['-sd', 'uac'], { encoding: 'utf8' })
      .stdout.replaceAll('From: sipp <sip:sipp@', 'From: "[caller_name]" <sip:[caller]@')
      .replaceAll('Contact: sip:sipp@', 'Contact: sip:[caller]@');
    writeFileSync(scenario, uac);
  } else {
    copyFileSync(join(SUPPORT, 'caller-cancel.xml'), scenario);
  }
  const [port, mediaPort] = [await freePort(), await freePort()];
  const args = [
    ...['-sf', scenario, '-key', 'caller', o.caller, '-key', 'caller_name', o.callerName],
    `127.0.0.1:${o.sipPort}`,
    ...['-s', 'agent101', '-m', '1', '-l', '1', '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort)],
    ...['-d', String(o.holdMs), '-timeout', String(o.timeoutS ?? 12), '-timeout_error', '-nostdin'],
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output: out });
    }),
  );
  return { done, kill: () => child.exitCode === null && child.kill('SIGKILL') };
}

/** sipp as the far end of a click-to-dial (its built-in uas: 180, 200, waits for the BYE), on a port of its own. */
export async function answerOneCall(): Promise<SippCall & { port: number }> {
  const [port, mediaPort] = [await freePort(), await freePort()];
  const args = ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort), '-m', '1'];
  const child = spawn('sipp', [...args, '-timeout', '12', '-timeout_error', '-nostdin'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output: out })),
  );
  await new Promise((r) => setTimeout(r, 200)); // let it bind before baresip dials
  return { port, done, kill: () => child.exitCode === null && child.kill('SIGKILL') };
}
