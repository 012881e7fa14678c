/**
 * What the fuzz suite sends (issue 11 §1): the known bad classes, each by name (NUL, lone surrogates, huge,
 * negative and non-numeric cursors, impossible dates, over-long numbers, wrong types, prototype keys), generic
 * arbitraries around them, and "a valid input with one thing broken", which gets past the outer checks and probes
 * the inner ones.
 */
import fc from 'fast-check';

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const SOME_UUID = '0b6c8f4e-2f57-4b43-9d55-5d1e8d0f6a11';

/** Text PostgreSQL cannot store, or that has broken servers before. */
export const BAD_TEXT = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udc00y',
  '\udc00\ud800',
  '😀'.slice(0, 1),
  '\u0007\u001b[31m',
  '\u007f',
  '\ufeff\u202e',
  '',
  ' ',
  '\r\n',
  'a'.repeat(70_000),
  "'; DROP TABLE tickets; --",
  '%00',
  '\\u0000',
  '../../etc/passwd',
];

/** Numbers as text: over-long, negative, non-decimal, beyond bigint and xid8. */
export const BAD_NUMBER_TEXT = [
  '-1',
  '0',
  '1e3',
  '0x10',
  ' 5',
  '5.5',
  'NaN',
  'Infinity',
  '9'.repeat(30),
  '9'.repeat(400),
  '18446744073709551616',
  '9223372036854775808',
  '-9223372036854775809',
  '000000000000000000000000001',
  '١٢٣',
];

/** Numbers in JSON that break a careless bound. */
export const BAD_NUMBERS = [-1, 0, -0, 0.5, 1e300, -1e300, 2 ** 53, 2 ** 63, 2 ** 64, Number.MAX_SAFE_INTEGER + 2];

/** Dates and instants that are not real, or far outside the domain. */
export const BAD_DATES = [
  '0000-01-01',
  '2024-02-30',
  '2023-02-29',
  '0000-01-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2024-02-30 00:00:00+00',
  '9999-12-31T23:59:59Z',
  '1969-12-31T23:59:59Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2024-01-01T00:00:00',
  'yesterday',
];

/** Cursors: huge, negative and non-numeric positions, keysets on impossible instants, and garbage. */
export const BAD_CURSORS = [
  b64('99999999999999999999:1'),
  b64('18446744073709551616:0'),
  b64('1:9223372036854775808'),
  b64('-1:-1'),
  b64('a:b'),
  b64('1:2:3'),
  '99999999999999999999:1',
  '18446744073709551615:9223372036854775807',
  '-1:0',
  b64(JSON.stringify(['0000-01-01 00:00:00+00', SOME_UUID])),
  b64(JSON.stringify(['2024-02-30 00:00:00+00', SOME_UUID])),
  b64(JSON.stringify(['2026-01-01T00:00:00Z', 'not-a-uuid'])),
  b64(JSON.stringify([1, 2, 3])),
  b64('{"__proto__":{"x":1}}'),
  '%%%',
  '=',
  'a'.repeat(300),
];

/** Keys that reach an object's prototype when code is careless. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Any UTF-16 code unit (lone surrogates and NUL included), so generic strings break Unicode too. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Ordinary text with one unstorable code unit put somewhere in it: NUL, or half of a surrogate pair. */
const spiked: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.constantFrom('\u0000', '\u0000', '\u0000', '\ud800', '\udbff', '\udfff', '\udc00\ud800'),
    fc.nat(),
  )
  .map(([text, bad, at]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + bad + text.slice(i);
  });

export const badString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BAD_TEXT) },
  { weight: 3, arbitrary: spiked },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_NUMBER_TEXT) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_DATES) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_CURSORS) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
);

/** What replaces a text field: mostly text PostgreSQL cannot store, sometimes any bad string. */
const badText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: spiked },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_TEXT) },
  { weight: 1, arbitrary: badString },
);

const badScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: badString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...BAD_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const key = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 8 }), badString);

/** Generic JSON: scalars above, and arrays and objects of them (wrong types wherever a field sits). */
export const badValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: badScalar },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 3, noNullPrototype: true }) },
  ),
})).value;

type Path = (string | number)[];

