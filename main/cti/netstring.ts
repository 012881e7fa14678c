/**
 * Netstrings (`LEN:payload,`, D. J. Bernstein), the framing of baresip's ctrl_tcp in both directions. The decoder
 * is streaming: a frame may arrive split over any number of chunks and a chunk may carry several frames. What
 * is not a netstring is skipped and reported (the decoder resyncs on the next length header); a length beyond
 * the limit is fatal, since nothing after it on that stream can be trusted (the caller drops the connection).
 */

/** Frames larger than this are refused by default; ctrl_tcp's JSON events are a few hundred bytes. */
export const DEFAULT_MAX_NETSTRING_BYTES = 1 << 20;

export function encodeNetstring(payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body, Buffer.from(',', 'ascii')]);
}

export interface NetstringProblem {
  /** `garbage`: bytes skipped, decoding goes on. `oversized`: fatal, the decoder takes nothing more. */
  kind: 'garbage' | 'oversized';
  detail: string;
}

export interface DecodeResult {
  frames: Buffer[];
  problems: NetstringProblem[];
}

const COLON = 0x3a;
const COMMA = 0x2c;
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

export class NetstringDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private dead = false;
  private readonly maxBytes: number;
  private readonly maxDigits: number;

  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_NETSTRING_BYTES;
    this.maxDigits = String(this.maxBytes).length;
  }

  /** True after an oversized frame: push() returns nothing until reset(). */
  get failed(): boolean {
    return this.dead;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.dead = false;
  }

  push(chunk: Uint8Array): DecodeResult {
    const out: DecodeResult = { frames: [], problems: [] };
    if (this.dead || chunk.length === 0) return out;
    const buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    const garbage = (detail: string) => out.problems.push({ kind: 'garbage', detail });
    let pos = 0;
    while (pos < buf.length) {
      // Resync: a frame starts with a digit; anything before one is skipped.
      const skipFrom = pos;
      while (pos < buf.length && !isDigit(buf[pos])) pos++;
      if (pos > skipFrom) garbage(`skipped ${pos - skipFrom} byte(s) that start no netstring`);
      if (pos >= buf.length) break;

      let colon = pos;
      while (colon < buf.length && isDigit(buf[colon]) && colon - pos <= this.maxDigits) colon++;
      if (colon - pos > this.maxDigits) return this.fail(out, `a length of more than ${this.maxDigits} digits`);
      if (colon >= buf.length) break; // the length header continues in the next chunk
      if (buf[colon] !== COLON) {
        garbage('digits not followed by ":"');
        pos = colon;
        continue;
      }
      if (buf[pos] === 0x30 && colon - pos > 1) {
        garbage('a length with a leading zero');
        pos = colon + 1;
        continue;
      }
      const length = Number(buf.toString('ascii', pos, colon));
      if (length > this.maxBytes) return this.fail(out, `a frame of ${length} bytes (limit ${this.maxBytes})`);
      const end = colon + 1 + length;
      if (end >= buf.length) break; // payload or its comma still to come
      if (buf[end] !== COMMA) {
        // The length lied; resync inside what it claimed was payload.
        garbage(`a ${length}-byte frame not closed by ","`);
        pos = colon + 1;
        continue;
      }
      out.frames.push(Buffer.from(buf.subarray(colon + 1, end)));
      pos = end + 1;
    }
    // Copy the remainder so the big chunk it came from can be collected.
    this.buf = Buffer.from(buf.subarray(pos));
    return out;
  }

  private fail(out: DecodeResult, what: string): DecodeResult {
    this.dead = true;
    this.buf = Buffer.alloc(0);
    out.problems.push({ kind: 'oversized', detail: `oversized netstring: ${what}` });
    return out;
  }
}
