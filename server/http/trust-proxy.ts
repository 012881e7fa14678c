/**
 * Which reverse proxies the server believes about the client's address (X-Forwarded-For), as Fastify's
 * `trustProxy` takes it. Off by default: a client talking to the server directly could otherwise name any
 * source address it likes, and the login limits (server/auth/login-limits.ts) count per source address.
 */
import { isIP } from 'node:net';

export type TrustProxy = boolean | number | string[];

const CIDR = /^(.+)\/(\d{1,3})$/;

function isAddressOrRange(entry: string): boolean {
  const range = CIDR.exec(entry);
  const address = range ? range[1]! : entry;
  const family = isIP(address);
  if (family === 0) return false;
  if (!range) return true;
  const bits = Number(range[2]);
  return bits <= (family === 4 ? 32 : 128);
}

/**
 * `--trust-proxy` / DESK_TRUST_PROXY: `false` (default), `true` (every hop: only when nothing but the proxy can
 * reach the server), a hop count (`1` = the nearest proxy), or a comma-separated list of proxy addresses and CIDR
 * ranges (`10.0.0.5,192.168.0.0/16`). Throws with a reason on anything else.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === 'off') return false;
  if (value === 'true' || value === 'on') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 32) throw new Error(`trust-proxy hop count must be 1–32, not ${value}`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isAddressOrRange(entry));
  if (bad !== undefined) {
    throw new Error(`trust-proxy: "${bad}" is not an IP address or CIDR range (or use true, false, a hop count)`);
  }
  return entries;
}

/** As Fastify's typings take it: a hop count becomes the function proxy-addr would build for it. */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}