/** Every place in a value: its leaves (fields holding a scalar) and its containers (the root included). */
function pathsOf(value: unknown, prefix: Path = []): { leaves: Path[]; containers: Path[] } {
  if (value === null || typeof value !== 'object') return { leaves: [prefix], containers: [] };
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  const inner = entries.map(([k, v]) => pathsOf(v, [...prefix, k]));
  return {
    leaves: inner.flatMap((p) => p.leaves),
    containers: [prefix, ...inner.flatMap((p) => p.containers)],
  };
}

/** Sets (or deletes, or adds beside) the value at `path` of a copy of `root`. */
function edit(root: unknown, path: Path, op: 'replace' | 'delete' | 'add', value: unknown, extraKey: string): unknown {
  if (path.length === 0) return op === 'replace' ? value : root;
  const copy: unknown = structuredClone(root);
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op === 'add' && !Array.isArray(parent)) {
    // A key defined as data, even `__proto__`: what a JSON parser would hand the server.
    Object.defineProperty(parent, extraKey, { value, enumerable: true, configurable: true, writable: true });
  } else {
    parent[last] = value;
  }
  return copy;
}

/**
 * A valid input with one thing broken: one field (at any depth) replaced by a bad value, or removed, or a key added
 * beside it; mostly a field holding a scalar. A string is mostly replaced by a bad string and a number by a bad
 * number (the field's own type, so the content is what gets tested), else by any value. `sample` builds a fresh valid input (new ids) from a seed.
 */
export function brokenFrom(sample: (seed: string) => unknown): fc.Arbitrary<unknown> {
  return fc
    .record({
      seed: fc.uuid({ version: 4 }),
      pick: fc.nat(),
      leaf: fc.nat(4).map((n) => n > 0),
      op: fc.constantFrom<'replace' | 'delete' | 'add'>('replace', 'replace', 'replace', 'delete', 'add'),
      sameType: fc.nat(3).map((n) => n > 0),
      text: badText,
      number: fc.constantFrom<unknown>(...BAD_NUMBERS, ...BAD_NUMBER_TEXT),
      any: badValue,
      extraKey: key,
    })
    .map(({ seed, pick, leaf, op, sameType, text, number, any, extraKey }) => {
      const valid = sample(seed);
      const { leaves, containers } = pathsOf(valid);
      // Mostly a field's value (where text and numbers are checked), sometimes a whole object or list.
      const paths = leaf && leaves.length > 0 ? leaves : containers.length > 0 ? containers : leaves;
      const path = paths[pick % paths.length]!;
      const current = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], valid);
      const value = !sameType ? any : typeof current === 'string' ? text : typeof current === 'number' ? number : any;
      return edit(valid, path, op, value, extraKey);
    });
}

/** Mostly broken valid inputs, some wholly generic ones, and a few valid ones (the code behind the checks runs too). */
export function inputFor(sample: ((seed: string) => unknown) | undefined): fc.Arbitrary<unknown> {
  if (!sample) return badValue;
  return fc.oneof(
    { weight: 6, arbitrary: brokenFrom(sample) },
    { weight: 2, arbitrary: badValue },
    { weight: 1, arbitrary: fc.uuid({ version: 4 }).map(sample) },
  );
}

/** A query-string value as the bytes a client may send: percent-encoded text, or raw (invalid) byte escapes. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: badString.map((s) => encodeUtf16(s)) },
  { weight: 1, arbitrary: fc.constantFrom('%00', '%ED%A0%80', '%FF%FE', '%C0%80', '%', '%zz', '%E5%BC%A0%00') },
);

/** percent-encodes any string, lone surrogates included (as the WTF-8 bytes a broken client would send). */
export function encodeUtf16(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

/** A query string from a few keys (known ones and others) with such values; sometimes a key twice. */
export function queryString(keys: readonly string[], valid: Record<string, string> = {}): fc.Arbitrary<string> {
  // A route that reads no query still gets stray keys.
  const name =
    keys.length === 0
      ? key
      : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: key });
  const pair = fc.tuple(name, queryValue).map(([k, v]) => `${encodeUtf16(k)}=${v}`);
  const validPairs = Object.entries(valid).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return fc
    .tuple(fc.subarray(validPairs), fc.array(pair, { maxLength: 3 }))
    .map(([good, bad]) => [...good, ...bad].join('&'));
}
