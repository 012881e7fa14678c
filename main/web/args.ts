/** Command line of `npm run serve` (main/web/cli.ts); pure so it is unit-tested. */
import { resolve } from 'node:path';
import { UsageError, readFlag, resolveServerUrl } from '../shell/args';

export const DEFAULT_PORT = 5180;

export interface ServeArgs {
  port: number;
  serverUrl: string;
  /** Absolute; undefined → the default profile. */
  profileDir: string | undefined;
}

/** `[--port 5180] [--server URL] [--profile DIR]`; relative paths are taken from the current directory. */
export function parseServeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServeArgs {
  const known = new Set(['port', 'server', 'profile']);
  for (const arg of argv) {
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name !== undefined && !known.has(name)) throw new UsageError(`Unknown option ${arg}`);
  }
  const portFlag = readFlag(argv, 'port');
  const port = portFlag === undefined ? DEFAULT_PORT : Number(portFlag);
  if ((portFlag !== undefined && !/^\d+$/.test(portFlag)) || port > 65535) {
    throw new UsageError(`Invalid --port ${portFlag}`);
  }
  const profile = readFlag(argv, 'profile');
  return {
    port,
    serverUrl: resolveServerUrl(readFlag(argv, 'server'), env),
    profileDir: profile === undefined ? undefined : resolve(profile),
  };
}
