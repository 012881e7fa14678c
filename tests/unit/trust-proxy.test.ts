/** `--trust-proxy` / DESK_TRUST_PROXY (server/http/trust-proxy.ts). */
import { describe, expect, it } from 'vitest';
import { fastifyTrustProxy, parseTrustProxy } from '../../server/http/trust-proxy';

describe('parseTrustProxy', () => {
  it('is off unless asked', () => {
    for (const raw of [undefined, '', ' ', 'false', 'off']) expect(parseTrustProxy(raw)).toBe(false);
    for (const raw of ['true', 'on']) expect(parseTrustProxy(raw)).toBe(true);
  });

  it('takes a hop count or proxy addresses and ranges', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.5, 192.168.0.0/16,::1,fd00::/8')).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
    ]);
  });

  it.each(['0', '33', 'yes', 'proxy.example', '10.0.0.0/33', '::1/129', '10.0.0.5,', '1.2.3'])('refuses %s', (raw) => {
    expect(() => parseTrustProxy(raw)).toThrow(/trust-proxy/);
  });

  it('turns a hop count into the function Fastify’s typings take', () => {
    const trust = fastifyTrustProxy(2) as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => trust('10.0.0.1', hop))).toEqual([true, true, false]);
    expect(fastifyTrustProxy(['10.0.0.5'])).toEqual(['10.0.0.5']);
    expect(fastifyTrustProxy(false)).toBe(false);
  });
});
