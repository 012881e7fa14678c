/** The ctrl_tcp framing: any split of a valid stream decodes the same; garbage is skipped, never thrown. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetstringDecoder, encodeNetstring } from '../../main/cti/netstring';

/** Feeds `stream` cut at `cuts` (positions, any order, duplicates allowed) and collects what comes out. */
function decodeSplit(stream: Buffer, cuts: number[], maxBytes?: number) {
  const d = new NetstringDecoder({ maxBytes });
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const frames: string[] = [];
  const problems: string[] = [];
  let from = 0;
  for (const to of [...points, stream.length]) {
    const r = d.push(stream.subarray(from, to));
    frames.push(...r.frames.map((f) => f.toString('utf8')));
    problems.push(...r.problems.map((p) => p.kind));
    from = to;
  }
  return { frames, problems, decoder: d };
}

describe('netstring decoder', () => {
  it('decodes frames split anywhere and several per chunk', () => {
    const stream = Buffer.concat([encodeNetstring('{"a":1}'), encodeNetstring(''), encodeNetstring('李伟')]);
    expect(decodeSplit(stream, []).frames).toEqual(['{"a":1}', '', '李伟']);
    expect(decodeSplit(stream, [1, 2, 3, 9, 13, 14]).frames).toEqual(['{"a":1}', '', '李伟']);
    expect(encodeNetstring('李伟').toString()).toBe('6:李伟,');
  });

  it('property: any split of a valid stream decodes to the same frames, without problems', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => encodeNetstring(p)));
          const r = decodeSplit(stream, cuts);
          expect(r.frames).toEqual(payloads.map((p) => Buffer.from(p, 'utf8').toString('utf8')));
          expect(r.problems).toEqual([]);
          expect(r.decoder.pending).toBe(0);
        },
      ),
    );
  });

  it('property: garbage never throws, and frames do not depend on how the stream was split', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 30 }),
            fc.string({ maxLength: 20 }).map((s) => new Uint8Array(encodeNetstring(s))),
            fc.constantFrom(
              ...['12:', '0:,', '01:x,', '3:abcd,', ':', ',', '999999999999:'].map((s) => Buffer.from(s)),
            ),
          ),
          { maxLength: 10 },
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, cuts) => {
          const stream = Buffer.concat(parts);
          const whole = decodeSplit(stream, [], 64);
          const split = decodeSplit(stream, cuts, 64);
          expect(split.frames).toEqual(whole.frames);
          for (const f of whole.frames) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(64 * 3);
        },
      ),
    );
  });

  it('skips garbage and resyncs on the next frame', () => {
    const stream = Buffer.concat([
      Buffer.from('hello\r\n'),
      encodeNetstring('{"ok":true}'),
      Buffer.from('x'),
      encodeNetstring('b'),
    ]);
    const r = decodeSplit(stream, []);
    expect(r.frames).toEqual(['{"ok":true}', 'b']);
    expect(r.problems).toEqual(['garbage', 'garbage']);
  });

  it('drops a frame whose comma is missing, a leading-zero length, digits without a colon', () => {
    expect(decodeSplit(Buffer.from('3:abcX2:ok,'), []).frames).toEqual(['ok']);
    expect(decodeSplit(Buffer.from('01:a,1:b,'), []).frames).toEqual(['b']);
    expect(decodeSplit(Buffer.from('12x1:c,'), []).frames).toEqual(['c']);
  });

  it('an oversized length is fatal: the decoder refuses everything after it until reset', () => {
    const d = new NetstringDecoder({ maxBytes: 100 });
    const r = d.push(Buffer.from('101:'));
    expect(r.problems).toEqual([{ kind: 'oversized', detail: expect.stringContaining('101 bytes') }]);
    expect(d.failed).toBe(true);
    expect(d.push(encodeNetstring('a')).frames).toEqual([]);
    d.reset();
    expect(d.push(encodeNetstring('a')).frames.map(String)).toEqual(['a']);
    // Too many digits is oversized before the colon arrives.
    const e = new NetstringDecoder({ maxBytes: 100 });
    expect(e.push(Buffer.from('12345')).problems[0]?.kind).toBe('oversized');
  });
});
