/**
 * The CTI endpoints (issue 11 §1): POST /api/v1/cti/events (one envelope or a batch, JSON) and the Zammad-compatible
 * POST /api/v1/cti/generic/:token with JSON, form and multipart bodies, the right token or another. Properties: never
 * a 5xx; after a 4xx the data is as it was.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { badString, badValue, encodeUtf16, inputFor, PROTOTYPE_KEYS } from './arbitraries';
import { CTI_TOKEN, countCase, type FuzzServer, type Username } from './harness';
import { envelopeSample, zammadSample } from './samples';

async function expectNoHarm(
  server: FuzzServer,
  target: string,
  send: () => Promise<{ statusCode: number; body: string }>,
) {
  countCase(target);
  const before = await server.fingerprint.current();
  const res = await send();
  expect(res.statusCode, `${target}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400)
    expect(await server.fingerprint.current(), `${target} ${res.statusCode} wrote`).toBe(before);
}

export async function fuzzCtiEvents(server: FuzzServer, runs: number, seed: number): Promise<void> {
  const one = inputFor(envelopeSample);
  const arb = fc.record({
    who: fc.oneof(
      { weight: 5, arbitrary: fc.constant<Username>('pbx') },
      { weight: 1, arbitrary: fc.constantFrom<Username>('agent01', 'admin') },
    ),
    body: fc.oneof(
      { weight: 3, arbitrary: one },
      { weight: 1, arbitrary: fc.array(one, { minLength: 0, maxLength: 4 }) },
    ),
  });
  await fc.assert(
    fc.asyncProperty(arb, ({ who, body }) =>
      expectNoHarm(server, 'CTI POST /api/v1/cti/events', () =>
        server.app.inject({
          method: 'POST',
          url: '/api/v1/cti/events',
          headers: { authorization: `Bearer ${server.token(who)}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body) ?? 'null',
        }),
      ),
    ),
    { seed, numRuns: runs, endOnFailure: true },
  );
}

type Encoding = 'json' | 'form' | 'multipart';

/** A field value as form text: strings as they are, anything else as JSON. */
const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

function formBody(params: Record<string, unknown>): string {
  return Object.entries(params)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [`${k}[]`, x] as const) : [[k, v] as const]))
    .map(([k, v]) => `${encodeUtf16(k)}=${encodeUtf16(asText(v))}`)
    .join('&');
}

/** Multipart as a PBX script (or a broken one) sends it: NUL bytes and bad UTF-8 pass through as bytes. */
function multipartBody(params: Record<string, unknown>, boundary: string, garbage: Buffer): Buffer {
  const parts = Object.entries(params).map(([k, v]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n`),
      Buffer.from(asText(v)),
      garbage,
      Buffer.from('\r\n'),
    ]),
  );
  return Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

export async function fuzzZammad(server: FuzzServer, runs: number, seed: number): Promise<void> {
  // The endpoint answers only while the integration is on.
  await server.app.inject({
    method: 'PUT',
    url: '/api/v1/cti/settings',
    headers: { authorization: `Bearer ${server.token('admin')}` },
    payload: { enabled: true },
  });
  const params = fc.oneof(
    { weight: 4, arbitrary: inputFor(zammadSample) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uuid(), fc.constantFrom(...PROTOTYPE_KEYS), badValue)
        .map(([seed, key, value]) => Object.defineProperty(zammadSample(seed), key, { value, enumerable: true })),
    },
  );
  const arb = fc.record({
    params,
    encoding: fc.constantFrom<Encoding>('json', 'form', 'multipart'),
    token: fc.oneof(
      { weight: 6, arbitrary: fc.constant(CTI_TOKEN) },
      { weight: 1, arbitrary: badString.map(encodeUtf16) },
    ),
    boundary: fc.oneof(
      { weight: 4, arbitrary: fc.constant('fuzzBoundary') },
      { weight: 1, arbitrary: fc.constantFrom('', '"', 'x'.repeat(80)) },
    ),
    garbage: fc.oneof(
      { weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          Buffer.from([0]),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('\r\n\r\n--'),
        ),
      },
    ),
  });
  await fc.assert(
    fc.asyncProperty(arb, ({ params: p, encoding, token, boundary, garbage }) => {
      const fields =
        p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : { value: p };
      const [contentType, payload]: [string, string | Buffer] =
        encoding === 'json'
          ? ['application/json', JSON.stringify(p) ?? 'null']
          : encoding === 'form'
            ? ['application/x-www-form-urlencoded', formBody(fields)]
            : [`multipart/form-data; boundary=${boundary}`, multipartBody(fields, boundary, garbage)];
      return expectNoHarm(server, `CTI POST /api/v1/cti/generic/:token (${encoding})`, () =>
        server.app.inject({
          method: 'POST',
          url: `/api/v1/cti/generic/${token}`,
          headers: { 'content-type': contentType },
          payload,
        }),
      );
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
}
