/** Tiny command-line helpers shared by the Electron shell and the browser host CLI (no dependency needed). */

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Value of `--name value` or `--name=value`; undefined when absent. The last occurrence wins, like most CLIs.
 * Throws when the flag is present without a value.
 */
export function readFlag(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    } else if (arg.startsWith(`--${name}=`)) {
      value = arg.slice(name.length + 3);
      if (value === '') throw new UsageError(`--${name} needs a value`);
    }
  }
  return value;
}

export function hasFlag(argv: readonly string[], name: string): boolean {
  return argv.includes(`--${name}`);
}

/** The central server URL must be http(s) and nothing else (no file:, no javascript:). Returns it without a trailing slash. */
export function parseServerUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`Not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`The server URL must be http:// or https://, got ${value}`);
  }
  return url.href.replace(/\/+$/, '');
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4100';

/** `--server` beats DESK_SERVER_URL beats the local default. */
export function resolveServerUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return parseServerUrl(flag ?? (env.DESK_SERVER_URL || DEFAULT_SERVER_URL));
}
