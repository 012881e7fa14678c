/**
 * Composes the desk host with the browser host: what `npm run serve` (main/web/cli.ts) and `npm start`'s fallback
 * (scripts/start.mjs) both run, so the two paths cannot behave differently.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPhoneAdapters } from '../cti/adapters';
import { createDesk } from '../desk';
import type { DeskHost, DeskHostOptions } from '../host';
import { createKeyFileSecretStore } from '../secrets/key-file';
import { UsageError, resolveServerUrl } from '../shell/args';
import { DEFAULT_PORT } from './args';
import { startBrowserHost } from './server';

export { DEFAULT_PORT, parseServeArgs } from './args';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export const DEFAULT_PROFILE_DIR = join(PROJECT_ROOT, '.data/profile');
export const DEFAULT_RENDERER_DIR = join(PROJECT_ROOT, 'out/renderer');

export interface RunBrowserHostOptions {
  port?: number;
  serverUrl?: string;
  profileDir?: string;
  rendererDir?: string;
  token?: string;
  /** Injected by tests; defaults to the real desk composition. */
  createDesk?: (options: DeskHostOptions) => Promise<DeskHost>;
}

export interface RunningBrowserHost {
  url: string;
  port: number;
  /** Stops the web server, then the desk (flushes the cache, closes sockets). Safe to call twice. */
  close(): Promise<void>;
}

export async function runBrowserHost(options: RunBrowserHostOptions = {}): Promise<RunningBrowserHost> {
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UsageError(
      `The built console is missing (${join(rendererDir, 'index.html')}). Run \`npm run build\` first.`,
    );
  }
  const profileDir = resolve(options.profileDir ?? DEFAULT_PROFILE_DIR);
  const desk = await (options.createDesk ?? createDesk)({
    profileDir,
    serverUrl: options.serverUrl ?? resolveServerUrl(undefined, process.env),
    // No OS keyring to ask from a plain Node process: a key file only this user can read.
    secrets: createKeyFileSecretStore(profileDir),
    phoneAdapters: createPhoneAdapters(),
  });
  let host;
  try {
    host = await startBrowserHost({ port: options.port ?? DEFAULT_PORT, rendererDir, desk, token: options.token });
  } catch (err) {
    await desk.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${options.port ?? DEFAULT_PORT} is already in use; pass --port <another>.`);
    }
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    url: host.url,
    port: host.port,
    close: () =>
      (closing ??= (async () => {
        try {
          await host.close();
        } finally {
          await desk.close();
        }
      })()),
  };
}
